"""The early-warning rule of the projects' obligations (``projects.warnings``), as data."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("incidents", "WarningRule")
    Rule.objects.get_or_create(
        key="project_obligations", defaults={"window_days": 30, "threshold": 1, "weeks_before": 0}
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    Rule = apps.get_model("incidents", "WarningRule")
    Warning = apps.get_model("incidents", "EarlyWarning")
    if not Warning.objects.filter(rule__key="project_obligations").exists():
        Rule.objects.filter(key="project_obligations").delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("incidents", "0002_default_levels_and_rules")]

    operations = [migrations.RunPython(seed, unseed)]
