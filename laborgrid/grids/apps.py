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
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("grids", _("网格"), "ti-hierarchy-2", 10, dropdown=False),
            NavLink(_("网格"), "grids:grid_list", (Cap.GRID_READ,)),
        )
        register_menu(
            NavMenu("grid_map", _("网格地图"), "ti-map-2", 11, dropdown=False),
            NavLink(_("网格地图"), "grids:grid_map_home", (Cap.GRID_READ,)),
        )
