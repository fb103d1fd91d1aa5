from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "laborgrid.projects"
    label = "projects"
    verbose_name = _("在建工程项目")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.core.pii import register_sealed
        from laborgrid.projects.services import ID_CONTEXT, PHONE_CONTEXT

        register_sealed("projects.Project", "labour_officer_phone_enc", PHONE_CONTEXT)
        register_sealed("projects.SiteWorker", "id_enc", ID_CONTEXT)
        register_sealed("projects.PayLine", "id_enc", ID_CONTEXT)
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            register_menu,
            register_seeder,
        )
        from laborgrid.projects import (  # noqa: F401
            audit_actions,
            deadline_rules,
            demo,
            sources,
            timeline,
            warnings,
        )

        deadline_rules.register()
        sources.register()
        register_seeder(DemoSeeder("projects", demo.seed_projects, order=70))
        register_menu(
            NavMenu("projects", _("工程项目"), "ti-building-skyscraper", 57, caps=(Cap.WORK_READ,)),
            NavLink(_("在建项目"), "projects:project_list", order=10),
            NavLink(_("欠薪台账"), "projects:ledger", order=20),
        )
