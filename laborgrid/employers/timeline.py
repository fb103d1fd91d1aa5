"""The employer's archive timeline (电子档案): one small interface other modules append to.

A module that has something to say about an employer (collections, complaints, inspections,
grades…) registers a *source*: a function that returns the newest entries for one employer::

    from laborgrid.employers.timeline import Entry, register

    @register("cases")
    def case_entries(employer, limit):
        return [Entry(when=c.registered_at, kind="case", title=..., url=c.get_absolute_url())
                for c in Case.objects.filter(employer=employer).order_by("-registered_at")[:limit]]

Each source runs one or two queries, bounded by ``limit``; :func:`timeline` merges them newest
first. Register from the module's ``AppConfig.ready`` (the registry ignores a second
registration under the same name, so reloading is harmless).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from laborgrid.employers.models import Employer


@dataclass(frozen=True)
class Entry:
    when: datetime | date
    kind: str  # a short key: "snapshot", "change", "merge", "case"… (icon and filter)
    title: str
    detail: str = ""
    actor: str = ""
    url: str | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when
        return timezone.make_aware(datetime.combine(self.when, time.max))


Source = Callable[["Employer", int], Iterable[Entry]]
_SOURCES: dict[str, Source] = {}


def register(name: str) -> Callable[[Source], Source]:
    def deco(fn: Source) -> Source:
        _SOURCES.setdefault(name, fn)
        return fn

    return deco


def timeline(employer: Employer, limit: int = 50) -> list[Entry]:
    """The newest ``limit`` entries from every registered source, newest first."""
    entries: list[Entry] = []
    for fn in _SOURCES.values():
        entries.extend(fn(employer, limit))
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries[:limit]


# --- the registry's own sources ---------------------------------------------------------------


@register("snapshots")
def _snapshots(employer: Employer, limit: int) -> list[Entry]:
    from laborgrid.employers.models import LabourSnapshot

    out = []
    for s in (
        LabourSnapshot.objects.filter(employer=employer)
        .select_related("collector")
        .order_by("-collected_on", "-id")[:limit]
    ):
        detail = _("职工 %(n)s 人，签订劳动合同 %(c)s 人") % {
            "n": s.employees,
            "c": s.contracts_signed,
        }
        if s.withdrawn_at:
            detail += " · " + _("已撤回：%(r)s") % {"r": s.withdraw_reason}
        out.append(
            Entry(
                when=s.collected_on,
                kind="snapshot",
                title=_("劳动用工信息采集（%(m)s）") % {"m": s.get_method_display()},
                detail=detail,
                actor=s.collector_name,
            )
        )
    return out


#: Fields whose changes are not worth a line of their own (derived or bookkeeping).
_QUIET = {"version", "updated_by", "created_by", "grid_path", "contact_phone_enc"}


@register("changes")
def _changes(employer: Employer, limit: int) -> list[Entry]:
    records = list(
        employer.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    deltas = []
    grid_ids: set[Any] = set()
    for i, rec in enumerate(records[:limit]):
        prev = records[i + 1] if i + 1 < len(records) else None
        delta = None if (rec.history_type == "+" or prev is None) else rec.diff_against(prev)
        if delta is not None:
            grid_ids.update(v for c in delta.changes if c.field == "grid" for v in (c.old, c.new))
        deltas.append((rec, delta))
    grid_names = _grid_names(grid_ids)  # one query for every grid named in the changes
    out = []
    for rec, delta in deltas:
        actor = rec.history_user.full_name if rec.history_user else ""
        if delta is None and rec.history_type != "+" and len(records) <= limit:
            # The oldest record is a change: the employer was created without a history row
            # (a register import: its own source says so). The change's reason is all there is.
            out.append(
                Entry(
                    when=rec.history_date,
                    kind="change",
                    title=_("修改档案"),
                    detail=rec.history_change_reason or "",
                    actor=actor,
                )
            )
            continue
        if delta is None:
            out.append(
                Entry(
                    when=rec.history_date,
                    kind="created",
                    title=_("建立档案"),
                    detail=rec.history_change_reason or "",
                    actor=actor,
                )
            )
            continue
        changes = [
            (
                str(getattr(employer._meta.get_field(c.field), "verbose_name", c.field)),
                _display(employer, c.field, c.old, grid_names),
                _display(employer, c.field, c.new, grid_names),
            )
            for c in delta.changes
            if c.field not in _QUIET
        ]
        if not changes:
            continue
        out.append(
            Entry(
                when=rec.history_date,
                kind="change",
                title=_("修改档案"),
                detail=rec.history_change_reason or "",
                actor=actor,
                changes=changes,
            )
        )
    return out


def _grid_names(ids: set[Any]) -> dict[Any, str]:
    from laborgrid.grids.models import Grid

    ids.discard(None)
    if not ids:
        return {}
    return dict(Grid.objects.filter(pk__in=ids).values_list("pk", "name"))


def _display(employer: Employer, name: str, value: Any, grid_names: dict[Any, str]) -> str:
    if value is None or value == "":
        return "—"
    f = employer._meta.get_field(name)
    choices = getattr(f, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if name == "grid":
        return grid_names.get(value, str(value))
    if name == "merged_into":
        return _("单位 #%(id)s") % {"id": value}
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


@register("merges")
def _merges(employer: Employer, limit: int) -> list[Entry]:
    from django.db.models import Q

    from laborgrid.employers.models import EmployerMerge

    out = []
    for m in (
        EmployerMerge.objects.filter(Q(source=employer) | Q(target=employer))
        .select_related("source", "target", "merged_by")
        .only(
            "reason",
            "merged_at",
            "reverted_at",
            "source_id",
            "target_id",
            "source__id",
            "source__name",
            "target__id",
            "target__name",
            "merged_by__full_name",
        )
        .order_by("-merged_at")[:limit]
    ):
        other = m.source if m.target_id == employer.pk else m.target
        title = (_("合并了 %(name)s") if m.target_id == employer.pk else _("并入 %(name)s")) % {
            "name": other.name
        }
        if m.reverted_at:
            title += _("（已撤销）")
        out.append(
            Entry(
                when=m.merged_at,
                kind="merge",
                title=title,
                detail=m.reason,
                actor=m.merged_by.full_name if m.merged_by else "",
                url=other.get_absolute_url(),
            )
        )
    return out
