from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "laborgrid.employers"
    verbose_name = _("用人单位")

    def ready(self) -> None:
        from laborgrid.core.extensions import DemoSeeder, register_seeder
        from laborgrid.employers import (
            demo,
            exports,  # noqa: F401  (registers the list export job)
        )

        register_seeder(DemoSeeder("employers", demo.seed_employers, order=20))
