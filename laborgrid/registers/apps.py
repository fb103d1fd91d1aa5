from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "laborgrid.registers"
    verbose_name = _("登记库导入")
