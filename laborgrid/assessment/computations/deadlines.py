"""期限按时办结率: of the deadlines of the deadline engine (``laborgrid.deadlines``) that fell due in
the year, the share met on time; a deadline met late, or still pending after its due day (or
moment, for hour periods), counts against. Not counted: voided deadlines, deadlines without a
due date (a year without official calendar data), deadlines not yet due and not met, and the
parties' own periods (the hearing-request window, the fine's payment: nobody at the bureau is
late when they lapse, ``cases.deadline_rules.PARTY_PERIODS``).

Per person: the deadlines of the objects handled on a grid where the person held a staff post
(``accounts.roles.STAFF_ROLES``), falling due while they held it — the grid's own objects, not
those of the grids below it (those are their own staff's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import STAFF_ROLES
from laborgrid.assessment.indicators import Computation, Context, Point, register
from laborgrid.cases.deadline_rules import PARTY_PERIODS
from laborgrid.deadlines.models import Deadline
from laborgrid.deadlines.registry import get_subject, kind_label

KEY = "deadlines_met"

OUTCOMES = {"met": _("按时办结"), "late": _("超期办结"), "overdue": _("已超期未办结")}


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def judge(d: Any, as_of: date) -> str | None:
    """met / late / overdue for a deadline read on ``as_of``; None when it is not judged yet."""
    met = d.met_on is not None and d.met_on <= as_of
    if d.due_at is not None:  # an hour period: the moment counts
        if met:
            return "met" if d.met_at is not None and d.met_at <= d.due_at else "late"
        return "overdue" if d.due_at < _end_of(as_of) and d.due < as_of else None
    if met:
        return "met" if d.met_on <= d.due else "late"
    return "overdue" if d.due < as_of else None


def deadline_points(ctx: Context, queryset: Any) -> list[Point]:
    """The judged deadlines of ``queryset`` (already limited to the county), described and
    linked through the subject registry (one query per kind of object)."""
    rows = list(
        queryset.filter(
            grid_path__under=ctx.root.path,
            voided=False,
            due__isnull=False,
            due__gte=ctx.start,
            due__lte=ctx.end,
        )
        .filter(Q(due__lt=ctx.as_of) | Q(met_on__isnull=False))
        .only(
            "id",
            "content_type_id",
            "object_id",
            "kind",
            "grid_path",
            "due",
            "due_at",
            "met_on",
            "met_at",
        )
        .order_by("grid_path", "due", "id")
    )
    judged: list[tuple[Any, str]] = []
    for d in rows:
        outcome = judge(d, ctx.as_of)
        if outcome is not None:
            judged.append((d, outcome))
    by_type: dict[int, set[int]] = defaultdict(set)
    for d, _o in judged:
        by_type[d.content_type_id].add(d.object_id)
    described: dict[tuple[int, int], tuple[str, str]] = {}
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        subject = get_subject(model)
        qs = subject.queryset() if subject and subject.queryset else model._default_manager.all()
        for obj in qs.filter(pk__in=ids):
            text = subject.describe(obj) if subject else str(obj)
            url = subject.url(obj) if subject else ""
            described[(ct_id, obj.pk)] = (text, url)
    points = []
    for d, outcome in judged:
        text, url = described.get((d.content_type_id, d.object_id), (str(d.object_id), ""))
        points.append(
            Point(
                grid_path=d.grid_path,
                good=outcome == "met",
                outcome=outcome,
                text=text[:300],
                on=d.due,
                url=url,
                model="deadlines.deadline",
                object_id=d.pk,
                detail=d.kind,
            )
        )
    return points


def _queryset() -> Any:
    return Deadline.objects.exclude(kind__in=[str(k) for k in PARTY_PERIODS])


def grid_points(ctx: Context) -> list[Point]:
    return deadline_points(ctx, _queryset())


def posts(ctx: Context) -> list[GridAssignment]:
    """The staff posts held in the county during the year (up to the day of reading)."""
    return list(
        GridAssignment.objects.filter(
            grid__path__under=ctx.root.path,
            role__in=[str(r) for r in STAFF_ROLES],
            valid_from__lte=ctx.as_of,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=ctx.start))
        .select_related("grid")
        .order_by("user_id", "grid__path")
    )


def person_points(ctx: Context) -> Iterator[Point]:
    return staff_points(ctx, grid_points(ctx))


def staff_points(ctx: Context, points: list[Point]) -> Iterator[Point]:
    """``points`` of a grid given to the staff who held a post on that grid on the point's day."""
    by_path: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        by_path[p.grid_path].append(p)
    seen: set[tuple[int, int | None]] = set()
    for post in posts(ctx):
        start = max(post.valid_from, ctx.start)
        end = min(post.valid_to or ctx.end, ctx.end)
        for p in by_path.get(post.grid.path, ()):
            if (
                p.on is not None
                and start <= p.on <= end
                and (post.user_id, p.object_id) not in seen
            ):
                seen.add((post.user_id, p.object_id))
                yield Point(**{**p.__dict__, "user_id": post.user_id})


def register_it() -> None:
    register(
        Computation(
            key=KEY,
            label=_("期限按时办结率"),
            rule=_(
                "届满日在本年度内的各类法定期限（案件受理、立案、调查、决定、送达等，不含当事人自己的期限）中，按时办结的比例；超期办结或到期未办结的计为未达标。"
            ),
            grid_points=grid_points,
            person_points=person_points,
            outcomes=OUTCOMES,
            default_weight=25,
            detail_label=kind_label,
        )
    )
