"""Generated demo cases: a few hundred across 大方县, in every state, some overdue (issue §9).

Written set-based: the cases, complainants, transitions, deadlines and records of the whole run
are bulk-inserted (five inserts), the deadlines computed through ``laborgrid.workdays`` like the
services do, so ``seed_demo`` stays fast. The story of each case follows the transition table
(``choices.TRANSITIONS``); overdue ones are then escalated through the real service.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.roles import Role
from laborgrid.cases.choices import (
    TRANSITIONS,
    Action,
    CaseKind,
    CaseState,
    Category,
    Channel,
    ClosureKind,
    DayType,
    DeadlineKind,
    DecisionKind,
    DefenceKind,
    RecordKind,
    RedirectKind,
    RefusalGround,
    ServiceMethod,
)
from laborgrid.cases.models import Case, CaseRecord, Complainant
from laborgrid.cases.services.common import seed_transitions
from laborgrid.cases.services.deadlines import RULES, compute
from laborgrid.cases.services.intake import ID_CONTEXT, PHONE_CONTEXT, new_tracking_code
from laborgrid.cases.services.procedure import ENFORCEMENT_MONTHS, add_months, remedy_windows
from laborgrid.core import pii
from laborgrid.core.paths import path_codes
from laborgrid.deadlines import services as deadline_engine
from laborgrid.deadlines.models import Deadline
from laborgrid.employers.models import Employer
from laborgrid.lib import identifiers as ids

#: How many cases the demo has.
DEMO_CASES = 320
MARKER = "【演示】"

# The path of each end state, from registration (B9).
_TAIL = {
    CaseState.RECEIVED: [],
    CaseState.NEEDS_CORRECTION: [Action.REQUEST_CORRECTION],
    CaseState.REJECTED: [Action.REFUSE],
    CaseState.REDIRECTED: [Action.REDIRECT],
    CaseState.ACCEPTED: [Action.ACCEPT],
    CaseState.INVESTIGATING: [Action.ACCEPT, Action.FILE],
    CaseState.SUSPENDED: [Action.ACCEPT, Action.FILE, Action.SUSPEND],
    CaseState.DECISION_PENDING: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION],
    CaseState.PENALTY_NOTICE: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION, Action.NOTIFY_PENALTY],
    CaseState.DECIDED: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION, Action.DECIDE],
    CaseState.SERVED: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION, Action.DECIDE, Action.SERVE],
    # Court enforcement of a penalty: only after the review and suit windows lapsed (D13, D14)
    # and 10 days after a 催告书 was served (行政强制法 Art. 53–54, D15).
    CaseState.ENFORCEMENT: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION, Action.NOTIFY_PENALTY, Action.DECIDE, Action.SERVE, Action.DEMAND, Action.ENFORCE],
    CaseState.CLOSED: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION, Action.DECIDE, Action.SERVE, Action.CLOSE],
    CaseState.ARCHIVED: [Action.ACCEPT, Action.FILE, Action.COMPLETE_INVESTIGATION, Action.DECIDE, Action.SERVE, Action.CLOSE, Action.ARCHIVE],
}  # fmt: skip
_WEIGHTS = {
    CaseState.RECEIVED: 30, CaseState.NEEDS_CORRECTION: 8, CaseState.REJECTED: 10,
    CaseState.REDIRECTED: 12, CaseState.ACCEPTED: 15, CaseState.INVESTIGATING: 60,
    CaseState.SUSPENDED: 6, CaseState.DECISION_PENDING: 20, CaseState.PENALTY_NOTICE: 6,
    CaseState.DECIDED: 15, CaseState.SERVED: 25, CaseState.ENFORCEMENT: 5,
    CaseState.CLOSED: 60, CaseState.ARCHIVED: 40,
}  # fmt: skip
# Days after the previous step that each action happens (min, max).
_GAP = {
    Action.ACCEPT: (1, 6), Action.REFUSE: (2, 6), Action.REDIRECT: (0, 3),
    Action.REQUEST_CORRECTION: (1, 4), Action.FILE: (0, 0), Action.SUSPEND: (10, 30),
    Action.COMPLETE_INVESTIGATION: (20, 80), Action.NOTIFY_PENALTY: (3, 10),
    Action.DECIDE: (3, 18), Action.SERVE: (1, 8), Action.DEMAND: (186, 200),
    Action.ENFORCE: (11, 40),
    Action.CLOSE: (10, 40), Action.ARCHIVE: (5, 20),
}  # fmt: skip

FACTS = {
    Category.WAGES: "{months}个月工资未发放，共计约{amount}元，多次催要无果。",
    Category.CONTRACT: "入职已{months}个月，单位一直未与劳动者签订书面劳动合同。",
    Category.HOURS: "每天工作12小时，每月仅休息2天，加班无加班费。",
    Category.SOCIAL_INSURANCE: "单位未为职工缴纳社会保险，已持续{months}个月。",
    Category.SPECIAL_PROTECTION: "安排怀孕女职工夜班，未按规定减轻劳动量。",
    Category.CHILD_LABOUR: "车间内有疑似未满16周岁的人员做工。",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国明华志刚德海燕红军伟芳丽强磊洋艳勇杰娟涛"


@dataclass
class _Plan:
    case: Case
    steps: list[tuple[str, date]] = field(default_factory=list)


def _leaders() -> dict[str, int]:
    """Township code → its squadron leader's user id."""
    return dict(
        GridAssignment.objects.current()
        .filter(role=Role.SQUADRON_LEADER, grid__level="township")
        .values_list("grid__code", "user_id")
    )


def _person(rng: random.Random, n: int) -> Complainant:
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
    body = f"520521{birth:%Y%m%d}{n % 1000:03d}"
    number = body + ids._ric_check(body)  # the library's own check-digit routine
    phone = f"139{rng.randrange(10**7, 10**8):08d}"
    return Complainant(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        id_enc=pii.seal(number, context=ID_CONTEXT),
        id_index=pii.blind(number, context=ID_CONTEXT),
        id_masked=ids.mask_ric(number),
        gender=ids.ric_gender(number),
        phone_enc=pii.seal(phone, context=PHONE_CONTEXT),
        phone_index=pii.blind(phone, context=PHONE_CONTEXT),
        phone_masked=ids.mask_phone(phone),
    )


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, time(8 + rng.randrange(0, 9), rng.randrange(0, 60)))
    )


def generate_cases(rng: random.Random, *, today: date, count: int = DEMO_CASES) -> int:
    if Case.objects.filter(facts__startswith=MARKER).exists():
        return 0
    employers = list(
        Employer.objects.current()
        .filter(grid__isnull=False)
        .select_related("grid")
        .only(
            "id", "name", "address", "uscc", "grid__id", "grid__code", "grid__path", "grid__level"
        )
        .order_by("id")[:3000]
    )
    if not employers:
        return 0
    leaders = _leaders()
    county = User.objects.filter(username="county").first()
    partner = User.objects.filter(username="brigade-1").first()
    if county is None or partner is None:
        return 0
    states = list(_WEIGHTS)
    weights = [_WEIGHTS[s] for s in states]
    plans: list[_Plan] = []
    for n in range(count):
        state = rng.choices(states, weights)[0]
        tail = _TAIL[state]
        span = sum(_GAP[a][1] for a in tail)
        # Open cases are recent enough that some are on time and some overdue.
        back = rng.randrange(0, 25) + (
            span // 2
            if state not in (CaseState.CLOSED, CaseState.ARCHIVED, CaseState.ENFORCEMENT)
            else span
        )
        received = today - timedelta(days=back + 1)
        employer = rng.choice(employers)
        category = rng.choices(list(FACTS), [60, 12, 10, 10, 4, 4])[0]
        months = rng.randrange(1, 7)
        amount = Decimal(rng.randrange(3, 60) * 1000)
        kind = rng.choices([CaseKind.COMPLAINT, CaseKind.REPORT, CaseKind.REFERRAL], [70, 20, 10])[
            0
        ]
        channel = {
            CaseKind.COMPLAINT: rng.choice(
                [Channel.WEB, Channel.PHONE, Channel.WALK_IN, Channel.LETTER]
            ),
            CaseKind.REPORT: rng.choice([Channel.WEB, Channel.PHONE]),
            CaseKind.REFERRAL: Channel.PLATFORM,
        }[kind]
        case = Case(
            kind=kind,
            channel=channel,
            platform_ref=f"QX{received:%Y%m%d}{n:05d}" if kind == CaseKind.REFERRAL else "",
            state=CaseState.RECEIVED,
            grid=employer.grid,
            grid_path=employer.grid.path,
            route_method="employer",
            route_note="按名录中用人单位所属网格分派",
            employer=employer,
            employer_name=employer.name,
            employer_code=employer.uscc or "",
            employer_address=employer.address,
            category=category,
            facts=MARKER + FACTS[category].format(months=months, amount=amount),
            request="要求依法查处。",
            amount_owed=amount if category == Category.WAGES else None,
            months_owed=months if category == Category.WAGES else None,
            workers_affected=rng.randrange(1, 12),
            violation_start=received - timedelta(days=30 * months),
            is_continuing=True,
            anonymous=kind == CaseKind.REPORT and rng.random() < 0.6,
            received_on=received,
            received_at=_at(received, rng),
            tracking_code=new_tracking_code() if kind != CaseKind.REFERRAL else None,
        )
        plan = _Plan(case)
        day = received
        for tail_action in tail:
            lo, hi = _GAP[tail_action]
            day = min(day + timedelta(days=rng.randrange(lo, hi + 1)), today)
            plan.steps.append((tail_action, day))
        plans.append(plan)
    Case.objects.bulk_create([p.case for p in plans], batch_size=500)

    people: list[Complainant] = []
    steps: list[dict[str, Any]] = []
    deadlines: list[Deadline] = []
    records: list[CaseRecord] = []
    cache: dict[tuple[date, int, str], Any] = {}

    def due(case: Case, kind: str, start: date) -> Deadline:
        days, day_type, _basis = RULES[kind]
        key = (start, days, day_type)
        if key not in cache:
            cache[key] = compute(start, days, day_type)
        return deadline_engine.build(case, kind, start, grid=case.grid, computed=cache[key])

    updated: list[Case] = []
    for n, plan in enumerate(plans):
        case = plan.case
        if not case.anonymous and case.kind != CaseKind.REFERRAL:
            person = _person(rng, n)
            person.case = case
            person.workers_represented = case.workers_affected
            people.append(person)
        township = next((c for c in path_codes(case.grid_path) if len(c) == 9), "")
        handler_id = leaders.get(township, county.pk)
        steps.append(
            {
                "case": case,
                "action": Action.REGISTER,
                "from_state": "",
                "to_state": CaseState.RECEIVED,
                "at": case.received_at,
            }
        )
        open_dl: dict[str, Deadline] = {}
        if case.kind == CaseKind.COMPLAINT:
            open_dl[DeadlineKind.ACCEPTANCE] = due(case, DeadlineKind.ACCEPTANCE, case.received_on)
        current: str = CaseState.RECEIVED
        for step_action, day in plan.steps:
            action: str = step_action
            target = TRANSITIONS[action][1] or current
            certified_step = action in (
                Action.COMPLETE_INVESTIGATION,
                Action.NOTIFY_PENALTY,
                Action.DECIDE,
            )
            actor = (
                county.pk
                if certified_step or action in (Action.SERVE, Action.DEMAND, Action.ENFORCE)
                else handler_id
            )
            reason = ""
            if action == Action.REFUSE:
                case.refusal_ground = RefusalGround.OUT_OF_SCOPE
                reason = "经审查不属于劳动保障监察职责范围。"
            elif action == Action.REDIRECT:
                case.redirect_kind = RedirectKind.ARBITRATION
                reason = "属于劳动争议，已告知向仲裁委员会申请仲裁。"
            elif action == Action.REQUEST_CORRECTION:
                reason = "请补充用人单位准确名称和地址。"
            elif action == Action.SUSPEND:
                reason = "用人单位负责人下落不明。"
                case.suspended_since = day
            steps.append(
                {
                    "case": case,
                    "action": action,
                    "from_state": current,
                    "to_state": target,
                    "actor_id": actor,
                    "approver_id": county.pk if action == Action.SUSPEND else None,
                    "at": _at(day, rng),
                    "reason": reason,
                }
            )
            if DeadlineKind.ACCEPTANCE in open_dl and action in (
                Action.ACCEPT,
                Action.REFUSE,
                Action.REDIRECT,
            ):
                open_dl[DeadlineKind.ACCEPTANCE].met_on = day
            if action == Action.REQUEST_CORRECTION and DeadlineKind.ACCEPTANCE in open_dl:
                open_dl[DeadlineKind.ACCEPTANCE].voided = True
                open_dl[DeadlineKind.CORRECTION] = due(case, DeadlineKind.CORRECTION, day)
            if action == Action.ACCEPT:
                case.accepted_on = day
                open_dl[DeadlineKind.FILING] = due(case, DeadlineKind.FILING, day)  # D2
            if action == Action.FILE:
                case.filed_on = day
                # The two handling inspectors (承办人) are named when the case is filed.
                case.handler_1, case.handler_2, case.handlers_assigned_on = county, partner, day
                steps.append(
                    {
                        "case": case,
                        "action": Action.ASSIGN,
                        "from_state": target,
                        "to_state": target,
                        "actor_id": handler_id,
                        "at": _at(day, rng),
                        "reason": f"{county.display_name}、{partner.display_name}",
                        "detail": {"handlers": [county.pk, partner.pk]},
                    }
                )
                if DeadlineKind.FILING in open_dl:
                    open_dl[DeadlineKind.FILING].met_on = day
                open_dl[DeadlineKind.INVESTIGATION] = due(case, DeadlineKind.INVESTIGATION, day)
                open_dl[DeadlineKind.PENALTY_CAP] = due(case, DeadlineKind.PENALTY_CAP, day)
            if action == Action.COMPLETE_INVESTIGATION:
                case.investigation_completed_on = day
                open_dl[DeadlineKind.INVESTIGATION].met_on = day
                open_dl[DeadlineKind.DECISION] = due(case, DeadlineKind.DECISION, day)
                records.append(
                    CaseRecord(
                        case=case,
                        kind=RecordKind.SITE_INSPECTION,
                        title="现场检查笔录",
                        content="检查工资发放台账和考勤记录。",
                        occurred_on=day - timedelta(days=3),
                        inspector_1=county,
                        inspector_2=partner,
                        created_by=county,
                    )
                )
            if action == Action.NOTIFY_PENALTY:
                open_dl[DeadlineKind.HEARING_REQUEST] = due(case, DeadlineKind.HEARING_REQUEST, day)
            if action == Action.DECIDE:
                penalty = current == CaseState.PENALTY_NOTICE
                case.decision_kind = (
                    DecisionKind.PENALTY if penalty else DecisionKind.CORRECTION_ORDER
                )
                case.decision_summary = (
                    "罚款人民币五千元。" if penalty else "责令限期十日内支付拖欠的劳动报酬。"
                )
                case.decision_signed_by = county
                case.decided_on = day
                if penalty:  # the party was heard before the penalty (行政处罚法 Art. 44–45)
                    case.penalty_amount = Decimal(5000)
                    case.defence = DefenceKind.STATEMENT
                    case.defence_on = day
                    case.defence_outcome = "当事人陈述申辩未提出新的事实和理由，不予采纳。"
                for k in (
                    DeadlineKind.DECISION,
                    DeadlineKind.PENALTY_CAP,
                    DeadlineKind.HEARING_REQUEST,
                ):
                    if k in open_dl:
                        open_dl[k].met_on = day
                open_dl[DeadlineKind.SERVICE] = due(case, DeadlineKind.SERVICE, day)
            if action == Action.SERVE:
                case.served_on = day
                case.service_method = ServiceMethod.DIRECT
                case.service_proof = "送达回证（当事人签收）"
                open_dl[DeadlineKind.SERVICE].met_on = day
                if case.decision_kind == DecisionKind.PENALTY:
                    open_dl[DeadlineKind.FINE_PAYMENT] = due(case, DeadlineKind.FINE_PAYMENT, day)
                    review, suit = remedy_windows(day)
                    lapse = max(review, suit)
                    last = add_months(lapse, ENFORCEMENT_MONTHS)
                    open_dl[DeadlineKind.ENFORCEMENT_APPLICATION] = deadline_engine.build(
                        case,
                        DeadlineKind.ENFORCEMENT_APPLICATION,
                        lapse,
                        grid=case.grid,
                        computed=compute(lapse, (last - lapse).days, DayType.CALENDAR),
                    )
            if action == Action.DEMAND:
                case.demand_served_on = day
            if action == Action.ENFORCE:
                open_dl[DeadlineKind.ENFORCEMENT_APPLICATION].met_on = day
            if action == Action.CLOSE:
                case.closed_on = day
                case.closure_kind = ClosureKind.PERFORMED
                case.amount_recovered = case.amount_owed or Decimal(0)
                case.workers_helped = case.workers_affected
                case.public_result = "经调查，用人单位已按要求整改并支付拖欠工资。"
                for d in open_dl.values():
                    if d.met_on is None:
                        d.voided = True
            if action == Action.ARCHIVE:
                case.archived_on = day
            current = target
        if current in (CaseState.REJECTED, CaseState.REDIRECTED):
            for d in open_dl.values():
                if d.met_on is None:
                    d.voided = True
        case.state = current
        deadlines.extend(open_dl.values())
        updated.append(case)
    Case.objects.bulk_update(
        updated,
        ["state", "accepted_on", "filed_on", "investigation_completed_on", "decided_on", "served_on",
         "closed_on", "archived_on", "decision_kind", "decision_summary", "decision_signed_by",
         "closure_kind", "amount_recovered", "workers_helped", "public_result", "refusal_ground",
         "redirect_kind", "suspended_since", "defence", "defence_on", "defence_outcome",
         "service_method", "service_proof", "penalty_amount", "demand_served_on", "handler_1",
         "handler_2", "handlers_assigned_on"],
        batch_size=500,
    )  # fmt: skip
    Complainant.objects.bulk_create(people, batch_size=500)
    seed_transitions(steps)
    Deadline.objects.bulk_create(deadlines, batch_size=1000)
    CaseRecord.objects.bulk_create(records, batch_size=500)
    _merge_some(plans, county)
    from laborgrid.cases.services.deadlines import refresh_warning

    for case in Case.objects.filter(
        pk__in=Deadline.objects.pending()
        .for_model(Case)
        .filter(due__isnull=True)
        .values("object_id")
    ):
        refresh_warning(case)  # "calendar missing for 2027" on the case, as the services do
    from laborgrid.cases.services.deadlines import escalate_overdue

    # Supervision of the cases most overdue (a week past due): the real service, notifications too.
    escalate_overdue(today=today - timedelta(days=7))
    return len(plans)


def _merge_some(plans: list[_Plan], actor: User) -> None:
    """A few duplicates merged into an open case of the same employer (并案)."""
    received = [p.case for p in plans if p.case.state == CaseState.RECEIVED and not p.steps]
    targets = {p.case.employer_id: p.case for p in plans if p.case.state == CaseState.INVESTIGATING}
    merged = 0
    for case in received:
        target = targets.get(case.employer_id)
        if target is None or merged >= 4:
            continue
        Case.objects.filter(pk=case.pk).update(state=CaseState.MERGED, merged_into=target)
        deadline_engine.void(case)
        _merge_step(case, actor)
        merged += 1
    if merged:
        return
    # No natural duplicate: make one from the first received case and an investigating one.
    if received and targets:
        target = next(iter(targets.values()))
        case = received[0]
        Case.objects.filter(pk=case.pk).update(
            state=CaseState.MERGED,
            merged_into=target,
            employer=target.employer,
            employer_name=target.employer_name,
            grid=target.grid,
            grid_path=target.grid_path,
        )
        deadline_engine.move(case, target.grid)
        deadline_engine.void(case)
        _merge_step(case, actor)


def _merge_step(case: Case, actor: User) -> None:
    seed_transitions(
        [
            {
                "case": case,
                "action": Action.MERGE,
                "from_state": CaseState.RECEIVED,
                "to_state": CaseState.MERGED,
                "actor": actor,
                "reason": "同一用人单位同一事项，并案处理",
            }
        ]
    )
