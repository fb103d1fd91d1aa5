"""重大劳动保障违法行为社会公布 (《重大劳动保障违法行为社会公布办法》, 人社部令第29号, in force
2017-01-01; DOMAIN B3.1; issue 18 §4).

Scope: violations already investigated with a handling decision made (已经依法查处并作出处理决定),
in the seven published categories; publication is mandatory, not optional. Fields: the
violator's full name, USCC (or registration number) and address, the legal representative's or
principal's name, the main facts and the handling; no state, commercial or personal secrets.
City and county departments publish every quarter (ad hoc publication is allowed).

Readings of what the summaries leave open (DOMAIN B10 item 4), stated on the list page:
- a decision counts when it is *final*: a 行政处理决定 or 行政处罚决定, served, and the party's
  行政复议 (60 days) and 行政诉讼 (6 months) periods have lapsed — the same dates the case
  procedure computes (``cases.services.procedure.remedy_windows``); a 责令改正 alone is not a
  handling decision for this purpose;
- candidates are flagged automatically for child labour (any) and wage arrears of at least
  ``LABORGRID_MAJOR_ARREARS_AMOUNT`` yuan (数额较大, a local figure); the categories that need
  "情节严重" or "严重不良社会影响" are flagged by an inspector with the reason;
- an item stays online until withdrawn (no duration in the national text); it is withdrawn when
  the decision is revoked (复议 or court), with the revoking document named.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import check_write
from laborgrid.ratings.audit_actions import RatingsAction
from laborgrid.ratings.choices import NoticeState, PublicCategory
from laborgrid.ratings.models import ViolationNotice
from laborgrid.ratings.selectors import county_path

BASIS = "《重大劳动保障违法行为社会公布办法》（人力资源社会保障部令第29号）"


def major_arrears_amount() -> Decimal:
    return Decimal(str(getattr(settings, "LABORGRID_MAJOR_ARREARS_AMOUNT", 50000)))


def final_on(case: Any) -> dt.date | None:
    """The first day the case's decision can no longer be challenged (None: not final yet or not
    a handling or penalty decision)."""
    from laborgrid.cases.choices import DecisionKind
    from laborgrid.cases.services.procedure import effective_service_date, remedy_windows

    if case.decision_kind not in (DecisionKind.PENALTY, DecisionKind.HANDLING_DECISION):
        return None
    if case.served_on is None:
        return None
    review, suit = remedy_windows(effective_service_date(case.served_on, case.service_method))
    return max(review, suit) + dt.timedelta(days=1)


def auto_category(case: Any) -> str | None:
    from laborgrid.cases.choices import Category

    if case.category == Category.CHILD_LABOUR or case.violation == "child_labour":
        return PublicCategory.CHILD_LABOUR
    if case.category == Category.WAGES and (case.amount_owed or 0) >= major_arrears_amount():
        return PublicCategory.WAGES
    return None


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _handling(case: Any) -> str:
    parts = [case.get_decision_kind_display()]
    if case.decision_summary:
        parts.append(case.decision_summary.strip())
    if case.penalty_amount:
        parts.append(_("罚款 %(amount)s 元") % {"amount": f"{case.penalty_amount:,.2f}"})
    if case.amount_recovered:
        parts.append(_("追回工资 %(amount)s 元") % {"amount": f"{case.amount_recovered:,.2f}"})
    return "；".join(p for p in parts if p)


def _new_notice(case: Any, category: str, day: dt.date, note: str) -> ViolationNotice:
    emp = case.employer
    return ViolationNotice(
        case=case,
        employer=emp,
        grid_id=case.grid_id,
        grid_path=case.grid_path,
        category=category,
        name=(emp.name if emp else case.employer_name),
        uscc=(emp.uscc or "") if emp else case.employer_code,
        address=(emp.address if emp else case.employer_address),
        legal_rep=(emp.legal_rep if emp else case.employer_contact),
        facts=(case.findings or case.facts).strip()[:2000],
        handling=_handling(case),
        final_on=day,
        flagged_note=note,
    )


def _final_cases(today: dt.date) -> Any:
    from laborgrid.cases.choices import CaseState, DecisionKind
    from laborgrid.cases.models import Case

    # Pre-filter in SQL (served at least six months ago); the exact date is computed per case.
    return (
        Case.objects.filter(
            decision_kind__in=[DecisionKind.PENALTY, DecisionKind.HANDLING_DECISION],
            state__in=[
                CaseState.SERVED,
                CaseState.ENFORCEMENT,
                CaseState.CLOSED,
                CaseState.ARCHIVED,
            ],
            served_on__lte=today - dt.timedelta(days=180),
            publication__isnull=True,
        )
        .select_related("employer")
        .order_by("pk")
    )


@transaction.atomic
def flag_candidates(today: dt.date | None = None) -> int:
    """Flag every final decision in an automatically recognised category (daily run)."""
    today = today or timezone.localdate()
    new = []
    for case in _final_cases(today).iterator(chunk_size=500):
        day = final_on(case)
        category = auto_category(case)
        if day is None or day > today or category is None:
            continue
        new.append(_new_notice(case, category, day, _("决定已确定，属公布类别（自动识别）")))
    ViolationNotice.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def flag_case(
    *,
    actor: Any,
    case: Any,
    category: str,
    note: str,
    request: Any = None,
    today: dt.date | None = None,
) -> ViolationNotice:
    """An inspector flags a final decision for a category that needs judgement (情节严重...)."""
    today = today or timezone.localdate()
    check_write(actor, Cap.WORK_WRITE, case.grid_path)
    if category not in PublicCategory.values:
        raise ValidationError({"category": _("请选择公布类别。")})
    if ViolationNotice.objects.filter(case=case).exists():
        raise ValidationError(_("该案件已列为社会公布候选。"))
    day = final_on(case)
    if day is None:
        raise ValidationError(
            _(
                "该案件没有已送达的行政处理或行政处罚决定，不能社会公布（部令29号：已依法查处并作出处理决定）。"
            )
        )
    if day > today:
        raise ValidationError(
            _("决定在 %(day)s 前仍可申请行政复议或提起行政诉讼，确定后才能列为候选。")
            % {"day": day.isoformat()}
        )
    note = (note or "").strip()
    if len(note) < 4:
        raise ValidationError({"note": _("请写明属于该类别的理由（如情节严重的事实）。")})
    notice = _new_notice(case, category, day, note[:300])
    notice.save()
    record(
        RatingsAction.PUBLICATION_STEP,
        actor=actor,
        request=request,
        obj=notice,
        detail={"action": "flag", "category": category},
    )
    return notice


@transaction.atomic
def review_notice(
    *,
    actor: Any,
    notice: ViolationNotice,
    approve: bool,
    note: str = "",
    facts: str = "",
    handling: str = "",
    request: Any = None,
    today: dt.date | None = None,
) -> ViolationNotice:
    """The county reviews a candidate: approve (with the published text, checked for secrets) or
    dismiss with a reason."""
    notice = ViolationNotice.objects.select_for_update().get(pk=notice.pk)
    _check_county(actor, notice)
    if notice.state != NoticeState.CANDIDATE:
        raise ValidationError(_("只有待审核的候选可以审核。"))
    note = (note or "").strip()
    if not approve and len(note) < 4:
        raise ValidationError({"note": _("不予公布须写明理由。")})
    if facts.strip():
        notice.facts = facts.strip()[:2000]
    if handling.strip():
        notice.handling = handling.strip()[:2000]
    notice.state = NoticeState.APPROVED if approve else NoticeState.DISMISSED
    notice.reviewed_by, notice.reviewed_on, notice.review_note = (
        actor,
        today or timezone.localdate(),
        note[:500],
    )
    notice.save()
    record(
        RatingsAction.PUBLICATION_STEP,
        actor=actor,
        request=request,
        obj=notice,
        detail={"action": "review", "to": notice.state},
    )
    return notice


def _check_county(actor: Any, notice: Any) -> None:
    """Publication is the county department's (部令29号: 县级以上人社行政部门)."""
    check_write(actor, Cap.WORK_WRITE, county_path(notice.grid_path))


@transaction.atomic
def publish_quarter(
    *, actor: Any, grid: Any, request: Any = None, today: dt.date | None = None
) -> int:
    """Publish every approved item under the county ``grid`` as this quarter's list."""
    today = today or timezone.localdate()
    check_write(actor, Cap.WORK_WRITE, grid.path)
    n = ViolationNotice.objects.filter(
        grid_path__under=grid.path, state=NoticeState.APPROVED
    ).update(state=NoticeState.PUBLISHED, published_on=today, quarter=quarter_of(today))
    if not n:
        raise ValidationError(_("没有审核通过待公布的事项。"))
    record(
        RatingsAction.PUBLICATION_STEP,
        actor=actor,
        request=request,
        obj=grid,
        detail={"action": "publish", "number": quarter_of(today), "n": n},
    )
    return n


@transaction.atomic
def withdraw_notice(
    *,
    actor: Any,
    notice: ViolationNotice,
    reason: str,
    request: Any = None,
    today: dt.date | None = None,
) -> ViolationNotice:
    """The decision was revoked (行政复议决定 or judgment; name it in the reason): the item leaves
    the public list at once and the withdrawal stays on record."""
    notice = ViolationNotice.objects.select_for_update().get(pk=notice.pk)
    _check_county(actor, notice)
    if notice.state in (NoticeState.WITHDRAWN, NoticeState.DISMISSED):
        raise ValidationError(_("该事项已撤回或不予公布。"))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("请写明撤销决定的文书（如行政复议决定书文号）。")})
    notice.state, notice.withdrawn_on, notice.withdraw_reason = (
        NoticeState.WITHDRAWN,
        today or timezone.localdate(),
        reason[:500],
    )
    notice.save()
    record(
        RatingsAction.PUBLICATION_STEP,
        actor=actor,
        request=request,
        obj=notice,
        detail={"action": "withdraw", "reason": reason},
    )
    return notice


def published() -> Any:
    """What the public page and API show: published and not withdrawn, newest quarter first."""
    return ViolationNotice.objects.filter(state=NoticeState.PUBLISHED).order_by(
        "-quarter", "-published_on", "-id"
    )
