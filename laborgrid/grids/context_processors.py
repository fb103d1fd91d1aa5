"""The grid switcher of the page header: the user's grids and the one chosen."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from laborgrid.grids.selectors import current_grid, user_grids


def grid_switcher(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"switch_grids": user_grids(user), "current_grid": current_grid(request)}
