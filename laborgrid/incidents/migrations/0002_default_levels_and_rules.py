"""Default levels of the emergency plan and early-warning rules (issue 19). No national figures
exist (DOMAIN A5, B1.9): these are assumptions modelled on published local plans (a
construction plan: 30+ migrant workers gathering or blocking roads is a major incident, 10–30
a large one), which the county edits on the settings page. Only missing rows are added; the
reverse removes the defaults that no incident uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

LEVELS = [
    # code, name, rank, people, amount, acts, brigade, bureau, initial, continuing, final
    ("IV", "Ⅳ级（一般）", 1, 1, None, [], True, False, 2, 24, 72),
    ("III", "Ⅲ级（较大）", 2, 10, Decimal("200000"), [], True, False, 2, 12, 48),
    (
        "II",
        "Ⅱ级（重大）",
        3,
        30,
        Decimal("500000"),
        ["blocking_roads", "gathering_government"],
        True,
        True,
        2,
        6,
        24,
    ),
    (
        "I",
        "Ⅰ级（特别重大）",
        4,
        100,
        Decimal("1000000"),
        ["extreme", "violence"],
        True,
        True,
        1,
        4,
        24,
    ),
]

RULES = [
    # key, window days, threshold, weeks before the Spring Festival
    ("repeated_complaints", 30, 3, 0),
    ("arrears_flags", 90, 1, 0),
    ("festival_construction", 30, 1, 8),
    ("written_reviews", 365, 1, 0),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Level = apps.get_model("incidents", "IncidentLevel")
    Rule = apps.get_model("incidents", "WarningRule")
    for code, name, rank, people, amount, acts, brigade, bureau, ini, cont, fin in LEVELS:
        if Level.objects.filter(code=code).exists() or Level.objects.filter(rank=rank).exists():
            continue
        Level.objects.create(
            code=code,
            name=name,
            rank=rank,
            min_people=people,
            min_amount=amount,
            trigger_acts=acts,
            alert_brigade=brigade,
            alert_bureau=bureau,
            initial_report_hours=ini,
            continuing_report_hours=cont,
            final_report_hours=fin,
        )
    for key, days, threshold, weeks in RULES:
        Rule.objects.get_or_create(
            key=key, defaults={"window_days": days, "threshold": threshold, "weeks_before": weeks}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    Level = apps.get_model("incidents", "IncidentLevel")
    Rule = apps.get_model("incidents", "WarningRule")
    Incident = apps.get_model("incidents", "Incident")
    Warning = apps.get_model("incidents", "EarlyWarning")
    used = set(Incident.objects.values_list("level_id", flat=True))
    Level.objects.filter(code__in=[lv[0] for lv in LEVELS]).exclude(pk__in=used).delete()
    ruled = set(Warning.objects.values_list("rule_id", flat=True))
    Rule.objects.filter(key__in=[r[0] for r in RULES]).exclude(pk__in=ruled).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_incidents")]

    operations = [migrations.RunPython(seed, unseed)]
