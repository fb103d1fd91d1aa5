from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "laborgrid.employers"
    verbose_name = _("用人单位")

    def ready(self) -> None:
        from laborgrid.core.pii import register_sealed
        from laborgrid.employers import services as employer_services

        register_sealed("employers.Employer", "contact_phone_enc", employer_services.PHONE_CONTEXT)
        register_sealed("employers.Worker", "id_enc", employer_services.WORKER_ID_CONTEXT)
        register_sealed("employers.Worker", "phone_enc", employer_services.WORKER_PHONE_CONTEXT)
        from laborgrid.core.extensions import DemoSeeder, register_seeder
        from laborgrid.employers import (
            demo,
            exports,  # noqa: F401  (registers the list export job)
            indexing,  # noqa: F401  (registers the deferred search index job)
        )

        register_seeder(DemoSeeder("employers", demo.seed_employers, order=20))
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("employers", _("用人单位"), "ti-building", 20, caps=(Cap.WORK_READ,)),
            NavLink(_("用人单位名录"), "employers:employer_list", order=10),
            NavLink(_("按证件号码查询职工"), "employers:worker_lookup", order=30),
            NavLink(_("最低工资标准"), "employers:minimum_wage_list", order=40),
        )
        # Those who keep the minimum-wage table without working on employers (系统管理员).
        register_menu(
            NavMenu(
                "minimum_wage",
                _("最低工资标准"),
                "ti-coin-yuan",
                21,
                caps=(Cap.GRID_MANAGE,),
                unless_caps=(Cap.WORK_READ,),
                dropdown=False,
            ),
            NavLink(_("最低工资标准"), "employers:minimum_wage_list"),
        )
