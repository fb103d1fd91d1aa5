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
