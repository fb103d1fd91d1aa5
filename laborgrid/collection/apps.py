from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "laborgrid.collection"
    label = "collection"
    verbose_name = _("信息采集")

    def ready(self) -> None:
        from laborgrid.collection.photos import PHOTO_CONTEXT
        from laborgrid.core.pii import register_sealed

        register_sealed("collection.SubmissionPhoto", "file", PHOTO_CONTEXT, file=True)
        # Registers the background jobs (task generation, progress export) and the archive
        # timeline's source of visits without facts.
        from laborgrid.collection import demo, exports, generate, selectors, timeline  # noqa: F401
        from laborgrid.collection.views.field import SHELL, offline_patterns
        from laborgrid.core.extensions import (
            DemoSeeder,
            HomeWidget,
            OfflinePage,
            register_offline_page,
            register_seeder,
            register_widget,
        )

        register_offline_page(OfflinePage("collection", offline_patterns, shell=SHELL))
        register_seeder(DemoSeeder("collection", demo.seed_collection, order=30))
        register_widget(
            HomeWidget("collection", "collection/_workbench.html", selectors.home_widget, 10)
        )
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, NavMenu, register_menu

        register_menu(
            NavMenu("collection", _("信息采集"), "ti-clipboard-list", 40, caps=(Cap.WORK_READ,)),
            NavLink(_("我的任务"), "collection:my_tasks", order=10),
            NavLink(_("采集轮次"), "collection:round_list", order=20),
            NavLink(_("待审核"), "collection:review_list", order=30),
            NavLink(_("发现的问题"), "collection:problem_list", order=40),
        )
