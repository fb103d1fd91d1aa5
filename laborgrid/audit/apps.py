from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "laborgrid.audit"
    label = "audit"
    verbose_name = _("安全审计")

    def ready(self) -> None:
        # Every app's ``audit_actions`` module registers its actions (``audit.registry``): the
        # log page, its filter and export then know them all, whichever modules a request loaded.
        autodiscover_modules("audit_actions")
        from laborgrid.audit.models import DownloadKind
        from laborgrid.audit.registry import register_detail_values

        labels = dict(DownloadKind.choices)
        register_detail_values("*", "kind", lambda v: str(labels[v]) if v in labels else None)
        from laborgrid.audit import selectors
        from laborgrid.core.extensions import HomeWidget, register_widget

        register_widget(HomeWidget("audit", "audit/_home_events.html", selectors.home_events, 90))
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("audit", _("审计日志"), "ti-shield-check", 95, dropdown=False),
            NavLink(_("审计日志"), "audit:event_list", (Cap.AUDIT_READ,)),
        )
