"""The written review's part of the 大方县 demo: the county's review of the current year, opened
by the county brigade, with a realistic spread in 猫场镇 — filed on time and late, passed,
returned for correction, failed, awaiting review, one sampled for an on-site check, and the
rest not filed. 兴旺建筑劳务 has not filed yet (the issue's "done when" story starts there).
Filings are entered from paper by the squadron, through the services; only their timestamps
are moved back into the window afterwards (a demo cannot wait for the calendar). Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers.demo import NAMED
from laborgrid.grids.models import Grid
from laborgrid.reviews import services
from laborgrid.reviews.choices import ReviewAction
from laborgrid.reviews.models import ReviewStep, ReviewSubmission, ReviewTarget, ReviewYear

COUNTY = "520521"
MAOCHANG = "520521102"
XINGWANG = "大方县猫场镇兴旺建筑劳务有限公司"
DEMO_PDF = b"%PDF-1.4\n% demo attachment\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: (decision, late, reason) for the first filers in 猫场镇, in list order.
PLAN: tuple[tuple[str, bool, str], ...] = (
    *((ReviewAction.PASS, False, "") for _i in range(8)),
    (ReviewAction.RETURN, False, "未附12月工资发放表，请补充后重新提交。"),
    (ReviewAction.RETURN, False, "职工名册人数与申报职工总数不一致，请核对。"),
    (ReviewAction.RETURN, True, "社会保险缴费证明不是本年度的，请重新提供。"),
    (ReviewAction.FAIL, False, "最低月工资低于当地最低工资标准，且未签订劳动合同人数较多。"),
    (ReviewAction.FAIL, True, "不定时工作制审批决定已过有效期，且最低月工资低于标准。"),
    *(("", False, "") for _i in range(3)),
    *(("", True, "") for _i in range(2)),
)


def seed(log: Callable[[str], None] = print) -> None:
    county = Grid.objects.filter(code=COUNTY).first()
    maochang = Grid.objects.filter(code=MAOCHANG).first()
    if county is None or maochang is None:
        return
    today = timezone.localdate()
    if ReviewYear.objects.filter(grid=county, year=today.year).exists():
        return
    inspector = User.objects.get(username="county")
    leader = User.objects.get(username="maochang")
    year = services.open_year(
        actor=inspector,
        grid=county,
        year=today.year,
        opens_on=today - timedelta(days=40),
        closes_on=today - timedelta(days=6),
        form_version=f"{today.year}年度书面审查表（第1版）",
        excluded_types=["state_organ"],
        note="请县内各用人单位在申报期内报送上年度劳动用工情况及12月工资发放表等材料。",
    )
    targets = list(
        ReviewTarget.objects.filter(review_year=year, grid_path__under=maochang.path)
        .exclude(employer__name=XINGWANG)
        # The registry demo's named employers keep their own story (张记餐馆 pays below the
        # minimum wage): the review's filings go to others.
        .exclude(employer__name__in=[n.data["name"] for n in NAMED])
        .filter(employer__employees__gt=0)
        .select_related("employer")
        .order_by("employer_id")[: len(PLAN)]
    )
    sampled = False
    for n, (target, (decision, late, reason)) in enumerate(zip(targets, PLAN, strict=False)):
        e = target.employer
        employees = max(e.employees, 1)
        wage = "1500" if decision == ReviewAction.FAIL else str(1800 + 50 * (n % 9))
        hours = "flexible" if (decision == ReviewAction.FAIL and late) else "standard"
        services.save_draft(
            actor=leader,
            target=target,
            data={
                "employees": employees,
                "contracts_signed": employees if decision != ReviewAction.FAIL else employees // 2,
                "insured_pension": employees,
                "insured_injury": employees,
                "lowest_monthly_wage": wage,
                "hours_system": hours,
                "hours_approval_no": "大人社工时〔2026〕3号" if hours == "flexible" else "",
                "pay_day": 15,
                "pay_method": "bank",
            },
        )
        services.add_attachment(
            actor=leader, target=target, kind="roster", name="职工名册.pdf", content=DEMO_PDF
        )
        if decision != ReviewAction.RETURN or n % 2:
            services.add_attachment(
                actor=leader, target=target, kind="payroll", name="12月工资表.pdf", content=DEMO_PDF
            )
        sub = services.submit(actor=leader, target=target)
        at = timezone.now() - timedelta(days=(3 if late else 30 - n))
        ReviewSubmission.objects.filter(pk=sub.pk).update(first_submitted_at=at, late=late)
        sub.versions.update(submitted_at=at)
        ReviewStep.objects.filter(submission=sub).update(at=at)
        if decision:
            sub = services.decide(actor=leader, submission=sub, action=decision, reason=reason)
        if decision == ReviewAction.PASS and not sampled:
            services.sample(actor=leader, submission=sub)
            sampled = True
    log(
        f"年度书面审查：{year.year}年度，名单 {year.targets.count()} 家，猫场镇已申报 {len(targets)} 家"
    )
