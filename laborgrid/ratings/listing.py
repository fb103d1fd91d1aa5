"""拖欠农民工工资失信联合惩戒对象名单 (《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》,
人社部令第45号, in force 2022-01-01; 保障农民工工资支付条例 Art. 48; DOMAIN B3.2; issue 18 §5).

Art. 5: an employer that owes migrant workers wages and, after an order to pay by a deadline
(责令限期支付), still has not paid by the deadline, is listed when (1) the amount reaches the
拒不支付劳动报酬罪 threshold, or (2) the arrears caused a mass or extreme incident with serious
adverse social impact. Listed with it: the legal representative or principal and the directly
responsible persons (by ID number: encrypted, blind-indexed, masked in public).

Steps, each here and audited: proposal (the conditions are checked against the case), prior
notice with a statement period (陈述申辩; a deadline through ``laborgrid.deadlines``), decision,
publication, 3 years in force from the decision, early removal on application (信用修复:
arrears paid, 6 months since the correction and on the list, no new arrears, written pledge),
automatic expiry. The procedural periods are not in the national summaries (DOMAIN B10 item 3):
they are settings (Guizhou's figures go there):
``LABORGRID_ARREARS_STATEMENT_WORKING_DAYS`` (5), ``LABORGRID_ARREARS_LIST_YEARS`` (3),
``LABORGRID_ARREARS_CRIMINAL_AMOUNT_ONE`` (20 000, with ≥3 months owed) and
``LABORGRID_ARREARS_CRIMINAL_AMOUNT_MANY`` (100 000, ≥10 workers): the top of the national
bands of the 2013 interpretation, until the province's figures are entered.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core import pii
from laborgrid.core.scope import check_write
from laborgrid.lib import identifiers as ids
from laborgrid.ratings import notify
from laborgrid.ratings.audit_actions import RatingsAction
from laborgrid.ratings.choices import (
    ACTIVE_LISTING_STATES,
    ListingCondition,
    ListingState,
    PersonRole,
)
from laborgrid.ratings.models import ArrearsListing, ListedPerson, StatementFile
from laborgrid.ratings.selectors import county_path

BASIS = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
STATEMENT_KIND = "ratings.listing_statement"
ID_CONTEXT = "listed_person.id_number"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def statement_days() -> int:
    return int(_setting("LABORGRID_ARREARS_STATEMENT_WORKING_DAYS", 5))


def list_years() -> int:
    return int(_setting("LABORGRID_ARREARS_LIST_YEARS", 3))


def add_years(day: dt.date, years: int) -> dt.date:
    y = day.year + years
    return day.replace(year=y, day=min(day.day, calendar.monthrange(y, day.month)[1]))


def add_months(day: dt.date, months: int) -> dt.date:
    i = day.month - 1 + months
    y, m = day.year + i // 12, i % 12 + 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def unpaid_after_order(case: Any) -> bool:
    """The employer was ordered to pay by a deadline and did not (a handling decision or an
    order not performed: closed as not performed or enforced, sent to the court, or an order
    found not corrected at re-inspection)."""
    from laborgrid.cases.choices import CaseState, ClosureKind
    from laborgrid.rectifications.choices import OrderState

    if case.closure_kind in (ClosureKind.NOT_PERFORMED, ClosureKind.ENFORCED):
        return True
    if case.state == CaseState.ENFORCEMENT:
        return True
    return bool(
        case.rectification_orders.filter(
            state__in=[OrderState.NOT_CORRECTED, OrderState.ESCALATED]
        ).exists()
    )


def conditions(case: Any) -> tuple[str | None, list[str]]:
    """The Art. 5 situation the case establishes, or None with what is missing."""
    from laborgrid.cases.choices import Category

    missing: list[str] = []
    if case.category != Category.WAGES:
        missing.append(_("案件不是拖欠工资案件"))
    if case.employer_id is None:
        missing.append(_("案件未关联名录中的用人单位"))
    if not case.decided_on:
        missing.append(_("尚未作出责令限期支付的决定"))
    elif not unpaid_after_order(case):
        missing.append(_("没有记录表明用人单位逾期仍未支付"))
    amount = case.amount_owed or Decimal("0")
    one = Decimal(str(_setting("LABORGRID_ARREARS_CRIMINAL_AMOUNT_ONE", 20000)))
    many = Decimal(str(_setting("LABORGRID_ARREARS_CRIMINAL_AMOUNT_MANY", 100000)))
    reaches = (amount >= one and (case.months_owed or 0) >= 3) or (
        amount >= many and case.workers_affected >= 10
    )
    condition = None
    if reaches:
        condition = ListingCondition.CRIMINAL_AMOUNT
    elif case.employer_id and _incident_since(case):
        condition = ListingCondition.INCIDENT
    else:
        missing.append(
            _("拖欠数额未达到拒不支付劳动报酬罪数额标准，也没有因欠薪引发的群体性或极端事件")
        )
    return (condition if not missing else None), missing


def _incident_since(case: Any) -> bool:
    from laborgrid.incidents.models import Incident

    since = case.violation_start or (case.received_on - dt.timedelta(days=365))
    return Incident.objects.filter(
        employer_id=case.employer_id, occurred_at__date__gte=since
    ).exists()


def _check(actor: Any, listing_or_path: Any) -> None:
    path = listing_or_path if isinstance(listing_or_path, str) else listing_or_path.grid_path
    check_write(actor, Cap.WORK_WRITE, county_path(path))


def _log(actor: Any, listing: ArrearsListing, action: str, request: Any, **detail: Any) -> None:
    record(
        RatingsAction.LISTING_STEP,
        actor=actor,
        request=request,
        obj=listing,
        detail={"action": action, **detail},
    )


def _state(listing: ArrearsListing, *allowed: str) -> None:
    if listing.state not in allowed:
        raise ValidationError(
            _("当前状态（%(state)s）不能进行此操作。") % {"state": listing.get_state_display()}
        )


@transaction.atomic
def propose_listing(
    *,
    actor: Any,
    case: Any,
    persons: list[dict[str, str]],
    facts: str = "",
    request: Any = None,
    today: dt.date | None = None,
) -> ArrearsListing:
    """Propose the employer of ``case`` (and its responsible persons) for the list."""
    today = today or timezone.localdate()
    _check(actor, case.grid_path)
    condition, missing = conditions(case)
    if condition is None:
        raise ValidationError(
            _("不符合部令45号第五条的列入条件：%(m)s。") % {"m": "；".join(missing)}
        )
    if ArrearsListing.objects.filter(
        employer_id=case.employer_id, state__in=ACTIVE_LISTING_STATES
    ).exists():
        raise ValidationError(_("该单位已在列入程序中或已在名单上。"))
    people = _clean_persons(persons, today)
    emp = case.employer
    listing = ArrearsListing.objects.create(
        employer=emp,
        case=case,
        grid_id=emp.grid_id,
        grid_path=emp.grid_path,
        condition=condition,
        name=emp.name,
        uscc=emp.uscc or "",
        amount_owed=case.amount_owed or 0,
        workers=case.workers_affected,
        facts=(facts or case.findings or case.facts).strip()[:2000],
        proposed_by=actor,
        proposed_on=today,
    )
    for p in people:
        ListedPerson.objects.create(listing=listing, **p)
    _log(actor, listing, "propose", request, condition=condition, n=len(people))
    return listing


def _clean_persons(persons: list[dict[str, str]], today: dt.date) -> list[dict[str, str]]:
    out = []
    errors = []
    for i, p in enumerate(persons, start=1):
        name = (p.get("name") or "").strip()
        number = (p.get("id_number") or "").strip()
        role = p.get("role") or PersonRole.LEGAL_REP
        if not name and not number:
            continue
        if role not in PersonRole.values:
            errors.append(_("第%(i)d人：身份不正确") % {"i": i})
            continue
        try:
            number = ids.validate_ric(number, today=today)
        except Exception:
            errors.append(_("第%(i)d人：身份证号码不正确") % {"i": i})
            continue
        if not name:
            errors.append(_("第%(i)d人：请填写姓名") % {"i": i})
            continue
        out.append(
            {
                "role": role,
                "name": name[:60],
                "id_enc": pii.seal(number, context=ID_CONTEXT),
                "id_index": pii.blind(number, context=ID_CONTEXT),
                "id_masked": ids.mask_ric(number),
            }
        )
    if errors:
        raise ValidationError({"persons": errors})
    if not any(p["role"] == PersonRole.LEGAL_REP for p in out):
        raise ValidationError(
            {
                "persons": _(
                    "请填写法定代表人或主要负责人（部令45号：单位与其法定代表人或主要负责人一并列入）。"
                )
            }
        )
    return out


@transaction.atomic
def notify_listing(
    *, actor: Any, listing: ArrearsListing, on: dt.date | None = None, request: Any = None
) -> ArrearsListing:
    """Prior notice (事先告知) of the intended listing, its reasons and the right to make a
    statement within the period; the period runs in the deadline engine."""
    from laborgrid.deadlines.services import open_deadline

    listing = ArrearsListing.objects.select_for_update().get(pk=listing.pk)
    _check(actor, listing)
    _state(listing, ListingState.PROPOSED)
    on = on or timezone.localdate()
    deadline = open_deadline(
        listing, STATEMENT_KIND, on, grid=listing.grid, amount=statement_days()
    )
    listing.state, listing.notified_on, listing.statement_due = (
        ListingState.NOTIFIED,
        on,
        deadline.due,
    )
    listing.save()
    _log(actor, listing, "notify", request, on=deadline.due.isoformat() if deadline.due else "")
    notify.prior_notice(listing)
    return listing


MAX_STATEMENT_FILES = 10


@transaction.atomic
def record_statement(
    *,
    actor: Any,
    listing: ArrearsListing,
    text: str,
    files: Sequence[Any] = (),
    on: dt.date | None = None,
    request: Any = None,
) -> ArrearsListing:
    """The employer's statement (陈述申辩) against the prior notice, with its evidence: made by
    the employer itself in the portal, within the statement period and once; or a written
    statement registered by staff (its date). Either meets the period's deadline."""
    from laborgrid.deadlines.services import meet
    from laborgrid.ratings.grading import is_party
    from laborgrid.rectifications.services import check_upload

    listing = ArrearsListing.objects.select_for_update().get(pk=listing.pk)
    party = is_party(actor, listing.employer_id)
    if party:
        on = timezone.localdate()
    else:
        _check(actor, listing)
        on = on or timezone.localdate()
    _state(listing, ListingState.NOTIFIED)
    if party and listing.statement:
        raise ValidationError(_("你单位已提交陈述申辩。"))
    if party and listing.statement_due and on > listing.statement_due:
        raise ValidationError(
            _("陈述申辩期限已于 %(due)s 届满。") % {"due": listing.statement_due.isoformat()}
        )
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"text": _("请填写当事人陈述申辩的内容。")})
    files = list(files)
    if len(files) > MAX_STATEMENT_FILES:
        raise ValidationError({"files": _("最多上传 %(n)d 个文件。") % {"n": MAX_STATEMENT_FILES}})
    checked = [(f, *check_upload(f)) for f in files]
    listing.statement = text[:4000]
    listing.statement_on, listing.statement_by = on, actor
    listing.save(update_fields=["statement", "statement_on", "statement_by"])
    for upload, ctype, ext in checked:
        _store_file(listing, upload, ctype, ext, actor)
    meet(listing, STATEMENT_KIND, on)
    _log(actor, listing, "statement", request, by="employer" if party else "staff", n=len(files))
    if party:
        notify.statement_made(listing)
    return listing


def _store_file(listing: ArrearsListing, upload: Any, ctype: str, ext: str, actor: Any) -> None:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    row = StatementFile(
        listing=listing,
        name=(str(getattr(upload, "name", "") or "") or f"file{ext}")[:200],
        content_type=ctype,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    row.file.save(f"f{ext}", upload if isinstance(upload, File) else File(upload), save=False)
    row.save()


@transaction.atomic
def decide_listing(
    *,
    actor: Any,
    listing: ArrearsListing,
    list_it: bool,
    note: str,
    on: dt.date | None = None,
    request: Any = None,
) -> ArrearsListing:
    """The listing decision, after the statement period (or the statement): list for 3 years
    from the decision, or not list (e.g. the wages were paid in the meantime)."""
    from laborgrid.deadlines.services import void

    listing = ArrearsListing.objects.select_for_update().get(pk=listing.pk)
    _check(actor, listing)
    _state(listing, ListingState.NOTIFIED)
    on = on or timezone.localdate()
    if not listing.statement and listing.statement_due and on <= listing.statement_due:
        raise ValidationError(
            _("陈述申辩期限至 %(due)s，期满或当事人陈述申辩后才能作出决定。")
            % {"due": listing.statement_due.isoformat()}
        )
    note = (note or "").strip()
    if len(note) < 4:
        raise ValidationError({"note": _("请写明决定理由（含对陈述申辩的采纳情况）。")})
    void(listing, STATEMENT_KIND)
    listing.decided_on, listing.decided_by, listing.decision_note = on, actor, note[:500]
    if list_it:
        listing.state, listing.expires_on = (
            ListingState.LISTED,
            add_years(on, list_years()) - dt.timedelta(days=1),
        )
    else:
        listing.state = ListingState.DROPPED
    listing.save()
    _log(actor, listing, "decide", request, to=listing.state)
    return listing


@transaction.atomic
def publish_listing(
    *, actor: Any, listing: ArrearsListing, on: dt.date | None = None, request: Any = None
) -> ArrearsListing:
    listing = ArrearsListing.objects.select_for_update().get(pk=listing.pk)
    _check(actor, listing)
    _state(listing, ListingState.LISTED)
    listing.state, listing.published_on = ListingState.PUBLISHED, on or timezone.localdate()
    listing.save()
    _log(actor, listing, "publish", request)
    return listing


@transaction.atomic
def remove_early(
    *,
    actor: Any,
    listing: ArrearsListing,
    applied_on: dt.date,
    arrears_paid_on: dt.date | None,
    pledge_on: dt.date | None,
    no_new_arrears: bool,
    on: dt.date | None = None,
    request: Any = None,
) -> ArrearsListing:
    """Early removal on the employer's application (信用修复): arrears paid, 6 months since the
    correction and on the list, no new arrears while listed, a written credit pledge."""
    from laborgrid.cases.choices import Category
    from laborgrid.cases.models import Case

    listing = ArrearsListing.objects.select_for_update().get(pk=listing.pk)
    _check(actor, listing)
    _state(listing, ListingState.LISTED, ListingState.PUBLISHED)
    on = on or timezone.localdate()
    problems = []
    if arrears_paid_on is None:
        problems.append(_("拖欠的工资尚未清偿"))
    elif on < add_months(arrears_paid_on, 6):
        problems.append(
            _("纠正失信行为未满6个月（%(d)s 起可申请）")
            % {"d": add_months(arrears_paid_on, 6).isoformat()}
        )
    decided = listing.decided_on or on
    if on < add_months(decided, 6):
        problems.append(
            _("列入名单未满6个月（%(d)s 起可申请）") % {"d": add_months(decided, 6).isoformat()}
        )
    new_cases = (
        Case.objects.filter(
            employer_id=listing.employer_id,
            category=Category.WAGES,
            received_on__gt=listing.decided_on,
        )
        .exclude(decision_kind="")
        .exists()
    )
    if not no_new_arrears or new_cases:
        problems.append(_("列入名单期间有新的拖欠工资行为"))
    if pledge_on is None:
        problems.append(_("未提交书面信用承诺"))
    if problems:
        raise ValidationError(_("不符合提前移出条件：%(p)s。") % {"p": "；".join(problems)})
    listing.removal_applied_on, listing.arrears_paid_on, listing.pledge_on = (
        applied_on,
        arrears_paid_on,
        pledge_on,
    )
    listing.state, listing.removed_on = ListingState.REMOVED, on
    listing.removal_note = _("信用修复：已清偿、满6个月、无新欠薪、已作信用承诺")
    listing.save()
    _log(actor, listing, "remove", request)
    return listing


@transaction.atomic
def expire_listings(today: dt.date | None = None) -> int:
    """Entries past their 3 years leave the list (daily run; the public list never shows them)."""
    today = today or timezone.localdate()
    return ArrearsListing.objects.filter(
        state__in=[ListingState.LISTED, ListingState.PUBLISHED], expires_on__lt=today
    ).update(state=ListingState.EXPIRED, removed_on=today)


def register_deadlines() -> None:
    from django.utils.translation import gettext_lazy

    from laborgrid.deadlines.choices import Unit
    from laborgrid.deadlines.registry import register_kind, register_subject

    register_subject(
        ArrearsListing,
        describe=lambda o: f"{o.name} · {gettext_lazy('失信名单陈述申辩')}",
        url=lambda o: str(o.get_absolute_url()),
    )
    register_kind(
        STATEMENT_KIND,
        model=ArrearsListing,
        label=gettext_lazy("失信名单陈述申辩期限"),
        amount=5,
        unit=Unit.WORKING,
        basis=BASIS,
    )
