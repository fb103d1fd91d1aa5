from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "laborgrid.coverage"
    label = "coverage"
    verbose_name = _("底数覆盖")

    def ready(self) -> None:
        from laborgrid.core.extensions import NavLink, register_link
        from laborgrid.coverage import exports  # noqa: F401  (registers the coverage export job)
        from laborgrid.coverage.services import schedule_refresh
        from laborgrid.employers.bulk import on_employers_changed

        # A register import changed a county's employers: its figures are counted again in
        # the background. Registered here because no flow imports the read-only roll-ups.
        on_employers_changed(schedule_refresh)

        register_link("employers", NavLink(_("底数覆盖情况"), "coverage:coverage_home", order=20))
