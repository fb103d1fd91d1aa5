"""Who sees which assessment figures, and who runs the assessment.

* Scores, evidence and checklists are seen on a grid where the person reads work data
  (``work.read``): their own grids and those below. An unknown code and a grid outside their
  grids are the same 404.
* The county (``work.read`` on the county grid itself) sees every township's score, the ranking,
  the draft versions and the configuration; changing them needs ``work.write`` there (the
  read-only leader gets 403).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from laborgrid.accounts.roles import Cap
from laborgrid.assessment.models import Assessment, ChecklistCheck, PersonScore
from laborgrid.core.paths import CODE_CHARS, path_codes
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.grids.selectors import current_grid, user_grids

MAX_CODE_LENGTH = 32


def county_of(grid: Grid) -> Grid | None:
    """The county (一级网格) a grid lies in, itself if it is one; None above county level."""
    if grid.level == GridLevel.COUNTY:
        return grid
    paths = ["".join(f"{c}/" for c in path_codes(grid.path)[:i]) for i in range(1, grid.depth + 1)]
    return Grid.objects.filter(path__in=paths, level=GridLevel.COUNTY).first()


def access_grid(user: Any, code: str) -> Grid:
    """The grid ``code`` if the user reads work data there, else 404."""
    require_capability(user, Cap.WORK_READ)
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH or not set(code) <= CODE_CHARS:
        raise Http404
    grid = Grid.objects.visible_to(user, Cap.WORK_READ).filter(code=code).first()
    if grid is None:
        raise Http404
    return grid


def default_grid(user: Any, request: HttpRequest | None = None) -> Grid:
    """The switcher's grid, else the user's top grid where they read work data; 404 without."""
    scope = require_capability(user, Cap.WORK_READ)
    chosen = current_grid(request) if request is not None else None
    for grid in ([chosen] if chosen is not None else []) + user_grids(user):
        if scope.allows(Cap.WORK_READ, grid.path):
            return grid
    raise Http404


def is_county_user(user: Any, county: Grid) -> bool:
    return get_scope(user).allows(Cap.WORK_READ, county.path)


def runs_a_county(user: Any) -> bool:
    """Whether the user reads work data at county level on one of their own grids: the county's
    assessment pages (indicators, computation) are theirs. No query beyond the grids the page
    header has loaded already (the menu asks this on every page)."""
    return any(g.level == GridLevel.COUNTY and is_county_user(user, g) for g in user_grids(user))


def access_county(user: Any, code: str | None, request: HttpRequest | None = None) -> Grid:
    """The county whose assessment the user runs (reads at county level): ``code`` or the county
    of their own grid. 404 for anyone else (townships do not configure or compute)."""
    grid = access_grid(user, code) if code else default_grid(user, request)
    county = county_of(grid)
    if county is None or not is_county_user(user, county):
        raise Http404
    return county


def access_assessment(user: Any, pk: int) -> Assessment:
    """A computed version, for the county that ran it (the page of its versions), else 404."""
    require_capability(user, Cap.WORK_READ)
    found = Assessment.objects.filter(pk=pk).select_related("grid").first()
    if found is None or not is_county_user(user, found.grid):
        raise Http404
    return found


def access_person(user: Any, assessment: Assessment, user_id: int) -> PersonScore:
    found = (
        PersonScore.objects.visible_to(user)
        .filter(assessment=assessment, user_id=user_id)
        .select_related("user", "grid")
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_check(user: Any, pk: int) -> ChecklistCheck:
    require_capability(user, Cap.WORK_READ)
    found = ChecklistCheck.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
