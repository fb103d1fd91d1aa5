from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "laborgrid.ratings"
    label = "ratings"
    verbose_name = _("诚信评价与社会公布")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.core.pii import register_sealed
        from laborgrid.ratings.listing import ID_CONTEXT

        register_sealed("ratings.ListedPerson", "id_enc", ID_CONTEXT)
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import (
            DemoSeeder,
            NavLink,
            NavMenu,
            register_menu,
            register_seeder,
        )
        from laborgrid.ratings import audit_actions, demo, facts, listing, risk, timeline  # noqa: F401

        facts.register_own()
        listing.register_deadlines()
        risk.register()
        register_seeder(DemoSeeder("ratings", demo.seed_ratings, order=90))
        register_menu(
            NavMenu("ratings", _("诚信评价"), "ti-award", 58, caps=(Cap.WORK_READ,)),
            NavLink(_("诚信等级评价"), "ratings:run_list", order=10),
            NavLink(_("评价规则"), "ratings:rules", order=20),
            NavLink(_("重大违法行为社会公布"), "ratings:notice_list", order=30),
            NavLink(_("失信联合惩戒名单"), "ratings:listing_list", order=40),
        )
