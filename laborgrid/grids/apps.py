from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "laborgrid.grids"
    label = "grids"
    verbose_name = _("网格")

    def ready(self) -> None:
        from laborgrid.grids import exports  # noqa: F401  (registers the grid export job)
