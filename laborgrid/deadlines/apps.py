from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """期限引擎：任何业务对象的法定期限（计算、重算、看板、督办）。

    本应用不导入任何业务流程（cases、employers……）：各应用在自己的 ``deadline_rules`` 模块中
    通过 ``laborgrid.deadlines.registry`` 登记期限种类，并在其 ``AppConfig.ready()`` 中导入该模块。
    """

    name = "laborgrid.deadlines"
    label = "deadlines"
    verbose_name = _("期限")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.accounts.roles import Cap
        from laborgrid.audit.registry import register_detail_values
        from laborgrid.core.extensions import NavLink, register_link
        from laborgrid.deadlines.services import kind_label

        register_detail_values("deadlines.deadline", "kind", kind_label)

        # The board of every kind of deadline, beside the case boards.
        register_link("cases", NavLink(_("全部期限"), "deadlines:board", (Cap.WORK_READ,), 25))
