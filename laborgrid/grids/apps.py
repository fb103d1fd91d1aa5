from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "laborgrid.grids"
    label = "grids"
    verbose_name = _("网格")

    def ready(self) -> None:
        from laborgrid.core.extensions import (
            DemoSeeder,
            HomeWidget,
            register_seeder,
            register_widget,
        )
        from laborgrid.grids import (
            demo,
            exports,  # noqa: F401  (registers the grid export job)
            selectors,
        )

        register_seeder(DemoSeeder("grids", demo.seed_grids_and_staff, order=10))
        register_widget(HomeWidget("grids", "grids/_home_summary.html", selectors.home_summary, 50))
