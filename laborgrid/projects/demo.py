"""The demo's construction site in 猫场镇 (issue 24 "Done when"): registered with its general
contractor and a subcontractor, the wage account opened, the deposit and the board missing (both
past their deadlines), a real-name roster, and a month's pay sheet with two workers who are not on
the roster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.projects import services
from laborgrid.projects.choices import ObligationKind
from laborgrid.projects.models import Obligation, Project
from laborgrid.projects.samples import paysheet_xlsx, roster_xlsx
from laborgrid.testing.personas import MAOCHANG

DEMO_CODE = "520521-2026-JZ-017"


def _contractors() -> list[Employer]:
    return list(
        Employer.objects.current()
        .filter(grid_path__contains=f"/{MAOCHANG}/", industry="E")
        .exclude(uscc__isnull=True)
        .order_by("id")[:2]
    ) or list(
        Employer.objects.current()
        .filter(grid_path__contains=f"/{MAOCHANG}/")
        .exclude(uscc__isnull=True)
        .order_by("id")[:2]
    )


def seed_projects(log: Callable[[str], None] = print) -> None:
    if Project.objects.filter(code=DEMO_CODE).exists():
        return
    actor = User.objects.filter(username="maochang").first()
    emps = _contractors()
    if actor is None or len(emps) < 2:
        return
    gc, sub = emps
    today = timezone.localdate()
    start = services.month_start(today - dt.timedelta(days=75))
    project = services.register_project(
        actor=actor,
        data={
            "name": "猫场镇中心小学教学综合楼建设项目",
            "code": DEMO_CODE,
            "department": "housing",
            "address": "大方县猫场镇集镇",
            "grid": gc.grid.code,
            "client_name": "大方县教育局",
            "general_contractor": gc.pk,
            "subcontractors": [{"employer": sub.pk, "scope": "劳务分包"}],
            "contract_sum": "12800000.00",
            "starts_on": start,
            "ends_on": start + dt.timedelta(days=540),
            "labour_officer": "张建国",
            "labour_officer_phone": "13985712345",
        },
    )
    account = Obligation.objects.get(
        project=project, kind=ObligationKind.WAGE_ACCOUNT, month__isnull=True
    )
    services.record_obligation(
        actor=actor,
        obligation=account,
        data={
            "bank": "贵州大方农村商业银行猫场支行",
            "reference": "2401 0120 0000 8817",
            "met_on": start,
        },
    )
    last = services.month_start(services.month_start(today) - dt.timedelta(days=1))
    services.upload_roster(
        actor=actor,
        project=project,
        month=last,
        content=roster_xlsx(gc.name, sub.name),
        filename="花名册.xlsx",
    )
    services.upload_paysheet(
        actor=actor,
        project=project,
        month=last,
        content=paysheet_xlsx(),
        filename="工资支付表.xlsx",
    )
    # the missing deposit and board stand as early warnings (the incidents' rule registry)
    from laborgrid.incidents.early_warning import compute_warnings

    raised = compute_warnings().raised
    log(f"projects: {project.name}; warnings raised: {len(raised)}")
