"""The early-warning rules (欠薪预警, issue 19 §4): a registry of rules, each a function that
finds the subjects (employers, or a name complained about that the registry does not hold) a
warning should stand for.

The logic is code; its numbers are data (``WarningRule``: window in days, threshold, weeks before
the Spring Festival), edited by the county on the settings page. A rule is registered with::

    from laborgrid.incidents.warning_rules import Finding, register_rule

    register_rule(
        "written_reviews",
        label=_("书面审查显示欠薪"),
        description=_("…"),
        find=lambda rule, today: [...],  # Iterable[Finding]
    )

**Hook for written reviews (书面审查).** The annual written review app (``portal``) does not exist
yet. The rule ``written_reviews`` is registered here without a finder and seeded as data, so the
county sees it (marked 待接入) and can set its window and threshold; when the portal app lands it
calls ``register_rule("written_reviews", ..., find=its_finder)`` from its ``AppConfig.ready()``
(re-registering a key replaces the finder), yielding one ``Finding`` per employer whose reviews
in ``rule.window_days`` show unpaid wages. Nothing else changes: ``early_warning.compute_warnings``
runs every rule that has a finder.

A finder must keep to one or two set-based queries; ``latest`` is the date of the newest piece of
evidence (a warning someone resolved is raised again only for evidence newer than that).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from laborgrid.incidents.models import WarningRule


@dataclass(frozen=True)
class Finding:
    subject_key: str  # "employer:12", or "name:<normalised name>" for an unmatched name
    subject_name: str
    grid_id: int
    grid_path: str
    employer_id: int | None
    count: int
    latest: dt.date
    evidence: dict[str, Any] = field(default_factory=dict)  # codes and ids only


Finder = Callable[[WarningRule, dt.date], Iterable[Finding]]


@dataclass(frozen=True)
class RuleDef:
    key: str
    label: Any
    description: Any
    find: Finder | None
    uses: tuple[str, ...]  # which of the WarningRule numbers the rule reads (settings page)


_RULES: dict[str, RuleDef] = {}


def register_rule(
    key: str,
    *,
    label: Any,
    description: Any,
    find: Finder | None,
    uses: tuple[str, ...] = ("window_days", "threshold"),
) -> RuleDef:
    """Declare (or, with the same key, replace) a rule."""
    rule = RuleDef(key, label, description, find, uses)
    _RULES[key] = rule
    return rule


def rule_def(key: str) -> RuleDef | None:
    return _RULES.get(key)


def rule_label(key: str) -> str:
    rule = _RULES.get(key)
    return str(rule.label) if rule is not None else key


def all_rules() -> list[RuleDef]:
    return list(_RULES.values())


def _name_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()[:100]


# --- the rules ----------------------------------------------------------------------------------


def repeated_complaints(rule: WarningRule, today: dt.date) -> list[Finding]:
    """``threshold`` complaints or reports or more about one employer (or one name the registry
    does not hold) received in the last ``window_days`` days."""
    from laborgrid.cases.choices import CaseKind, CaseState
    from laborgrid.cases.models import Case

    since = today - dt.timedelta(days=rule.window_days)
    rows = (
        Case.objects.filter(
            kind__in=[CaseKind.COMPLAINT, CaseKind.REPORT],
            received_on__gt=since,
            received_on__lte=today,
        )
        .exclude(state=CaseState.MERGED)
        .values_list(
            "pk",
            "employer_id",
            "employer__name",
            "employer__grid_id",
            "employer__grid_path",
            "employer_name",
            "grid_id",
            "grid_path",
            "received_on",
        )
        .order_by("received_on", "pk")
    )
    groups: dict[str, dict[str, Any]] = {}
    for pk, emp_id, emp_name, emp_grid, emp_path, name, grid_id, path, received in rows:
        if emp_id is not None:
            key, label, g, p = f"employer:{emp_id}", emp_name, emp_grid, emp_path
        else:
            key, label, g, p = f"name:{_name_key(name)}", name, grid_id, path
        group = groups.setdefault(key, {"name": label, "ids": [], "employer": emp_id})
        group.update(grid=g, path=p, latest=received)  # the newest case's grid for a bare name
        group["ids"].append(pk)
    return [
        Finding(
            subject_key=key,
            subject_name=g["name"][:200],
            grid_id=g["grid"],
            grid_path=g["path"],
            employer_id=g["employer"],
            count=len(g["ids"]),
            latest=g["latest"],
            evidence={"cases": g["ids"][-50:], "window_days": rule.window_days},
        )
        for key, g in groups.items()
        if len(g["ids"]) >= rule.threshold
    ]


def arrears_flags(rule: WarningRule, today: dt.date) -> list[Finding]:
    """Arrears found in the field: employers whose current labour-use facts (the snapshot) show
    unpaid wages, collected in the last ``window_days`` days, and visits filed in that window
    that flagged arrears (pending or approved); ``threshold`` signals or more per employer."""
    from laborgrid.collection.choices import SubmissionStatus
    from laborgrid.collection.models import Submission
    from laborgrid.employers.choices import EmployerStatus
    from laborgrid.employers.models import Employer

    since = today - dt.timedelta(days=rule.window_days)
    signals: dict[int, dict[str, Any]] = {}
    for pk, name, grid_id, path, collected, snapshot in Employer.objects.filter(
        flag_arrears=True,
        last_collected_on__gt=since,
        status=EmployerStatus.OPERATING,
        merged_into__isnull=True,
    ).values_list("pk", "name", "grid_id", "grid_path", "last_collected_on", "current_snapshot_id"):
        signals[pk] = {
            "name": name,
            "grid": grid_id,
            "path": path,
            "latest": collected,
            "snapshot": snapshot,
            "submissions": [],
        }
    start = dt.datetime.combine(since, dt.time.max, tzinfo=dt.UTC)
    for sub_pk, emp_id, name, grid_id, path, visited in (
        Submission.objects.filter(flag_arrears=True, visited_at__gt=start)
        .exclude(status=SubmissionStatus.RETURNED)
        .values_list(
            "pk",
            "employer_id",
            "employer__name",
            "employer__grid_id",
            "employer__grid_path",
            "visited_at",
        )
        .order_by("visited_at")
    ):
        s = signals.setdefault(
            emp_id,
            {
                "name": name,
                "grid": grid_id,
                "path": path,
                "latest": visited.date(),
                "snapshot": None,
                "submissions": [],
            },
        )
        s["submissions"].append(str(sub_pk))
        s["latest"] = max(s["latest"], visited.date())
    found = []
    for emp_id, s in signals.items():
        subs = list(dict.fromkeys(s["submissions"]))
        count = len(subs) + (1 if s["snapshot"] else 0)
        if count < rule.threshold:
            continue
        found.append(
            Finding(
                subject_key=f"employer:{emp_id}",
                subject_name=s["name"][:200],
                grid_id=s["grid"],
                grid_path=s["path"],
                employer_id=emp_id,
                count=count,
                latest=s["latest"],
                evidence={"snapshot": s["snapshot"], "submissions": subs[-50:]},
            )
        )
    return found


def next_spring_festival(today: dt.date) -> dt.date | None:
    """The first official rest day of the next Spring Festival holiday from the working-day
    calendar (seeded from chinese-calendar; None when the year is not in the calendar: no guess,
    DOMAIN A4). A holiday already under way counts as the next one until it ends."""
    from laborgrid.workdays.choices import DayKind, Holiday
    from laborgrid.workdays.models import CalendarDay

    days = list(
        CalendarDay.objects.filter(
            holiday=Holiday.SPRING_FESTIVAL,
            kind=DayKind.REST,
            date__gte=today - dt.timedelta(days=10),
        )
        .order_by("date")
        .values_list("date", flat=True)[:20]
    )
    # Group consecutive days into holidays; take the first that has not ended.
    start = None
    prev = None
    for d in days:
        if prev is None or (d - prev).days > 1:
            if prev is not None and prev >= today and start is not None:
                return start
            start = d
        prev = d
    if prev is not None and prev >= today:
        return start
    return None


def festival_construction(rule: WarningRule, today: dt.date) -> list[Finding]:
    """In the ``weeks_before`` weeks before the Spring Festival (when migrant workers go home and
    wage protests peak), construction employers (建筑业, GB/T 4754 section E) with ``threshold``
    open complaints or more."""
    from laborgrid.cases.choices import OPEN_STATES
    from laborgrid.cases.models import Case
    from laborgrid.employers.choices import Industry

    festival = next_spring_festival(today)
    if festival is None or (festival - today).days > rule.weeks_before * 7:
        return []
    groups: dict[int, dict[str, Any]] = {}
    for pk, emp_id, name, grid_id, path, received in (
        Case.objects.filter(state__in=OPEN_STATES, employer__industry=Industry.E)
        .values_list(
            "pk",
            "employer_id",
            "employer__name",
            "employer__grid_id",
            "employer__grid_path",
            "received_on",
        )
        .order_by("received_on", "pk")
    ):
        g = groups.setdefault(
            emp_id, {"name": name, "grid": grid_id, "path": path, "ids": [], "latest": received}
        )
        g["ids"].append(pk)
        g["latest"] = received
    return [
        Finding(
            subject_key=f"employer:{emp_id}",
            subject_name=g["name"][:200],
            grid_id=g["grid"],
            grid_path=g["path"],
            employer_id=emp_id,
            count=len(g["ids"]),
            # The festival is the news: one warning per employer per festival season.
            latest=max(g["latest"], festival - dt.timedelta(days=rule.weeks_before * 7)),
            evidence={"cases": g["ids"][-50:], "festival": festival.isoformat()},
        )
        for emp_id, g in groups.items()
        if len(g["ids"]) >= rule.threshold
    ]


register_rule(
    "repeated_complaints",
    label=_("同一单位多次被投诉"),
    description=_("统计天数内收到针对同一用人单位（或同一名称）的投诉举报达到次数。"),
    find=repeated_complaints,
)
register_rule(
    "arrears_flags",
    label=_("采集发现欠薪"),
    description=_("统计天数内采集的劳动用工信息或走访记录显示拖欠工资，信号数达到次数。"),
    find=arrears_flags,
)
register_rule(
    "festival_construction",
    label=_("春节前建筑业投诉"),
    description=_("春节前若干周内，有未办结投诉达到次数的建筑业单位。"),
    find=festival_construction,
    uses=("weeks_before", "threshold"),
)
register_rule(
    "written_reviews",
    label=_("书面审查显示欠薪"),
    description=_("年度书面审查显示拖欠工资（待书面审查模块接入）。"),
    find=None,
)
