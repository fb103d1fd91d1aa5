"""Who may do what with incidents and warnings, and the single-object gates (404 for missing
and forbidden alike, ARCHITECTURE §3 rule 2).

* **report** — anyone with ``work.write`` (assistants included: issue 19 §1), on a grid where
  they hold it;
* **handle** (log entries, settle, close, link a case, acknowledge/resolve warnings) —
  ``work.write`` on the incident's or warning's grid (the read-only leader reads, 403);
* **configure** levels and rules — the county brigade: a 监察员 on a county-level grid.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap, Role
from laborgrid.core.scope import check_write
from laborgrid.incidents.models import EarlyWarning, Incident


def _pk(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_incident(user: Any, pk: Any, capability: str = Cap.WORK_READ) -> Incident:
    key = _pk(pk)
    incident = (
        Incident.objects.visible_to(user).with_list_related().filter(pk=key).first()
        if key is not None
        else None
    )
    if incident is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, incident.grid_path)
    return incident


def access_warning(user: Any, pk: Any, capability: str = Cap.WORK_READ) -> EarlyWarning:
    key = _pk(pk)
    warning = (
        EarlyWarning.objects.visible_to(user).select_related("rule", "grid").filter(pk=key).first()
        if key is not None
        else None
    )
    if warning is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, warning.grid_path)
    return warning


def can_configure(user: Any) -> bool:
    """A county brigade inspector (监察员 on a county grid) edits levels and warning rules."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        GridAssignment.objects.current(timezone.localdate())
        .filter(user=user, role=Role.COUNTY_INSPECTOR, grid__level="county", grid__is_active=True)
        .exists()
    )
