from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "laborgrid.registers"
    verbose_name = _("登记库导入")

    def ready(self) -> None:
        from laborgrid.core.extensions import NavLink, register_link
        from laborgrid.registers import timeline  # noqa: F401  (the archive's import entries)

        register_link(
            "employers",
            NavLink(_("登记库导入"), "registers:batch_list", order=60, divider_before=True),
        )
        register_link("employers", NavLink(_("待人工确认"), "registers:review_list", order=61))
