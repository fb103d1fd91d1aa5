from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "laborgrid.inspections"
    label = "inspections"
    verbose_name = _("监察检查")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The risk factors, the export job and the archive timeline's source register on import.
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            register_menu,
            register_seeder,
        )
        from laborgrid.inspections import demo, exports, risk, timeline  # noqa: F401

        register_seeder(DemoSeeder("inspections", demo.seed_inspections, order=60))
        register_menu(
            NavMenu("inspections", _("监察检查"), "ti-shield-check", 50, caps=(Cap.WORK_READ,)),
            NavLink(_("巡视检查计划"), "inspections:plan_list", order=10),
            NavLink(_("专项检查"), "inspections:campaign_list", order=20),
            NavLink(_("现场检查"), "inspections:visit_list", order=30),
            NavLink(_("记录现场检查"), "inspections:visit_create", (Cap.WORK_WRITE,), order=40),
            NavLink(_("检查统计"), "inspections:stats", order=50),
            NavLink(_("巡查周期"), "inspections:cycle", order=60, divider_before=True),
        )
