"""The demo's assessment: 大方县's 2026 indicators (with the acceptance checklist), the county's
checks of every township's and park's office and signage, and the year computed, reviewed and
published — a ranked year of the 40 townships with the records behind every score."""

from __future__ import annotations

import base64
import random
from datetime import date

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.assessment import services
from laborgrid.assessment.choices import CheckItem
from laborgrid.assessment.models import Assessment, ChecklistCheck
from laborgrid.core.extensions import Log
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid

COUNTY = "520521"
#: A 1×1 PNG standing in for a site photo (the demo has no real ones).
DEMO_PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
#: The demo's weights (the defaults plus the acceptance checklist).
DEMO_ROWS = [
    ("freshness", 20),
    ("tasks_done", 15),
    ("deadlines_met", 25),
    ("complaints_on_time", 25),
    ("acceptance", 15),
]
#: Townships whose checks carry a photo (the personas' townships).
PHOTO_GRIDS = ("520521102", "520521103")


def seed_assessment(log: Log) -> None:
    county = Grid.objects.filter(code=COUNTY).first()
    actor = User.objects.filter(username="county").first()
    if county is None or actor is None:
        return
    today = timezone.localdate()
    year = today.year
    if Assessment.objects.filter(grid=county, year=year).exists():
        log("考核：已有演示年度考核")
        return
    if not services.Scheme.objects.filter(grid=county, year=year).exists():
        services.save_scheme(
            actor=actor,
            root=county,
            year=year,
            rows=[{"key": k, "weight": w} for k, w in DEMO_ROWS],
            note="演示方案",
        )
    rng = random.Random(520521)  # noqa: S311 (demo data, reproducible)
    grids = list(
        Grid.objects.filter(
            parent=county, level__in=[GridLevel.TOWNSHIP, GridLevel.PARK], is_active=True
        ).order_by("code")
    ) + list(Grid.objects.filter(level=GridLevel.PARK, path__under=county.path, is_active=True))
    # The personas' townships have had their village workrooms checked too; the other villages
    # have not (yet): the acceptance indicator counts those items as not passed.
    grids += list(
        Grid.objects.filter(
            parent__code__in=PHOTO_GRIDS, level=GridLevel.VILLAGE, is_active=True
        ).order_by("code")
    )
    done = set()
    for g in grids:
        if g.pk in done:
            continue
        done.add(g.pk)
        for item in CheckItem:
            if ChecklistCheck.objects.filter(grid=g, year=year, item=item).exists():
                continue
            checked_on = date(
                year, rng.randint(3, max(3, min(11, today.month - 1))), rng.randint(1, 28)
            )
            services.record_check(
                actor=actor,
                root=county,
                grid=g,
                year=year,
                item=item,
                passed=rng.random() < 0.8,
                checked_on=min(checked_on, today),
                note="演示检查",
                photo=DEMO_PHOTO if g.code in PHOTO_GRIDS else None,
            )
    assessment = services.compute_assessment(actor=actor, root=county, year=year, today=today)
    assessment = services.review_assessment(actor=actor, assessment=assessment, note="演示审核")
    services.publish_assessment(actor=actor, assessment=assessment)
    ranked = assessment.grids.filter(parent_path=county.path, rank__isnull=False).count()
    log(f"考核：{year} 年度考核已发布，{ranked} 个乡镇参与排名")
