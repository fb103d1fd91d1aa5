from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "laborgrid.notifications"
    verbose_name = _("站内通知")
    default_auto_field = "django.db.models.BigAutoField"
