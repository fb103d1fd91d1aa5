from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "laborgrid.assessment"
    label = "assessment"
    verbose_name = _("考核验收")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.accounts.roles import Cap
        from laborgrid.assessment import computations, demo, jobs  # noqa: F401  (registrations)
        from laborgrid.assessment.permissions import runs_a_county
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            register_menu,
            register_seeder,
        )

        computations.register_builtin()
        register_menu(
            NavMenu("assessment", _("考核验收"), "ti-trophy", 66, caps=(Cap.WORK_READ,)),
            NavLink(_("考核排名"), "assessment:ranking", order=10),
            NavLink(_("验收清单"), "assessment:checklist_home", order=20),
            NavLink(_("考核指标设置"), "assessment:config", order=30, when=runs_a_county),
        )
        register_seeder(DemoSeeder("assessment", demo.seed_assessment, order=75))
