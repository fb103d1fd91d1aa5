from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "laborgrid.core"
    label = "core"
    verbose_name = "核心"
