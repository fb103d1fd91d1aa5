from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "laborgrid.accounts"
    label = "accounts"
    verbose_name = _("人员与权限")

    def ready(self) -> None:
        from laborgrid.accounts.models import TOTP_KEY_CONTEXT
        from laborgrid.core.pii import register_sealed

        register_sealed("accounts.TotpSecret", "key_enc", TOTP_KEY_CONTEXT)
        from laborgrid.accounts import (
            selectors,
            signals,  # noqa: F401  (login/logout audit receivers)
        )
        from laborgrid.core.extensions import HomeWidget, register_widget

        register_widget(HomeWidget("admin", "accounts/_home_admin.html", selectors.home_admin, 80))
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("people", _("人员与岗位"), "ti-users", 80, dropdown=False),
            NavLink(_("人员与岗位"), "accounts:user_list", (Cap.USER_MANAGE, Cap.ROLE_MANAGE)),
        )
        register_menu(
            NavMenu("lockouts", _("登录锁定"), "ti-lock", 88, dropdown=False),
            NavLink(_("登录锁定"), "accounts:lockout_list", (Cap.ROLE_MANAGE,)),
        )
