from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "laborgrid.reports"
    label = "reports"
    verbose_name = _("统计报表")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import (
            DemoSeeder,
            HomeWidget,
            NavLink,
            NavMenu,
            register_menu,
            register_seeder,
            register_widget,
        )
        from laborgrid.employers.bulk import on_employers_changed
        from laborgrid.reports import rollup, selectors
        from laborgrid.reports.sources import (
            cases,
            employers,
            incidents,
            inspections,
            projects,
            ratings,
            reviews,
        )

        # The figures: one module per flow (a flow that lands later adds its own the same way).
        cases.register()
        employers.register()
        incidents.register()
        inspections.register()
        reviews.register()
        ratings.register()
        projects.register()

        # A register import changed employers: their tree is counted again in the background.
        on_employers_changed(rollup.schedule_refresh_for)

        register_menu(
            NavMenu("reports", _("统计"), "ti-chart-bar", 70, caps=(Cap.WORK_READ,)),
            NavLink(_("驾驶舱"), "reports:dashboard_home", order=10),
            NavLink(_("统计报表"), "reports:return_home", order=20),
        )
        register_widget(
            HomeWidget("reports", "reports/_home_widget.html", selectors.home_widget, 5)
        )
        # Last: the demo's dashboard counted once, so that it opens at once.
        register_seeder(DemoSeeder("reports", rollup.seed_demo_figures, order=99))
