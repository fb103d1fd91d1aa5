from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    name = "laborgrid.rectifications"
    label = "rectifications"
    verbose_name = _("责令改正")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            register_menu,
            register_seeder,
        )
        from laborgrid.rectifications import deadline_rules, demo, timeline  # noqa: F401

        deadline_rules.register()
        register_seeder(DemoSeeder("rectifications", demo.seed_orders, order=65))
        register_menu(
            NavMenu(
                "rectifications", _("责令改正"), "ti-clipboard-check", 55, caps=(Cap.WORK_READ,)
            ),
            NavLink(_("指令书"), "rectifications:order_list", order=10),
            NavLink(_("期限看板"), "deadlines:board", order=20),
        )
