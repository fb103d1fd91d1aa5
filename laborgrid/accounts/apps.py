from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "laborgrid.accounts"
    label = "accounts"
    verbose_name = _("人员与权限")

    def ready(self) -> None:
        from laborgrid.accounts import (
            selectors,
            signals,  # noqa: F401  (login/logout audit receivers)
        )
        from laborgrid.core.extensions import HomeWidget, register_widget

        register_widget(HomeWidget("admin", "accounts/_home_admin.html", selectors.home_admin, 80))
