from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "laborgrid.cases"
    verbose_name = _("投诉举报与案件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.cases import demo, selectors
        from laborgrid.core.extensions import (
            DemoSeeder,
            HomeWidget,
            register_seeder,
            register_widget,
        )

        register_seeder(DemoSeeder("cases", demo.seed_cases, order=50))
        register_widget(HomeWidget("cases", "cases/_workbench.html", selectors.home_widget, 20))
