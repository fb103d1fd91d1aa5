from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "laborgrid.inspections"
    label = "inspections"
    verbose_name = _("监察检查")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.core.pii import register_sealed
        from laborgrid.inspections.services import PHOTO_CONTEXT

        register_sealed("inspections.VisitPhoto", "file", PHOTO_CONTEXT, file=True)
        # The risk factors, the export job and the archive timeline's source register on import.
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            OfflinePage,
            register_menu,
            register_offline_page,
            register_seeder,
        )
        from laborgrid.inspections import demo, exports, risk, timeline  # noqa: F401
        from laborgrid.inspections.models import Visit
        from laborgrid.inspections.services import visit_evidence
        from laborgrid.rectifications.registry import register_source

        # A visit issues orders to correct; a case opened from one carries its 笔录 and photos.
        register_source(
            Visit,
            label=_("现场检查"),
            url=lambda v: v.get_absolute_url(),
            evidence=visit_evidence,
        )
        from laborgrid.inspections.views import offline_patterns, offline_precache

        register_offline_page(
            OfflinePage(  # noqa: S604 - static files of the page, not a subprocess shell
                "inspections",
                offline_patterns,
                precache=offline_precache,
                shell=("inspections/visit.js",),
            )
        )
        register_seeder(DemoSeeder("inspections", demo.seed_inspections, order=60))
        # After the orders' own demo (65): orders issued from the campaign's visits.
        register_seeder(DemoSeeder("inspections_orders", demo.seed_visit_orders, order=68))
        register_menu(
            NavMenu("inspections", _("监察检查"), "ti-shield-check", 50, caps=(Cap.WORK_READ,)),
            NavLink(_("巡视检查计划"), "inspections:plan_list", order=10),
            NavLink(_("专项检查"), "inspections:campaign_list", order=20),
            NavLink(_("现场检查"), "inspections:visit_list", order=30),
            NavLink(_("记录现场检查"), "inspections:visit_create", (Cap.WORK_WRITE,), order=40),
            NavLink(_("检查统计"), "inspections:stats", order=50),
            NavLink(_("巡查周期"), "inspections:cycle", order=60, divider_before=True),
        )
