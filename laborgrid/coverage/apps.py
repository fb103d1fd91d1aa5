from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "laborgrid.coverage"
    label = "coverage"
    verbose_name = _("底数覆盖")

    def ready(self) -> None:
        from laborgrid.core.extensions import NavLink, register_link
        from laborgrid.coverage import exports  # noqa: F401  (registers the coverage export job)

        register_link("employers", NavLink(_("底数覆盖情况"), "coverage:coverage_home", order=20))
