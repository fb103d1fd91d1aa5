"""The 大方县 demo matches the county plan and can be seeded again without changes."""

from __future__ import annotations

import pytest
from django.conf import settings

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.grids.demo import DEMO_USERS
from laborgrid.grids.models import Grid
from laborgrid.site.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_grid_tree_of_dafang() -> None:
    assert Grid.objects.filter(level="county").count() == 1
    assert Grid.objects.filter(level="township", parent__code="520521").count() == 40
    assert Grid.objects.filter(level="village").count() == 390
    parks = Grid.objects.filter(level="park")
    assert sorted(parks.values_list("name", flat=True)) == sorted(
        ["药品食品产业园区", "循环经济产业园区", "金门陶瓷工业园区"]
    )
    assert all(p.placement_assumed and "假设" in p.note for p in parks)
    assert not Grid.objects.filter(boundary__isnull=True).exists()
    assert not Grid.objects.filter(boundary_synthetic=False).exists()


def test_staff_per_the_plan() -> None:
    current = GridAssignment.objects.current()
    for township in Grid.objects.filter(level="township"):
        roles = list(current.filter(grid=township).values_list("role", flat=True))
        assert roles.count("grid_officer") == 1, township
        assert roles.count("assistant") == 2, township
        assert roles.count("squadron_leader") == 1, township
    for park in Grid.objects.filter(level="park"):
        assert current.filter(grid=park, role="assistant").count() == 2
    for village in Grid.objects.filter(level="village"):
        assert current.filter(grid=village).exists(), village  # every grid has named staff
    assert current.filter(grid__code="520521", role="county_inspector").count() == 5


def test_demo_accounts_sign_in_with_the_demo_password() -> None:
    for username in [*DEMO_USERS, "maochang-a1"]:
        user = User.objects.get(username=username)
        assert user.check_password(settings.LABORGRID_DEMO_PASSWORD), username
    # staff who are only listed on grids cannot sign in until given a password
    assert not User.objects.get(username="brigade-1").has_usable_password()


def test_seeding_again_changes_nothing() -> None:
    before = (Grid.objects.count(), User.objects.count(), GridAssignment.objects.count())
    seed_demo(log=lambda _m: None)
    assert (Grid.objects.count(), User.objects.count(), GridAssignment.objects.count()) == before
