from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "laborgrid.cases"
    verbose_name = _("投诉举报与案件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.cases.services.intake import ID_CONTEXT
        from laborgrid.cases.services.limits import PHONE_CONTEXT
        from laborgrid.core.pii import register_sealed

        register_sealed("cases.Complainant", "id_enc", ID_CONTEXT)
        register_sealed("cases.Complainant", "phone_enc", PHONE_CONTEXT)
        from laborgrid.cases import demo, selectors
        from laborgrid.core.extensions import (
            DemoSeeder,
            HomeWidget,
            register_seeder,
            register_widget,
        )

        register_seeder(DemoSeeder("cases", demo.seed_cases, order=50))
        register_widget(HomeWidget("cases", "cases/_workbench.html", selectors.home_widget, 20))
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("cases", _("投诉举报"), "ti-message-report", 30, caps=(Cap.WORK_READ,)),
            NavLink(_("案件"), "cases:case_list", order=10),
            NavLink(_("期限看板"), "cases:case_boards", order=20),
            NavLink(_("登记投诉举报"), "cases:case_create", (Cap.WORK_WRITE,), order=30),
            NavLink(_("我的通知"), "notifications:notification_list", order=40),
            NavLink(
                _("公众投诉页面"),
                "public:complaint_form",
                order=90,
                new_tab=True,
                divider_before=True,
            ),
        )
        register_menu(
            NavMenu("certificates", _("执法证"), "ti-id-badge", 85, dropdown=False),
            NavLink(_("执法证"), "cases:certificate_list", (Cap.USER_MANAGE,)),
        )

        from laborgrid.cases import deadline_rules
        from laborgrid.cases import timeline as _timeline  # noqa: F401  (registers the source)

        deadline_rules.register()
