from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "laborgrid.workdays"
    label = "workdays"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from laborgrid.core.extensions import DemoSeeder, register_seeder
        from laborgrid.workdays import demo

        register_seeder(DemoSeeder("workdays", demo.seed_calendar, order=40))
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("calendar", _("日历与文书"), "ti-calendar", 90, caps=(Cap.STAFF_READ,)),
            NavLink(_("工作日历"), "workdays:calendar_year", order=10),
        )
