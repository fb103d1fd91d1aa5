from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "laborgrid.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # The worker caps its own memory before running its first task (the web process never
        # does: django-tasks sends task_started only where a task runs).
        from django_tasks.signals import task_started

        from laborgrid.core.jobs import _cap_worker_memory

        task_started.connect(_cap_worker_memory, dispatch_uid="laborgrid.core.memory_cap")
