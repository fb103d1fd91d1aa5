from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class CasesConfig(AppConfig):
    name = "laborgrid.cases"
    verbose_name = _("投诉举报与案件")
    default_auto_field = "django.db.models.BigAutoField"


#: Labels of the navigation entries this app adds to ``templates/base.html`` (the shell's
#: catalogue is the lead's): kept in this app's catalogue so that the English menu is complete.
NAV_LABELS = (
    gettext_noop("投诉举报"),
    gettext_noop("案件"),
    gettext_noop("期限看板"),
    gettext_noop("登记投诉举报"),
    gettext_noop("我的通知"),
    gettext_noop("公众投诉页面"),
    gettext_noop("执法证"),
)
