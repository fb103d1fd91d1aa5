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
from laborgrid.cases.demo import assign_two_handlers
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import cycle, services
from laborgrid.inspections.choices import FindingResult, Signature, VisitOutcome
from laborgrid.inspections.models import Campaign, CampaignTarget

COUNTY, MAOCHANG = "520521", "520521102"
CAMPAIGN = "农民工工资支付专项检查"


def _at(day: object, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))  # type: ignore[arg-type]


def _demo_photo() -> bytes:
    """A small JPEG standing in for a phone photo of the site."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (214, 204, 186))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 60, 280, 200), outline=(90, 90, 90), width=4)
    draw.line((40, 200, 280, 60), fill=(160, 40, 40), width=3)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return out.getvalue()


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
        photo: bool = False,
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
        if photo:
            services.add_photo(
                actor=assistant,
                visit=v,
                content=_demo_photo(),
                content_type="image/jpeg",
                caption="施工现场未设置维权信息公示牌",
                checklist_key="rights_board" if in_campaign else "",
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

    from laborgrid.cases.models import Case

    candidates = list(
        CampaignTarget.objects.filter(campaign=campaign, grid_path__under=maochang.path)
        .order_by("id")
        .values_list("employer_id", flat=True)
    )
    # Employers the demo's complaints are not about first: the oldest visit's order ends in a
    # case (``seed_visit_orders``), which must not look like a duplicate of a complaint.
    with_cases = set(
        Case.objects.filter(employer_id__in=candidates).values_list("employer_id", flat=True)
    )
    targets = sorted(candidates, key=lambda e: (e in with_cases, candidates.index(e)))[:4]
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
    # Spread over the campaign so far: the orders issued from the first visits have had time to
    # lapse (``seed_visit_orders``).
    days_ago = (18, 15, 12, 6)
    for n, employer_id in enumerate(targets):
        violations, refused, wages, workers = samples[n % len(samples)]
        visit(
            employer_id,
            days_ago[n % len(days_ago)],
            photo=n == 0,
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


def seed_visit_orders(log: Callable[[str], None] = print) -> None:
    """Orders to correct issued from the winter campaign's visits in 猫场镇 (issue 16 §7), each
    on its visit's day through the real services: the oldest not corrected on re-inspection and
    escalated to a case carrying the visit's 笔录 and photo, the next left overdue, the latest
    answered by the employer. Idempotent: nothing is added once a visit has issued an order."""
    from laborgrid.deadlines.services import escalate_overdue
    from laborgrid.inspections.models import Visit
    from laborgrid.inspections.selectors import orders_from
    from laborgrid.rectifications import clock
    from laborgrid.rectifications import services as orders
    from laborgrid.rectifications.models import RectificationOrder

    if orders_from(Visit.objects.all()).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=["county", "brigade-1"])}
    assistant = User.objects.filter(username="maochang-a1").first()
    campaign = Campaign.objects.filter(name__endswith=CAMPAIGN).first()
    if len(users) < 2 or assistant is None or campaign is None:
        return
    county, second = users["county"], users["brigade-1"]
    today = timezone.localdate()
    visits = [
        v
        for v in Visit.objects.filter(
            campaign=campaign, status="concluded", grid_path__contains=f"/{MAOCHANG}/"
        ).order_by("visited_on", "id")
        if v.findings.filter(to_order=True).exists()
    ]
    issued = []
    for n, v in enumerate(visits[:3]):
        lines = [
            services.OrderLine(x.key, x.text, x.violation, 5 if n == 0 else x.working_days)
            for x in services.proposed_lines(v)
        ]
        with clock.on(v.visited_on):
            issued.append(services.issue_visit_order(actor=county, visit=v, lines=lines))
    if not issued:
        return
    first = issued[0]
    recheck_on = first.due + timedelta(days=1)
    if recheck_on < today:
        with clock.on(recheck_on):
            first = orders.recheck_order(
                actor=county,
                order=first,
                inspector_2=second,
                findings=[
                    orders.ItemFinding(i.pk, False, "复查时仍未改正") for i in first.items.all()
                ],
                note="两名监察员到场复查：维权信息公示牌仍未设置，拖欠工资未发放完毕。",
                rechecked_on=recheck_on,
            )
        first = orders.escalate_order(
            actor=county, order=first, reason="专项检查中发现的问题逾期未改正，依法立案查处。"
        )
        assign_two_handlers(county, first.case)
    if len(issued) > 2:
        latest = issued[2]
        answered = min(today, latest.issued_on + timedelta(days=3))
        with clock.on(answered):
            orders.respond_order(
                actor=assistant,
                order=latest,
                note="单位书面报告：已向银行申请开设农民工工资专用账户，提交开户材料。",
                responded_on=answered,
            )
    escalate_overdue(today=today, model=RectificationOrder)
    log(f"监察检查：由专项检查现场检查下达责令改正指令书 {len(issued)} 份")
