"""Copy the case deadlines into the deadline engine's table (``deadlines.Deadline``), one table of
deadlines for every object; the next migration drops ``cases.Deadline``. Reversible: the reverse
copies the case deadlines back and removes them from the engine's table."""

from __future__ import annotations

from typing import Any

from django.db import migrations

FIELDS = ("kind", "start", "due", "calendar_version", "missing_years", "met_on", "voided", "basis")


def forward(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Case = apps.get_model("cases", "Case")
    Old = apps.get_model("cases", "Deadline")
    New = apps.get_model("deadlines", "Deadline")
    db = schema_editor.connection.alias  # the database being migrated, not the default
    if not Old.objects.using(db).exists():
        return
    ct, _created = ContentType.objects.using(db).get_or_create(app_label="cases", model="case")
    cases = {
        c["pk"]: c
        for c in Case.objects.using(db).values(
            "pk", "grid_id", "grid_path", "escalated", "escalated_at"
        )
    }
    rows = []
    for d in Old.objects.using(db).order_by("pk").iterator(chunk_size=2000):
        case = cases[d.case_id]
        # A deadline of a case already under supervision (挂牌督办) counts as escalated.
        escalated = case["escalated"] and d.met_on is None and not d.voided
        rows.append(
            New(
                content_type_id=ct.pk,
                object_id=d.case_id,
                grid_id=case["grid_id"],
                grid_path=case["grid_path"],
                amount=d.days,
                unit=d.day_type,
                escalation_level=1 if escalated else 0,
                escalated_at=case["escalated_at"] if escalated else None,
                **{f: getattr(d, f) for f in FIELDS},
            )
        )
        if len(rows) >= 2000:
            New.objects.using(db).bulk_create(rows)
            rows = []
    New.objects.using(db).bulk_create(rows)


def backward(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Old = apps.get_model("cases", "Deadline")
    New = apps.get_model("deadlines", "Deadline")
    db = schema_editor.connection.alias  # the database being migrated, not the default
    ct = ContentType.objects.using(db).filter(app_label="cases", model="case").first()
    if ct is None:
        return
    qs = New.objects.using(db).filter(content_type_id=ct.pk)
    rows = [
        Old(
            case_id=d.object_id,
            days=d.amount,
            day_type=d.unit,
            **{f: getattr(d, f) for f in FIELDS},
        )
        for d in qs.order_by("pk").iterator(chunk_size=2000)
        if d.unit in ("working", "calendar")
    ]
    Old.objects.using(db).bulk_create(rows, batch_size=2000)
    qs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_intake_counts"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("deadlines", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
