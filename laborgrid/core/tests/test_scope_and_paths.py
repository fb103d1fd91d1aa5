"""The scope engine and the indexed subtree lookup, on whichever database the suite runs."""

from __future__ import annotations

import pytest
from django.db import connection

from laborgrid.accounts.models import User
from laborgrid.core.paths import minimal_prefixes, path_upper_bound
from laborgrid.core.scope import get_scope
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG

pytestmark = pytest.mark.django_db


def test_minimal_prefixes_and_bounds() -> None:
    assert minimal_prefixes(["a/b/", "a/", "c/", "a/bc/"]) == ["a/", "c/"]
    assert path_upper_bound("52/5205/") == "52/52050"


def test_under_is_exact_at_code_boundaries() -> None:
    codes = set(
        Grid.objects.filter(path__under=f"520521/{MAOCHANG}/").values_list("code", flat=True)
    )
    assert MAOCHANG in codes and len(codes) == 12
    assert all(c.startswith(MAOCHANG) for c in codes)
    with pytest.raises(ValueError):
        list(Grid.objects.filter(path__under="520521"))


def test_under_uses_an_index() -> None:
    qs = Grid.objects.filter(path__under=f"520521/{MAOCHANG}/").values("code")
    plan = qs.explain().lower()
    if connection.vendor == "sqlite":
        assert "using index" in plan or "using covering index" in plan, plan
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            plan = qs.explain().lower()
            cursor.execute("SET enable_seqscan = on")
        assert "index scan" in plan and "_like" in plan, plan  # Django's varchar_pattern_ops index


def test_scope_by_persona() -> None:
    def visible(username: str) -> set[str]:
        return set(
            Grid.objects.visible_to(User.objects.get(username=username)).values_list(
                "code", flat=True
            )
        )

    county = visible("county")
    assert len(county) == Grid.objects.count()
    maochang = visible("maochang")
    assert MAOCHANG in maochang and MACHANG not in maochang and "520521" not in maochang
    assistant = visible("maochang-a1")
    assert assistant <= maochang
    assert visible("auditor") == set()
    leader = get_scope(User.objects.get(username="leader"))
    assert (
        leader.has("grid.read") and not leader.has("grid.manage") and not leader.has("work.write")
    )
