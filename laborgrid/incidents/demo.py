"""The demo's incidents (seeder order 60, after employers and cases): one incident in 猫场镇
reported by its assistant, handled by the squadron (initial report, arrival, departments, wages
paid on the spot, settled), and the early warnings the rules find in the demo's data. Idempotent:
the incident has a fixed client key; warnings are computed (one standing per rule and subject).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.core.extensions import Log
from laborgrid.grids.models import Grid
from laborgrid.incidents import early_warning, services
from laborgrid.incidents.choices import Act, Department, UpdateKind
from laborgrid.incidents.models import Incident

DEMO_KEY = uuid.UUID("19191919-0000-4000-8000-000000000001")
MAOCHANG = "520521102"


def seed_incidents(log: Log) -> None:
    from laborgrid.employers.choices import Industry
    from laborgrid.employers.models import Employer

    if not Incident.objects.filter(client_key=DEMO_KEY).exists():
        reporter = User.objects.filter(username="maochang-a1").first()
        leader = User.objects.filter(username="maochang").first()
        grid = Grid.objects.filter(code=MAOCHANG).first()
        if reporter is None or leader is None or grid is None:
            log("incidents: no 猫场镇 staff, skipped")
            return
        employer = (
            Employer.objects.filter(grid_path__under=grid.path, industry=Industry.E)
            .order_by("id")
            .first()
        )
        now = timezone.now()
        incident, _created = services.report_incident(
            actor=reporter,
            client_key=DEMO_KEY,
            grid=grid,
            place="猫场镇集镇安置房项目工地大门",
            employer_id=employer.pk if employer else None,
            employer_name="" if employer else "猫场镇集镇安置房项目",
            project_name="猫场镇集镇安置房项目",
            people=30,
            amount_claimed=Decimal("460000"),
            demands="支付 2026 年 8 月至 11 月工资",
            acts=[Act.BLOCKING_SITE],
            actions_taken="已劝导工人派代表协商，联系项目负责人到场",
            occurred_at=now - dt.timedelta(hours=3),
        )
        services.add_update(
            actor=leader,
            incident=incident,
            kind=UpdateKind.INITIAL_REPORT,
            text="30 名农民工围堵工地大门讨要工资，现场秩序基本平稳，中队已到场处置。",
            at=now - dt.timedelta(hours=2),
        )
        services.add_update(
            actor=leader,
            incident=incident,
            kind=UpdateKind.ARRIVAL,
            text="中队长及网格协管员到场",
            staff=[leader, reporter],
            at=now - dt.timedelta(hours=2),
        )
        services.add_update(
            actor=leader,
            incident=incident,
            kind=UpdateKind.DEPARTMENTS,
            text="镇政府、派出所、住建部门到场联合处置",
            departments=[Department.TOWNSHIP, Department.PUBLIC_SECURITY, Department.HOUSING],
            at=now - dt.timedelta(hours=1, minutes=30),
        )
        services.add_update(
            actor=leader,
            incident=incident,
            kind=UpdateKind.WAGES_PAID,
            text="总包单位从农民工工资专用账户现场支付部分工资",
            amount_paid=Decimal("180000"),
            workers_paid=18,
            at=now - dt.timedelta(hours=1),
        )
        log("incidents: 1 incident in 猫场镇")
    result = early_warning.compute_warnings()
    log(f"incidents: {len(result.raised)} warnings raised")
