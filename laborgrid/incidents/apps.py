from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "laborgrid.incidents"
    label = "incidents"
    verbose_name = _("群体性事件")

    def ready(self) -> None:
        from laborgrid.core.pii import register_sealed
        from laborgrid.incidents.photos import PHOTO_CONTEXT

        register_sealed("incidents.IncidentPhoto", "file", PHOTO_CONTEXT, file=True)
        # Deadline kinds, the archive timeline's source, the warning rules, the demo seeder.
        from laborgrid.accounts.roles import Cap
        from laborgrid.audit.registry import register_detail_values
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            OfflinePage,
            register_menu,
            register_offline_page,
            register_seeder,
        )
        from laborgrid.incidents import (
            deadline_rules,
            demo,
            tasks,  # noqa: F401
            timeline,  # noqa: F401
            warning_rules,  # noqa: F401
        )
        from laborgrid.incidents.levels import level_label

        deadline_rules.register()
        from laborgrid.incidents.views import offline_patterns, offline_precache

        register_offline_page(
            OfflinePage(  # noqa: S604 - static files of the page, not a subprocess shell
                "incidents",
                offline_patterns,
                precache=offline_precache,
                shell=("incidents/report.js",),
            )
        )
        register_seeder(DemoSeeder("incidents", demo.seed_incidents, order=60))
        register_menu(
            NavMenu("incidents", _("群体事件"), "ti-urgent", 55, caps=(Cap.WORK_READ,)),
            NavLink(_("快速报告"), "incidents:incident_report", (Cap.WORK_WRITE,), order=10),
            NavLink(_("事件列表"), "incidents:incident_list", order=20),
            NavLink(_("欠薪预警"), "incidents:warning_list", order=30),
            NavLink(_("等级与预警设置"), "incidents:settings", order=40, divider_before=True),
        )
        register_detail_values("incidents.incident", "level", level_label)
