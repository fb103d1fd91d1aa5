"""Seed the calendar with every year ``chinese-calendar`` knows (2004–2026 for 1.11.0), so a fresh
database and the test database have it. Later package years come from ``seed_workdays``
(run by ``seed_demo``); administrators add the rest through the calendar pages (DOMAIN A4)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from laborgrid.workdays.services import seed_from_package

    seed_from_package(
        apps.get_model("workdays", "CalendarYear"),
        apps.get_model("workdays", "CalendarDay"),
        apps.get_model("workdays", "CalendarRevision"),
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("workdays", "CalendarDay").objects.all().delete()
    apps.get_model("workdays", "CalendarYear").objects.all().delete()
    apps.get_model("workdays", "CalendarRevision").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
