"""The inspections part of the 大方县 demo (issue 16 §7): the county's visiting cycle, a winter
wage campaign under way (农民工工资支付专项检查, construction employers county-wide, with a few
visits concluded in 猫场镇) and this month's patrols in 猫场镇 (planned from the proposals, some
visited). Written through the services, so every row is what a user would have produced.
Idempotent: nothing is added once the campaign exists. The demo visits record no labour-use
facts (the collection round of the same township is generated from stale facts)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import cycle, services
from laborgrid.inspections.choices import FindingResult, Signature, VisitOutcome
from laborgrid.inspections.models import Campaign, CampaignTarget

COUNTY, MAOCHANG = "520521", "520521102"
CAMPAIGN = "农民工工资支付专项检查"


def _at(day: object, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))  # type: ignore[arg-type]


def seed_inspections(log: Callable[[str], None] = print) -> None:
    if Campaign.objects.filter(name__endswith=CAMPAIGN).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["county", "brigade-1", "maochang", "maochang-a1"]
        )
    }
    county_grid = Grid.objects.filter(code=COUNTY).first()
    maochang = Grid.objects.filter(code=MAOCHANG).first()
    if len(users) < 4 or county_grid is None or maochang is None:
        return
    county, brigade, leader, assistant = (
        users["county"],
        users["brigade-1"],
        users["maochang"],
        users["maochang-a1"],
    )
    today = timezone.localdate()
    services.save_cycle(actor=county, grid=county_grid, high_risk_months=3, other_months=12)
    season = today.year if today.month >= 7 else today.year - 1
    campaign = services.create_campaign(
        actor=county,
        name=f"{season}年冬季{CAMPAIGN}",
        theme="春节前集中检查工程建设领域和劳动密集型企业农民工工资支付情况，确保农民工按时足额拿到工资。",
        grid=county_grid,
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=55),
        rules={"industries": ["E"]},
        checklist=checklists.build_template(checklists.WAGE_CAMPAIGN_KEYS),
    )
    month = today.replace(day=1)
    plan = services.create_plan(actor=leader, grid=maochang, month=month)
    proposed = cycle.proposals(plan, today, limit=12)
    services.add_plan_targets(actor=leader, plan=plan, employer_ids=[e.pk for e in proposed])

    def visit(
        employer_id: int,
        days_ago: int,
        *,
        in_campaign: bool,
        violations: dict[str, str],
        refused: bool = False,
        wages: str = "0",
        workers: int = 0,
    ) -> None:
        from laborgrid.employers.models import Employer

        employer = Employer.objects.get(pk=employer_id)
        day = max(
            month if not in_campaign else campaign.starts_on, today - timedelta(days=days_ago)
        )
        template = campaign.checklist if in_campaign else checklists.default_template()
        findings = [
            services.FindingInput(
                c["key"],
                FindingResult.VIOLATION if c["key"] in violations else FindingResult.COMPLIANT,
                violations.get(c["key"], ""),
            )
            for c in template
        ]
        v, _created = services.record_visit(
            actor=assistant,
            employer=employer,
            client_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-visit-{employer_id}-{in_campaign}"),
            outcome=VisitOutcome.INSPECTED,
            started_at=_at(day, 9),
            ended_at=_at(day, 10),
            inspector_1=county,
            inspector_2=brigade,
            assistants=[assistant],
            campaign=campaign if in_campaign else None,
            findings=findings,
            # No facts: the demo's collection round in 猫场镇 counts on those employers' facts
            # being stale (an inspection snapshot would freshen them); tests show the snapshot.
            gps=(employer.lat, employer.lng, 12.0)
            if employer.lat is not None and employer.lng is not None
            else None,
        )
        services.conclude_visit(
            actor=county,
            visit=v,
            decisions=[
                services.FindingDecision(
                    f.key, f.result, f.note, to_order=f.result == FindingResult.VIOLATION
                )
                for f in findings
            ],
            signature=Signature.REFUSED if refused else Signature.SIGNED,
            rep_name="王经理",
            rep_position="项目负责人",
            refusal_reason="认为检查结论与事实不符" if refused else "",
            wages_recovered=Decimal(wages),
            workers_concerned=workers,
        )

    targets = list(
        CampaignTarget.objects.filter(
            campaign=campaign, grid_path__under=maochang.path
        ).values_list("employer_id", flat=True)[:4]
    )
    samples = [
        (
            {"wages": "拖欠农民工工资两个月", "rights_board": "未设置维权信息公示牌"},
            False,
            "86400",
            12,
        ),
        ({"real_name": "未建立实名制管理台账"}, True, "0", 0),
        ({}, False, "0", 0),
        ({"wage_account": "未开设农民工工资专用账户"}, False, "23500", 5),
    ]
    for n, employer_id in enumerate(targets):
        violations, refused, wages, workers = samples[n % len(samples)]
        visit(
            employer_id,
            10 - n,
            in_campaign=True,
            violations=violations,
            refused=refused,
            wages=wages,
            workers=workers,
        )
    patrol = [e.pk for e in proposed if e.pk not in targets][:5]
    for n, employer_id in enumerate(patrol):
        violations = {"contracts": "部分职工未签订书面劳动合同"} if n % 2 == 0 else {}
        visit(employer_id, 4 - min(n, 4), in_campaign=False, violations=violations)
    log(
        f"监察检查：专项检查 1 项（对象 {CampaignTarget.objects.filter(campaign=campaign).count()} 家），"
        f"猫场镇巡查计划 {len(proposed)} 家，现场检查 {len(targets) + len(patrol)} 次"
    )
