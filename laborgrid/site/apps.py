from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer: the home workbench and the demo, composed from what each app registers
    (``laborgrid.core.extensions``). Nothing imports it."""

    name = "laborgrid.site"
    label = "site"
    verbose_name = _("平台首页与演示")
