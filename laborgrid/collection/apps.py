from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "laborgrid.collection"
    label = "collection"
    verbose_name = _("信息采集")

    def ready(self) -> None:
        # Registers the background jobs (task generation, progress export) and the archive
        # timeline's source of visits without facts.
        from laborgrid.collection import exports, generate, timeline  # noqa: F401
