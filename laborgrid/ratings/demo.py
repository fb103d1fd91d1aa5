"""The demo's grading and public lists (seeder order 90, after cases, incidents, inspections and
orders): the local rule "did not file the written review → at most B" (inactive while the
written review is not connected: the run page says so), the 2026 grading of 大方县 from the
demo's own records (every township proposes; one grade overridden with a reason; approved), the
major violations that became final (reviewed and published for the quarter) and one employer on
the wage-arrears list with its legal representative (ID encrypted, masked in public).
Idempotent: each part is skipped when it is already there."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.core.extensions import Log
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.lib import identifiers as ids
from laborgrid.ratings import grading, listing, publicity
from laborgrid.ratings.choices import NoticeState, PersonRole, PublicCategory, RunState
from laborgrid.ratings.models import ArrearsListing, GradingRun, LocalRule, ViolationNotice

COUNTY = "520521"
YEAR = 2026
CATEGORY_OF = {
    "wages": PublicCategory.WAGES,
    "social_insurance": PublicCategory.SOCIAL_INSURANCE,
    "hours": PublicCategory.HOURS,
    "special_protection": PublicCategory.SPECIAL_PROTECTION,
    "child_labour": PublicCategory.CHILD_LABOUR,
}


def _ric(address: str, birth: str, seq: int) -> str:
    body = f"{address}{birth}{seq:03d}"
    return body + ids._ric_check(body)  # the library's own check-digit routine


def seed_ratings(log: Log) -> None:
    county = Grid.objects.filter(code=COUNTY, level=GridLevel.COUNTY).first()
    inspector = User.objects.filter(username="county").first()
    if county is None or inspector is None:
        log("ratings: no 大方县 county grid or inspector, skipped")
        return
    if not LocalRule.objects.filter(key="review-not-filed").exists():
        grading.save_local_rule(
            actor=inspector,
            key="review-not-filed",
            label="未参加年度书面审查的，最高评为B级",
            fact="written_review",
            op="==",
            value="not_filed",
            cap="B",
            basis="大方县实施细则（演示）：参照钦州市办法",
            # Prepared, not in force: the demo's 2026 review window has just closed with most
            # employers not yet filed (follow-up under way); in force, it would cap them all at B.
            enabled=False,
        )
    _seed_run(county, inspector, log)
    _seed_publication(county, inspector, log)
    _seed_listing(inspector, log)


def _seed_run(county: Grid, inspector: User, log: Log) -> None:
    if GradingRun.objects.filter(year=YEAR, grid=county, state=RunState.APPROVED).exists():
        return
    today = timezone.localdate()
    run = grading.run_grading(actor=inspector, grid=county, year=min(YEAR, today.year))
    townships = Grid.objects.filter(parent=county)
    for grid in townships:
        grading.propose_grades(actor=inspector, run=run, grid=grid)
    # One override: a C decided by orders not complied with, lowered to B after review.
    target = (
        run.grades.filter(grade="C", decisive_rule="orders_not_complied")
        .order_by("employer_id")
        .first()
    )
    target = target or run.grades.filter(grade="B").order_by("employer_id").first()
    if target is not None:
        new = "B" if target.grade == "C" else "C"
        grading.override_grade(
            actor=inspector,
            grade=target,
            new_grade=new,
            reason="复核：演示数据——经核实已于复查后补正，履行情况与记录不符，调整等级",
        )
    grading.approve_run(actor=inspector, run=run)
    run.refresh_from_db()
    log(
        f"诚信等级：{run.year} 年度 {run.employers} 家，A {run.counts.get('A')} / B {run.counts.get('B')} / C {run.counts.get('C')}，已审定"
    )


def _seed_publication(county: Grid, inspector: User, log: Log) -> None:
    if ViolationNotice.objects.exists():
        return
    from laborgrid.cases.models import Case

    today = timezone.localdate()
    publicity.flag_candidates(today)
    if not ViolationNotice.objects.exists():
        for case in publicity._final_cases(today)[:50]:
            day = publicity.final_on(case)
            if day and day <= today and case.employer_id:
                publicity.flag_case(
                    actor=inspector,
                    case=case,
                    category=CATEGORY_OF.get(case.category, PublicCategory.OTHER),
                    note="演示：经审查情节严重，列为候选",
                    today=today,
                )
                break
    for notice in ViolationNotice.objects.filter(state=NoticeState.CANDIDATE):
        publicity.review_notice(
            actor=inspector, notice=notice, approve=True, note="经审核，符合公布条件"
        )
    if ViolationNotice.objects.filter(state=NoticeState.APPROVED).exists():
        n = publicity.publish_quarter(actor=inspector, grid=county)
        log(f"社会公布：本季度公布 {n} 项重大劳动保障违法行为")
    _ = Case  # the cases app provides the decisions read above


def _seed_listing(inspector: User, log: Log) -> None:
    if ArrearsListing.objects.exists():
        return
    from laborgrid.cases.models import Case

    today = timezone.localdate()
    for case in (
        Case.objects.filter(category="wages", employer__isnull=False)
        .exclude(decision_kind="")
        .order_by("-amount_owed", "pk")[:30]
    ):
        condition, _missing = listing.conditions(case)
        if condition is None:
            continue
        entry = listing.propose_listing(
            actor=inspector,
            case=case,
            today=today - dt.timedelta(days=30),
            persons=[
                {
                    "role": PersonRole.LEGAL_REP,
                    "name": (case.employer.legal_rep if case.employer else "") or "王建华",
                    "id_number": _ric("520521", "19780312", 31),
                },
                {
                    "role": PersonRole.MANAGER,
                    "name": "刘志强",
                    "id_number": _ric("520502", "19850704", 57),
                },
            ],
        )
        listing.notify_listing(actor=inspector, listing=entry, on=today - dt.timedelta(days=28))
        listing.record_statement(
            actor=inspector,
            listing=entry,
            text="当事人称资金紧张，未提出新的事实和证据",
            on=today - dt.timedelta(days=25),
        )
        listing.decide_listing(
            actor=inspector,
            listing=entry,
            list_it=True,
            note="当事人陈述申辩不成立，决定列入",
            on=today - dt.timedelta(days=20),
        )
        listing.publish_listing(actor=inspector, listing=entry, on=today - dt.timedelta(days=19))
        log(f"失信名单：{entry.name} 已列入并公布")
        return
    log("失信名单：演示案件中没有符合部令45号第五条条件的，未列入")
