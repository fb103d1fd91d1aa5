"""Read-only helpers of the accounts app for other pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import get_scope


def home_admin(request: HttpRequest) -> dict[str, Any] | None:
    """The home widget of the system and security administrators: links to people and grids."""
    scope = get_scope(request.user)
    if not (scope.has(Cap.USER_MANAGE) or scope.has(Cap.ROLE_MANAGE)):
        return None
    return {}
