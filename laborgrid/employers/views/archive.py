"""The electronic archive (电子档案) of one employer, and the audited reveal of its contact phone.

One page answers "who is this employer, where is it in the grid and who is responsible for it,
what are its labour-use facts now and how did they change, who works there, what happened to the
record": identity (DOMAIN A2), grid and responsible staff (人员定格、责任到人), the current labour-use
facts with their derived indicators and history chart (A3), a roster summary, and the timeline
other modules append to (``laborgrid.employers.timeline``).

``?as_of=YYYY-MM-DD`` shows the archive as it stood at the end of that day (Asia/Shanghai): the
identity fields from the change history (django-simple-history) and the facts of the latest valid
snapshot collected on or before that day.

Performance (issue 3: archive p95 ≤ 100 ms at a million employers): every query is keyed by the
employer's id (or its grid), served by an index, and their number does not grow with the number
of snapshots, workers or history rows: snapshots are read once (chart, table and current facts
come from the same rows), the roster is one aggregate, staff of the grid and its parent are one
query.

The contact phone is personal information (DOMAIN A6): it is shown masked; the full number is
revealed only by a POST with a reason (``contact_reveal``), audited by the service, rendered once
in the response (never stored in the session or put in a URL) and never cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write, get_scope
from laborgrid.core.types import AuthedRequest
from laborgrid.employers import services
from laborgrid.employers.choices import EmployerStatus, EmploymentForm, RiskFlag
from laborgrid.employers.models import (
    STALE_AFTER_DAYS,
    Employer,
    LabourSnapshot,
    MinimumWage,
    Worker,
)
from laborgrid.employers.permissions import access_employer
from laborgrid.employers.timeline import Entry, timeline
from laborgrid.grids.models import Grid
from laborgrid.grids.selectors import staff_of

#: The archive's day boundaries are those of the county (the inspectors' working day), whatever
#: time zone a request may have activated.
SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Timeline length on the page; the timeline sources run bounded queries for this many entries.
TIMELINE_LIMIT = 50

#: "Contracts ending soon" on the roster summary: the notice period an employer should act in.
CONTRACT_ENDING_DAYS = 30

#: Records merged into this one, listed by name (duplicates of one employer are a handful).
MERGED_FROM_LIMIT = 20

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_STATUS_BADGE: dict[str, str] = {
    EmployerStatus.OPERATING: "bg-green-lt",
    EmployerStatus.SUSPENDED: "bg-yellow-lt",
    EmployerStatus.DEREGISTERED: "bg-secondary-lt",
    EmployerStatus.REVOKED: "bg-red-lt",
    EmployerStatus.MOVED_OUT: "bg-azure-lt",
}

#: Short names of the five insurances for the coverage table (the field labels say "人数").
_INSURANCE_LABELS = {
    "pension": gettext_lazy("养老保险"),
    "medical": gettext_lazy("医疗保险"),
    "unemployment": gettext_lazy("失业保险"),
    "injury": gettext_lazy("工伤保险"),
    "maternity": gettext_lazy("生育保险"),
}

#: Action buttons: URL name → label. Their views live in other modules (edit); a missing one is
#: hidden rather than breaking the archive.
_WRITE_ACTIONS = (
    ("employers:employer_edit", "ti-edit", gettext_lazy("编辑")),
    ("employers:snapshot_create", "ti-clipboard-plus", gettext_lazy("采集劳动用工信息")),
    ("employers:employer_merge", "ti-arrows-join", gettext_lazy("合并")),
    ("employers:employer_split", "ti-arrows-split", gettext_lazy("拆分")),
)


# --- small helpers ------------------------------------------------------------------------------


def _optional_url(name: str, *args: Any) -> str | None:
    """``reverse`` for a page that may not exist in this build (another module's view)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _pct(rate: float | None) -> str | None:
    return None if rate is None else f"{rate * 100:.1f}%"


def _plain_decimal(value: Decimal | None) -> str | None:
    """A stored decimal without trailing zeros (注册资本 is kept to 4 places: 1 yuan in 万元)."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Asia/Shanghai (timezone-aware): what "as of" a day means."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class AsOf:
    """The outcome of the ``as_of`` query parameter."""

    day: date | None = None
    error: str | None = None


def parse_as_of(raw: str | None, today: date) -> AsOf:
    """``YYYY-MM-DD`` not after today, else an error message (never an exception)."""
    text = (raw or "").strip()
    if not text:
        return AsOf()
    if not _ISO_DATE.fullmatch(text):
        return AsOf(error=_("日期格式不正确，请按 YYYY-MM-DD 填写。"))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return AsOf(error=_("日期不存在，请检查后重新选择。"))
    if day > today:
        return AsOf(error=_("不能查看今天以后的档案状态。"))
    return AsOf(day=day)


@dataclass(frozen=True)
class TimelineRow:
    """A timeline entry with its time split for display: ``at`` for instants, ``day`` for dates."""

    entry: Entry
    at: datetime | None
    day: date
    after_as_of: bool


def _timeline_rows(entries: list[Entry], cutoff: datetime | None) -> list[TimelineRow]:
    rows = []
    for e in entries:
        if isinstance(e.when, datetime):
            at: datetime | None = e.when
            day = timezone.localtime(e.when, SHANGHAI).date()
        else:
            at, day = None, e.when
        rows.append(
            TimelineRow(
                entry=e, at=at, day=day, after_as_of=cutoff is not None and e.sort_key > cutoff
            )
        )
    return rows


# --- the parts of the page ----------------------------------------------------------------------


def snapshot_flags(snap: LabourSnapshot) -> list[RiskFlag]:
    """The risk flags one snapshot raises (the same rules the list flags are copied from)."""
    flags = []
    if snap.has_no_contracts:
        flags.append(RiskFlag.NO_CONTRACTS)
    if snap.arrears:
        flags.append(RiskFlag.ARREARS)
    if snap.below_minimum_wage:
        flags.append(RiskFlag.BELOW_MIN_WAGE)
    if snap.uninsured:
        flags.append(RiskFlag.UNINSURED)
    return flags


def _facts(snap: LabourSnapshot | None, grid_path: str, on: date) -> dict[str, Any]:
    """The current labour-use facts of ``snap`` as the page shows them, with the staleness on
    ``on`` (today, or the as-of day) and the minimum-wage standard that applied."""
    if snap is None:
        return {"snapshot": None, "flags": [RiskFlag.NEVER_COLLECTED], "stale": False}
    stale = (on - snap.collected_on).days > STALE_AFTER_DAYS
    flags = snapshot_flags(snap)
    if stale:
        flags.append(RiskFlag.STALE)
    insurance = [
        {
            "label": _INSURANCE_LABELS[kind],
            "count": getattr(snap, f"insured_{kind}"),
            "rate": _pct(rate),
            "full": rate is not None and rate >= 1,
        }
        for kind, rate in snap.insurance_rates().items()
    ]
    standard: MinimumWage | None = None
    if snap.minimum_wage is not None:
        # The stored amount is the finding; the table row only adds its tier and document, and
        # only while it still says the same amount.
        row = services.minimum_wage_for(grid_path, snap.collected_on)
        if row is not None and row.monthly == snap.minimum_wage:
            standard = row
    wage_status = None
    if snap.lowest_monthly_wage is not None and snap.minimum_wage is not None:
        wage_status = "below" if snap.below_minimum_wage else "compliant"
    return {
        "snapshot": snap,
        "flags": flags,
        "stale": stale,
        "contract_rate": _pct(snap.contract_rate),
        "insurance": insurance,
        "standard": standard,
        "wage_status": wage_status,
    }


def _history(
    snapshots: list[LabourSnapshot], cutoff: date | None, *, can_withdraw: bool
) -> dict[str, Any]:
    """Chart series (valid snapshots by collection date) and the table rows (all, newest first),
    each valid row with its withdraw link for those who may withdraw it."""
    shown = [s for s in snapshots if cutoff is None or s.collected_on <= cutoff]
    valid = [s for s in shown if s.withdrawn_at is None]
    chart = {
        "labels": {
            "employees": _("职工人数"),
            "contracts": _("已签劳动合同"),
            "pension": _("参加养老保险"),
            "people": _("人数"),
        },
        "dates": [s.collected_on.isoformat() for s in valid],
        "employees": [s.employees for s in valid],
        "contracts": [s.contracts_signed for s in valid],
        "pension": [s.insured_pension for s in valid],
    }
    rows = [
        {
            "snapshot": s,
            "rate": _pct(s.contract_rate),
            "flags": snapshot_flags(s),
            "withdraw_url": (
                _optional_url("employers:snapshot_withdraw", s.employer_id, s.pk)
                if can_withdraw and s.withdrawn_at is None
                else None
            ),
        }
        for s in reversed(shown)
    ]
    return {"chart": chart, "rows": rows}


def roster_summary(employer: Employer, on: date | None) -> dict[str, Any]:
    """Workers on the roster (today: those who have not left; on a past day: those employed that
    day), of which migrant, by employment form, and contracts ending in the next 30 days: one
    aggregate over the employer's roster lines."""
    ref = on or timezone.localdate()
    if on is None:
        employed = Q(left_on__isnull=True)
    else:
        employed = Q(started_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))
    aggregates: dict[str, Any] = {
        "total": Count("pk", filter=employed),
        "migrant": Count("pk", filter=employed & Q(is_migrant=True)),
        "ending": Count(
            "pk",
            filter=employed
            & Q(
                contract_end__gte=ref, contract_end__lte=ref + timedelta(days=CONTRACT_ENDING_DAYS)
            ),
        ),
    }
    for form in EmploymentForm:
        aggregates[f"form_{form.value}"] = Count("pk", filter=employed & Q(employment_form=form))
    counts = Worker.objects.filter(employer_id=employer.pk).aggregate(**aggregates)
    return {
        "total": counts["total"],
        "migrant": counts["migrant"],
        "ending": counts["ending"],
        "ending_days": CONTRACT_ENDING_DAYS,
        "by_form": [
            (form.label, counts[f"form_{form.value}"])
            for form in EmploymentForm
            if counts[f"form_{form.value}"]
        ],
    }


def grid_crumbs(user: Any, grid: Grid) -> list[Grid]:
    """``grids.permissions.breadcrumb`` without the ancestors' boundary polygons: a county's
    GeoJSON can run to hundreds of kilobytes and the archive only needs names and links."""
    return [
        *Grid.objects.visible_to(user)
        .filter(code__in=grid.ancestor_codes())
        .defer("boundary")
        .order_by("depth"),
        grid,
    ]


def _grid_part(user: Any, grid: Grid | None) -> dict[str, Any]:
    """Breadcrumb and responsible staff of the grid and of its parent (staff in one query)."""
    if grid is None:
        return {"grid": None, "crumbs": [], "staff": [], "parent": None, "parent_staff": []}
    crumbs = grid_crumbs(user, grid)
    parent = crumbs[-2] if len(crumbs) > 1 and crumbs[-2].code == grid.parent_id else None
    staff: dict[int, list[GridAssignment]] = staff_of([grid, parent] if parent else [grid])
    return {
        "grid": grid,
        "crumbs": crumbs,
        "staff": staff[grid.pk],
        "parent": parent,
        "parent_staff": staff[parent.pk] if parent else [],
    }


def archive_context(request: HttpRequest, employer: Employer, as_of: AsOf) -> dict[str, Any]:
    """Everything the archive template shows, for today or for ``as_of.day``."""
    user = request.user
    today = timezone.localdate()
    day = as_of.day
    cutoff = end_of_day(day) if day else None
    ctx: dict[str, Any] = {
        "employer": employer,
        "as_of": day,
        "as_of_error": as_of.error,
        "today": today,
        "detail_url": employer.get_absolute_url(),
        "not_yet_created": False,
        "identity_note": None,
    }
    scope = get_scope(user)
    if employer.merged_into_id is not None:
        target = employer.merged_into
        ctx["merged_target"] = target
        ctx["merged_target_visible"] = (
            Employer.objects.visible_to(user).filter(pk=employer.merged_into_id).exists()
        )
        ctx["merged_target_name"] = target.name if target else ""
    ctx["merged_from"] = list(
        Employer.objects.visible_to(user)
        .filter(merged_into_id=employer.pk)
        .only("id", "name")
        .order_by("name")[:MERGED_FROM_LIMIT]
    )

    # Identity: the record itself, or as it stood at the end of the chosen day.
    shown: Employer = employer
    grid: Grid | None = employer.grid
    if cutoff is not None:
        if cutoff < employer.created_at:
            ctx["not_yet_created"] = True
            return ctx
        try:
            shown = employer.history.as_of(cutoff)
        except Employer.DoesNotExist:
            # Created before its history was kept (a bulk load): no earlier state is known.
            shown = employer
            ctx["identity_note"] = _("该日期没有变更记录，身份信息显示的是当前状态。")
        if shown.grid_id != employer.grid_id:
            grid = Grid.objects.visible_to(user).filter(pk=shown.grid_id).defer("boundary").first()
    ctx["shown"] = shown
    ctx["capital"] = _plain_decimal(shown.registered_capital)
    ctx["status_badge"] = _STATUS_BADGE.get(shown.status, "bg-secondary-lt")
    ctx["sources"] = [
        s
        for s in employer.sources.order_by("first_seen_on", "source")
        if day is None or s.first_seen_on <= day
    ]
    ctx.update(_grid_part(user, grid))

    # Labour-use facts: one read of the employer's snapshots serves the current facts, the chart
    # and the table (snapshots are few per employer: about two a year).
    snapshots = list(
        LabourSnapshot.objects.filter(employer_id=employer.pk).order_by("collected_on", "id")
    )
    if day is None:
        current = next((s for s in snapshots if s.pk == employer.current_snapshot_id), None)
    else:
        current = next(
            (s for s in reversed(snapshots) if s.withdrawn_at is None and s.collected_on <= day),
            None,
        )
    # Actions: only on the live record, only for those who may use them.
    can_write = (
        day is None
        and employer.merged_into_id is None
        and scope.allows(Cap.WORK_WRITE, employer.grid_path)
    )
    ctx["facts"] = _facts(current, shown.grid_path, day or today)
    ctx["history"] = _history(snapshots, day, can_withdraw=can_write)
    ctx["roster"] = roster_summary(employer, day)
    ctx["roster_url"] = _optional_url("employers:roster", employer.pk)
    ctx["timeline"] = _timeline_rows(timeline(employer, limit=TIMELINE_LIMIT), cutoff)

    ctx["actions"] = [
        {"url": url, "icon": icon, "label": label}
        for name, icon, label in (_WRITE_ACTIONS if can_write else ())
        if (url := _optional_url(name, employer.pk))
    ]
    ctx["can_reveal"] = (
        day is None
        and bool(employer.contact_phone_masked)
        and scope.allows(Cap.PII_REVEAL, employer.grid_path)
    )
    return ctx


# --- views --------------------------------------------------------------------------------------


@login_required
@require_GET
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = access_employer(request.user, pk)
    as_of = parse_as_of(request.GET.get("as_of"), timezone.localdate())
    return render(
        request, "employers/employer_detail.html", archive_context(request, employer, as_of)
    )


@login_required
@require_POST
def contact_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """Show the full contact phone once, for a person allowed to, with a reason; audited.

    The capability is checked before the form is read (a leader gets 403, not a form error).
    The number is rendered into this response only: not stored, not redirected, not cached.
    """
    employer = access_employer(request.user, pk)
    check_write(request.user, Cap.PII_REVEAL, employer.grid_path)
    reason = request.POST.get("reason", "")
    extra: dict[str, Any] = {"reveal_reason": reason}
    try:
        phone = services.reveal_contact_phone(
            actor=request.user, employer=employer, reason=reason, request=request
        )
    except ValidationError as exc:
        extra.update(reveal_errors=exc.messages, reveal_open=True)
    else:
        extra.update(revealed_phone=phone or None, reveal_empty=not phone)
    ctx = {**archive_context(request, employer, AsOf()), **extra}
    response = render(request, "employers/employer_detail.html", ctx)
    add_never_cache_headers(response)
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", employer_detail, name="employer_detail"),
    path("<int:pk>/contact/reveal/", contact_reveal, name="contact_reveal"),
]
