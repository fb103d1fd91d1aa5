"""Builders for the inspection tests (and the permission matrix)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import services
from laborgrid.inspections.choices import FindingResult, VisitOutcome
from laborgrid.inspections.models import Campaign, PatrolPlan, Visit

#: The smallest bytes the photo check accepts as a JPEG.
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def user(name: str) -> User:
    return User.objects.get(username=name)


def employer_in(code: str, n: int = 0) -> Employer:
    grid = Grid.objects.get(code=code)
    return Employer.objects.filter(
        grid_path__under=grid.path, status="operating", merged_into__isnull=True
    ).order_by("id")[n]


def make_plan(code: str, months_ahead: int = 2) -> PatrolPlan:
    """A plan on the township for a month no other test or the demo uses."""
    today = timezone.localdate().replace(day=1)
    month = today
    for _ in range(months_ahead):
        month = (month + timedelta(days=32)).replace(day=1)
    grid = Grid.objects.get(code=code)
    existing = PatrolPlan.objects.filter(grid=grid, month=month).first()
    if existing:
        return existing
    return services.create_plan(actor=user("county"), grid=grid, month=month)


def make_campaign(code: str, name: str = "测试专项检查") -> Campaign:
    grid = Grid.objects.get(code=code)
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=user("county"),
        name=name,
        grid=grid,
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=30),
        rules={"grids": [code], "max_employees": 100000},
        checklist=checklists.build_template(checklists.WAGE_CAMPAIGN_KEYS),
    )
    return campaign


def make_visit(
    code: str, *, recorder: str = "county", campaign: Campaign | None = None, **kw: Any
) -> Visit:
    employer = kw.pop("employer", None) or employer_in(code, 1)
    template = campaign.checklist if campaign else checklists.default_template()
    findings = kw.pop(
        "findings",
        [
            services.FindingInput(
                c["key"],
                FindingResult.VIOLATION if i == 0 else FindingResult.COMPLIANT,
                "问题" if i == 0 else "",
            )
            for i, c in enumerate(template)
        ],
    )
    visit, _created = services.record_visit(
        actor=user(recorder),
        employer=employer,
        client_key=kw.pop("client_key", uuid.uuid4()),
        outcome=kw.pop("outcome", VisitOutcome.INSPECTED),
        started_at=kw.pop("started_at", timezone.now() - timedelta(hours=2)),
        inspector_1=user("county"),
        inspector_2=user("brigade-1"),
        campaign=campaign,
        findings=findings,
        **kw,
    )
    return visit
