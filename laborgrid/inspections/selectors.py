"""Reads of inspections, scoped: lists, a campaign's progress and result table, and the counts
per grid and per inspector that reports and assessment read (issue 16 §5)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from laborgrid.accounts.roles import Cap
from laborgrid.core.paths import SEP
from laborgrid.core.scope import get_scope
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections.choices import FindingResult, VisitStatus
from laborgrid.inspections.models import Campaign, CampaignTarget, Visit, VisitFinding


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    """Campaigns set on a grid the user reads, or above one (a county campaign reaches into every
    township: its squadrons work it)."""
    paths = get_scope(user).paths(Cap.WORK_READ)
    if not paths:
        return Campaign.objects.none()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(grid_path__under=p)
        parts = [c for c in p.split(SEP) if c]
        ancestors = [SEP.join(parts[: i + 1]) + SEP for i in range(len(parts) - 1)]
        if ancestors:
            q |= Q(grid_path__in=ancestors)
    return Campaign.objects.filter(q)


@dataclass
class GridProgress:
    grid: Grid
    targets: int = 0
    visited: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.visited / self.targets) if self.targets else 0


def campaign_progress(campaign: Campaign, user: Any) -> list[GridProgress]:
    """Targets and targets visited (a concluded visit in the campaign) per squadron, as far as the
    user may see. Two queries."""
    targets = CampaignTarget.objects.visible_to(user).filter(campaign=campaign)
    visited = set(
        Visit.objects.visible_to(user)
        .filter(campaign=campaign, status=VisitStatus.CONCLUDED)
        .values_list("employer_id", flat=True)
    )
    rows: dict[int, GridProgress] = {}
    grids = {}
    for t in targets.select_related("squadron").only(
        "employer_id", "squadron__id", "squadron__name", "squadron__code", "squadron__path"
    ):
        grids[t.squadron_id] = t.squadron
        row = rows.setdefault(t.squadron_id, GridProgress(t.squadron))
        row.targets += 1
        row.visited += t.employer_id in visited
    return sorted(rows.values(), key=lambda r: r.grid.code)


@dataclass
class ResultTable:
    """The campaign's result table (issue 16 §2): checked, violations by item, items for
    rectification, orders to correct issued from the visits, wages recovered, workers concerned
    — per squadron and in total."""

    items: list[tuple[str, str]]  # (key, label) of the checklist
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] = field(default_factory=dict)


def _blank(items: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "targets": 0,
        "checked": 0,
        "with_violations": 0,
        "by_item": dict.fromkeys((k for k, _l in items), 0),
        "to_order": 0,
        "orders": 0,
        "wages": Decimal(0),
        "workers": 0,
    }


def orders_from(visits: QuerySet[Visit]) -> QuerySet[Any]:
    """The orders to correct issued from ``visits`` (their source, through the rectifications
    registry's generic link). A subquery: no list of ids, whatever the number of visits."""
    from django.contrib.contenttypes.models import ContentType

    from laborgrid.rectifications.models import RectificationOrder

    return RectificationOrder.objects.filter(
        source_type=ContentType.objects.get_for_model(Visit),
        source_id__in=visits.order_by().values("pk"),
    )


def result_table(campaign: Campaign, user: Any) -> ResultTable:
    """Adds up the concluded visits the user may see; a few queries whatever the size."""
    items = [
        (c["key"], checklists.label_of(campaign.checklist, c["key"])) for c in campaign.checklist
    ]
    table = ResultTable(items)
    squadron_of: dict[int, int] = {}
    names: dict[int, Grid] = {}
    per: dict[int, dict[str, Any]] = defaultdict(lambda: _blank(items))
    for t in (
        CampaignTarget.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("squadron")
        .only("employer_id", "squadron__id", "squadron__name", "squadron__code")
    ):
        squadron_of[t.employer_id] = t.squadron_id
        names[t.squadron_id] = t.squadron
        per[t.squadron_id]["targets"] += 1
    visits = Visit.objects.visible_to(user).filter(campaign=campaign, status=VisitStatus.CONCLUDED)
    by_visit: dict[int, int] = {}
    for v in visits.values("pk", "employer_id", "wages_recovered", "workers_concerned"):
        sq = squadron_of.get(v["employer_id"])
        if sq is None:
            continue
        by_visit[v["pk"]] = sq
        row = per[sq]
        row["checked"] += 1
        row["wages"] += v["wages_recovered"] or 0
        row["workers"] += v["workers_concerned"] or 0
    with_violation: set[int] = set()
    for f in VisitFinding.objects.filter(
        visit_id__in=list(by_visit), result=FindingResult.VIOLATION
    ).values("visit_id", "key", "to_order"):
        row = per[by_visit[f["visit_id"]]]
        if f["key"] in row["by_item"]:
            row["by_item"][f["key"]] += 1
        row["to_order"] += f["to_order"]
        if f["visit_id"] not in with_violation:
            with_violation.add(f["visit_id"])
            row["with_violations"] += 1
    for source_id in orders_from(visits).values_list("source_id", flat=True):
        if source_id in by_visit:
            per[by_visit[source_id]]["orders"] += 1
    total = _blank(items)
    for sq in sorted(per, key=lambda i: names[i].code):
        row = per[sq]
        table.rows.append({"grid": names[sq], **row})
        for k in (
            "targets",
            "checked",
            "with_violations",
            "to_order",
            "orders",
            "wages",
            "workers",
        ):
            total[k] += row[k]
        for k in row["by_item"]:
            total["by_item"][k] += row["by_item"][k]
    table.total = total
    return table


# --- roll-ups for reports and assessment (issue 16 §5) ------------------------------------------


def _orders_issued(user: Any, since: date, until: date) -> QuerySet[Any]:
    from laborgrid.rectifications.models import RectificationOrder

    return RectificationOrder.objects.visible_to(user).filter(
        issued_on__gte=since, issued_on__lte=until
    )


def visit_counts_by_grid(
    user: Any, since: date, until: date, root: Grid | None = None
) -> list[dict[str, Any]]:
    """Concluded visits per employer grid in [since, until], in the user's scope (optionally under
    ``root``): visits, with violations, wages recovered, and the orders to correct issued in the
    period (from visits or not). Two queries."""
    qs = Visit.objects.visible_to(user).filter(
        status=VisitStatus.CONCLUDED, visited_on__gte=since, visited_on__lte=until
    )
    orders = _orders_issued(user, since, until)
    if root is not None:
        qs = qs.filter(grid_path__under=root.path)
        orders = orders.filter(grid_path__under=root.path)
    violated = VisitFinding.objects.filter(visit=OuterRef("pk"), result=FindingResult.VIOLATION)
    rows = {
        r["grid__code"]: {**r, "orders": 0}
        for r in qs.annotate(violated=Exists(violated))
        .values("grid__code", "grid__name")
        .annotate(
            visits=Count("pk"),
            with_violations=Count("pk", filter=Q(violated=True)),
            wages=Sum("wages_recovered"),
        )
        .order_by("grid__code")
    }
    for r in orders.order_by().values("grid__code", "grid__name").annotate(n=Count("pk")):
        row = rows.setdefault(
            r["grid__code"],
            {
                "grid__code": r["grid__code"],
                "grid__name": r["grid__name"],
                "visits": 0,
                "with_violations": 0,
                "wages": None,
                "orders": 0,
            },
        )
        row["orders"] = r["n"]
    return [rows[k] for k in sorted(rows)]


def visit_counts_by_inspector(user: Any, since: date, until: date) -> list[dict[str, Any]]:
    """Concluded visits per inspector (either of the two) in [since, until], in the user's scope,
    and the orders to correct each issued in the period. Three queries."""
    qs = Visit.objects.visible_to(user).filter(
        status=VisitStatus.CONCLUDED, visited_on__gte=since, visited_on__lte=until
    )
    counts: dict[int, dict[str, Any]] = {}

    def row(uid: int, username: str, name: str) -> dict[str, Any]:
        return counts.setdefault(
            uid,
            {
                "user_id": uid,
                "username": username,
                "name": name or username,
                "visits": 0,
                "orders": 0,
            },
        )

    for slot in ("inspector_1", "inspector_2"):
        for r in qs.values(f"{slot}__id", f"{slot}__username", f"{slot}__full_name").annotate(
            n=Count("pk")
        ):
            row(r[f"{slot}__id"], r[f"{slot}__username"], r[f"{slot}__full_name"])["visits"] += r[
                "n"
            ]
    for r in (
        _orders_issued(user, since, until)
        .order_by()
        .values("issued_by__id", "issued_by__username", "issued_by__full_name")
        .annotate(n=Count("pk"))
    ):
        row(r["issued_by__id"], r["issued_by__username"], r["issued_by__full_name"])["orders"] += r[
            "n"
        ]
    return sorted(counts.values(), key=lambda r: (-r["visits"], -r["orders"], r["username"]))


def certified_inspectors(path: str) -> list[Any]:
    """Who may be named as the visit's inspectors: a handler role at or above the grid and a
    valid certificate today (条例 Art. 16)."""
    from django.utils import timezone

    from laborgrid.accounts.models import GridAssignment, User
    from laborgrid.accounts.roles import Role
    from laborgrid.cases.models import InspectorCertificate
    from laborgrid.core.paths import path_codes

    today = timezone.localdate()
    ids = (
        GridAssignment.objects.current(today)
        .filter(
            grid__code__in=path_codes(path),
            role__in=(Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER),
        )
        .values("user_id")
    )
    valid = InspectorCertificate.objects.filter(
        revoked_at__isnull=True, issued_on__lte=today, valid_to__gte=today
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=ids, is_active=True).filter(pk__in=valid).order_by("username")
    )


def assistants_for(path: str) -> list[Any]:
    """协管员 of the grid or the grids above it (they may accompany and record)."""
    from django.utils import timezone

    from laborgrid.accounts.models import GridAssignment, User
    from laborgrid.accounts.roles import Role
    from laborgrid.core.paths import path_codes

    ids = (
        GridAssignment.objects.current(timezone.localdate())
        .filter(grid__code__in=path_codes(path), role=Role.ASSISTANT)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username")[:50])


def pending_targets(user: Any, today: date, limit: int = 100) -> dict[str, list[Any]]:
    """What the user's grids still have to visit: this month's plan targets and the targets of
    campaigns under way, not yet visited. Two queries."""
    from laborgrid.inspections.choices import CampaignStatus
    from laborgrid.inspections.models import PatrolTarget

    plan = list(
        PatrolTarget.objects.visible_to(user)
        .filter(visit__isnull=True, plan__month=today.replace(day=1))
        .select_related("employer", "plan", "grid")
        .only(
            "id",
            "planned_on",
            "reasons",
            "employer__id",
            "employer__name",
            "employer__address",
            "plan__id",
            "plan__title",
            "grid__name",
        )
        .order_by("planned_on", "-score", "id")[:limit]
    )
    visited = Visit.objects.filter(
        employer_id=OuterRef("employer_id"),
        campaign_id=OuterRef("campaign_id"),
        status=VisitStatus.CONCLUDED,
    )
    campaign = list(
        CampaignTarget.objects.visible_to(user)
        .filter(
            campaign__status=CampaignStatus.ACTIVE,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
        )
        .exclude(Exists(visited))
        .select_related("employer", "campaign", "grid")
        .only(
            "id",
            "employer__id",
            "employer__name",
            "employer__address",
            "campaign__id",
            "campaign__name",
            "grid__name",
        )
        .order_by("grid_path", "id")[:limit]
    )
    return {"plan": plan, "campaign": campaign}
