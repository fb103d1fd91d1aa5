"""The employer list's filters, search, sort and keyset pagination — one implementation shared by
the list page, the XLSX export and ``GET /api/v1/employers`` (ARCHITECTURE: one FilterSet).

Scale (issue 3): a million employers. Pages are cut by **keyset pagination** (``WHERE (sort key,
id) > (last row's)``, ``LIMIT n``) so the 50th page costs what the first does, and the total is a
**capped count** (exact up to :data:`COUNT_CAP`, then "more than"), so no request counts a million
rows. Risk filters are columns on the employer row, copied from its current snapshot.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import django_filters
from django import forms
from django.db import connection
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.accounts.roles import Cap
from laborgrid.core.paths import CODE_CHARS
from laborgrid.core.scope import get_scope
from laborgrid.core.search import normalise, plan_search, prefix_q
from laborgrid.employers import indexing
from laborgrid.employers.choices import EmployerStatus, EmployerType, Industry, RiskFlag
from laborgrid.employers.models import STALE_AFTER_DAYS, Employer, EmployerQuerySet
from laborgrid.grids.models import Grid

#: Counts stop here: "more than 1,000" is as useful on a list page as the exact figure, and a
#: capped count stays cheap whatever the filters (a count of the rows with a rare flag among a
#: million would read most of the table). Exact totals belong to statistics pages.
COUNT_CAP = 1000
#: The cap when a common search is answered by a scan (``core.search.plan_search``): counting a
#: thousand matches of a phrase in 3 % of rows reads 30,000 rows, twenty times the page's cost.
SCAN_COUNT_CAP = 200
PAGE_SIZE = 50


class Sort:
    NAME = "name"
    EMPLOYEES = "-employees"
    NEWEST = "-id"
    CHOICES = (
        (NAME, _("按名称")),
        (EMPLOYEES, _("按职工人数（多到少）")),
        (NEWEST, _("按登记先后（新到旧）")),
    )


def search_employers(
    qs: EmployerQuerySet, q: str, plan: ScopePlan | None = None
) -> EmployerQuerySet:
    """Names, former names, address and legal representative contain ``q`` (any length, Chinese
    substring, normalised), or a code (USCC, organisation code, registration number) starts
    with it. ``plan`` learns whether the search scans (see ``core.search.plan_search``)."""
    search = plan_search(Employer, q)
    if plan is not None:
        plan.search_scan = search.scan
    condition = search.q
    if indexing.any_pending():
        # Employers waiting for the deferred character index (an import's) are found by their
        # exact name (normalised) meanwhile; indexed ones already match it as a substring.
        key = normalise(q)
        if key:
            condition |= Q(name_key=key)
    code = unicodedata.normalize("NFKC", q).strip().upper().replace("-", "")
    if len(code) >= 2 and set(code) <= CODE_CHARS:
        condition |= prefix_q("uscc", code) | prefix_q("org_code", code)
        if code.isdigit():
            condition |= prefix_q("reg_number", code)
    return qs.filter(condition)


class EmployerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("搜索"))
    grid = django_filters.CharFilter(method="filter_grid", label=_("网格"))
    employer_type = django_filters.ChoiceFilter(choices=EmployerType.choices, label=_("单位类型"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("行业门类"))
    status = django_filters.ChoiceFilter(choices=EmployerStatus.choices, label=_("经营状态"))
    flag = django_filters.MultipleChoiceFilter(
        choices=RiskFlag.choices,
        method="filter_flag",
        label=_("风险"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Employer
        fields = ["q", "grid", "employer_type", "industry", "status", "flag"]

    def __init__(
        self, *args: Any, user: Any = None, plan: ScopePlan | None = None, **kwargs: Any
    ) -> None:
        self.user = user
        self.plan = plan or ScopePlan()
        super().__init__(*args, **kwargs)

    def filter_q(self, qs: EmployerQuerySet, name: str, value: str) -> EmployerQuerySet:
        value = (value or "").strip()[:100]
        return search_employers(qs, value, self.plan) if value else qs

    def filter_grid(self, qs: EmployerQuerySet, name: str, value: str) -> EmployerQuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        # Only a grid the user can see narrows the list; any other code gives an empty list
        # (never a hint that the grid exists).
        grid = Grid.objects.visible_to(self.user).filter(code=value).only("path").first()
        if grid is None:
            return qs.none()
        self.plan.grid_path = grid.path
        # With further filters (a flag, a type…) few rows of the grid match, and reading the
        # whole table in name order to find 50 of them is what costs (seconds at a million on
        # SQLite): read the grid's rows through the path index unless the grid is very large.
        narrowed = any(self.data.get(k) for k in ("flag", "employer_type", "industry", "status"))
        return qs.filter(self.plan.q(grid.path, SELECTIVE_SUBTREE if narrowed else None))

    def filter_flag(self, qs: EmployerQuerySet, name: str, value: list[str]) -> EmployerQuerySet:
        return qs.filter(flag_q(value))


def flag_q(flags: list[str]) -> Q:
    """All of ``flags`` hold (risk flags are ANDed: "arrears and uninsured")."""
    q = Q()
    cutoff = timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)
    for f in flags:
        if f == RiskFlag.NO_CONTRACTS:
            q &= Q(flag_no_contracts=True)
        elif f == RiskFlag.ARREARS:
            q &= Q(flag_arrears=True)
        elif f == RiskFlag.BELOW_MIN_WAGE:
            q &= Q(flag_below_min_wage=True)
        elif f == RiskFlag.UNINSURED:
            q &= Q(flag_uninsured=True)
        elif f == RiskFlag.STALE:
            q &= Q(last_collected_on__lt=cutoff) | Q(last_collected_on__isnull=True)
        elif f == RiskFlag.NEVER_COLLECTED:
            q &= Q(last_collected_on__isnull=True)
    return q


class BadCursor(ValueError):
    pass


@dataclass
class Page:
    items: list[Employer]
    next_cursor: str | None
    count: int  # capped at cap + 1 (see ``count_capped``)
    sort: str
    cap: int = COUNT_CAP

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_display(self) -> int:
        return min(self.count, self.cap)


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def _decode(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(str(_("翻页参数无效，请从第一页重新开始。"))) from exc
    if not (isinstance(raw, list) and len(raw) == 3 and raw[0] == sort):
        raise BadCursor(str(_("翻页参数无效，请从第一页重新开始。")))
    value, pk = raw[1], raw[2]
    if isinstance(value, str) and (
        "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value) or len(value) > 400
    ):  # a forged cursor: PostgreSQL cannot store NUL, nobody can encode a lone surrogate
        raise BadCursor(str(_("翻页参数无效，请从第一页重新开始。")))
    expected = {Sort.NAME: str, Sort.EMPLOYEES: int, Sort.NEWEST: int}[sort]
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(value, expected):
        raise BadCursor(str(_("翻页参数无效，请从第一页重新开始。")))
    return value, pk


def paginate(
    qs: EmployerQuerySet,
    *,
    sort: str,
    cursor: str | None,
    size: int = PAGE_SIZE,
    in_order: bool = True,
    count_cap: int | None = None,
) -> Page:
    """One page of ``qs`` in ``sort`` order after ``cursor`` (keyset), with a capped count.

    ``in_order=False`` (a small subtree: ``ScopePlan.in_order``) orders by expressions equal to
    the columns (``name || ''``, ``id + 0``): the same order, which no index can supply, so the
    database reads the subtree through the path index and sorts it — the ids only, from the
    covering ``employer_subtree_list`` index, then the page's rows by id (two queries).
    The count stops at ``count_cap`` (:data:`COUNT_CAP` unless given: ``ScopePlan.count_cap``).
    """
    cap = COUNT_CAP if count_cap is None else count_cap
    if sort not in (Sort.NAME, Sort.EMPLOYEES, Sort.NEWEST):
        sort = Sort.NAME
    name: Any = "name" if in_order else Concat(F("name"), Value(""), output_field=CharField())
    pk: Any = F("id") if in_order else F("id") + 0
    employees: Any = F("employees") if in_order else F("employees") + 0
    ordered = qs
    if sort == Sort.NAME:
        ordered = qs.order_by(name, pk)
    elif sort == Sort.EMPLOYEES:
        ordered = qs.order_by(employees.desc(), pk.desc())
    else:
        ordered = qs.order_by(pk.desc())
    if cursor:
        value, pk = _decode(cursor, sort)
        # The redundant bound (name >= X) is an index condition: the database starts reading at
        # the cursor instead of walking the index from its start (PostgreSQL does not derive it
        # from the OR).
        if sort == Sort.NAME:
            ordered = ordered.filter(
                Q(name__gte=value), Q(name__gt=value) | Q(name=value, id__gt=pk)
            )
        elif sort == Sort.EMPLOYEES:
            ordered = ordered.filter(
                Q(employees__lte=value), Q(employees__lt=value) | Q(employees=value, id__lt=pk)
            )
        else:
            ordered = ordered.filter(id__lt=pk)
    if in_order:
        rows = list(ordered[: size + 1])
    else:
        # The page's ids first, from the subtree index alone (``employer_subtree_list`` holds
        # every column the list filters and sorts on), then those rows: sorting a township's
        # thousands of index entries is cheap, reading and sorting its table rows is not.
        ids = list(ordered.values_list("id", flat=True)[: size + 1])
        fetch = qs.model._default_manager.filter(pk__in=ids)
        fetch.query.select_related = qs.query.select_related
        fetch.query.deferred_loading = qs.query.deferred_loading
        by_id = {row.pk: row for row in fetch}
        rows = [by_id[pk] for pk in ids if pk in by_id]
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        key: Any = {Sort.NAME: last.name, Sort.EMPLOYEES: last.employees, Sort.NEWEST: last.pk}[
            sort
        ]
        next_cursor = _encode([sort, key, last.pk])
    whole = cursor is None and next_cursor is None  # the whole list is on this page: no count
    count = len(rows) if whole else qs.order_by()[: cap + 1].count()
    return Page(items=rows, next_cursor=next_cursor, count=count, sort=sort, cap=cap)


#: A subtree with more employers than this is "large": see :class:`ScopePlan`. Measured at a
#: million employers (bench/registry.py): on SQLite a township of 34,000 is listed fastest in
#: name order (60–90 ms) — reading its rows through the path index and sorting them costs
#: ~600 ms, the rows being large and scattered; on PostgreSQL the name-order walk is the slow one.
LARGE_SUBTREE = {"sqlite": 50000, "postgresql": 50000}
#: The same for a grid filter combined with other filters (see ``EmployerFilterSet.filter_grid``).
SELECTIVE_SUBTREE = 50000


class ScopePlan:
    """How to read a list restricted to grid subtrees: through the path index, or in list order.

    A small subtree (a village; a township, even at a million employers county-wide) is best read
    through the path index and sorted: its rows are found directly and a few tens of thousands
    sort in milliseconds. A large one (the county of a million) is best read in the list's order
    (the name, employees or id index), filtering as it goes and stopping when the page is full.
    Neither database gets this right by itself: SQLite has no range statistics and always prefers
    the path range; PostgreSQL assumes names are spread evenly over grids, and walks the name
    index through hundreds of thousands of rows of other townships (whose names share a prefix).
    So the size is measured here — counting up to :data:`LARGE_SUBTREE` entries of the
    (grid_path, id) index costs a few milliseconds — and the plan is stated in the query: a large
    subtree's path test is kept off the index on SQLite (``under_unindexed``), and a small one is
    sorted by an expression (see :func:`paginate`) so that PostgreSQL cannot walk the name index.
    """

    def __init__(self) -> None:
        self._large: dict[tuple[str, int], bool] = {}
        self.grid_path: str | None = None  # the grid filter's subtree, when one applies
        self.search_scan = False  # the search is a scan (a common query): count less far

    @property
    def count_cap(self) -> int:
        return SCAN_COUNT_CAP if self.search_scan else COUNT_CAP

    def is_large(self, path: str, limit: int | None = None) -> bool:
        limit = limit or LARGE_SUBTREE.get(connection.vendor, 50000)
        if (path, limit) not in self._large:
            probe = Employer.objects.filter(grid_path__under=path).order_by().values("id")
            self._large[(path, limit)] = probe[: limit + 1].count() > limit
        return self._large[(path, limit)]

    def q(self, path: str, limit: int | None = None) -> Q:
        if self.is_large(path, limit) and connection.vendor == "sqlite":
            return Q(grid_path__under_unindexed=path)
        return Q(grid_path__under=path)

    @property
    def in_order(self) -> bool:
        """Read in list order (large) rather than through the path index and sorted (small)."""
        if self.grid_path is not None:
            return any(v for (p, _), v in self._large.items() if p == self.grid_path and v) and all(
                v for (p, _), v in self._large.items() if p == self.grid_path
            )
        return any(self._large.values())


def base_queryset(user: Any, plan: ScopePlan | None = None) -> EmployerQuerySet:
    """What a user's employer list starts from: current records in their grids.

    The same rows as ``Employer.objects.visible_to(user).current()`` (one scope engine: the
    paths come from it), with each subtree condition planned by :class:`ScopePlan`.
    """
    plan = plan or ScopePlan()
    paths = get_scope(user).paths(Cap.WORK_READ)
    if not paths:
        return Employer.objects.none()
    condition = Q()
    for path in paths:
        condition |= plan.q(path)
    return Employer.objects.filter(condition).current()


def filtered(user: Any, params: Any) -> tuple[EmployerFilterSet, EmployerQuerySet]:
    """The FilterSet bound to ``params`` and its queryset (empty if the params are invalid).

    ``fs.plan.in_order`` tells :func:`paginate` how to read it (see :class:`ScopePlan`).
    """
    plan = ScopePlan()
    fs = EmployerFilterSet(params, queryset=base_queryset(user, plan), user=user, plan=plan)
    qs = fs.qs if fs.is_valid() else Employer.objects.none()
    return fs, qs
