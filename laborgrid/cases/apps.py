from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "laborgrid.cases"
    verbose_name = _("投诉举报与案件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.cases import deadline_rules

        deadline_rules.register()
