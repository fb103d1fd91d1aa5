from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    name = "laborgrid.rectifications"
    label = "rectifications"
    verbose_name = _("责令改正")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.rectifications import deadline_rules

        deadline_rules.register()
