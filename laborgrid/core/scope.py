"""The scope engine: which grid subtrees a user may read or change, as one ``Q`` per query.

Every list (``Model.objects.visible_to(user)``) and every single-object gate (``access_*``) goes
through here, so grid scoping has one implementation (ARCHITECTURE §3 rule 2). Scope comes from the
user's current ``GridAssignment`` rows (valid today) and the capability table in
``laborgrid.accounts.roles``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from laborgrid.core.paths import minimal_prefixes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from laborgrid.accounts.models import User

_M = TypeVar("_M", bound=models.Model)

_CACHE_ATTR = "_laborgrid_scope"


@dataclass(frozen=True)
class Scope:
    """Capability → the minimal set of grid paths (subtree roots) where the user holds it."""

    by_capability: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()

    def paths(self, capability: str) -> tuple[str, ...]:
        return self.by_capability.get(capability, ())

    def has(self, capability: str) -> bool:
        return bool(self.by_capability.get(capability))

    def allows(self, capability: str, path: str) -> bool:
        return any(path.startswith(p) for p in self.by_capability.get(capability, ()))


EMPTY_SCOPE = Scope()


def get_scope(user: User | AnonymousUser | None) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from laborgrid.accounts.models import GridAssignment
    from laborgrid.accounts.roles import ROLE_CAPABILITIES

    collected: dict[str, list[str]] = {}
    roles: set[str] = set()
    for role, path in (
        GridAssignment.objects.current(timezone.localdate())
        .filter(user=user, grid__is_active=True)
        .values_list("role", "grid__path")
    ):
        roles.add(role)
        for cap in ROLE_CAPABILITIES.get(role, ()):
            collected.setdefault(cap, []).append(path)
    scope = Scope(
        by_capability={cap: tuple(minimal_prefixes(paths)) for cap, paths in collected.items()},
        roles=frozenset(roles),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def scope_q(user: Any, capability: str, path_field: str) -> Q:
    paths = get_scope(user).paths(capability)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{path_field}__under": p})
    return q


class ScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    """A queryset whose rows hang off a grid path; ``visible_to`` limits it to the user's scope."""

    scope_path_field: str = "grid_path"
    read_capability: str = "work.read"

    def visible_to(self, user: Any, capability: str | None = None) -> Self:
        return self.filter(scope_q(user, capability or self.read_capability, self.scope_path_field))


def require_capability(user: Any, capability: str) -> Scope:
    """For pages that are not about one grid object: 404 unless the user holds ``capability``."""
    scope = get_scope(user)
    if not scope.has(capability):
        raise Http404
    return scope


def check_write(user: Any, capability: str, path: str) -> None:
    """The object is visible; changing it needs ``capability`` there (leaders: 403)."""
    if not get_scope(user).allows(capability, path):
        raise PermissionDenied
