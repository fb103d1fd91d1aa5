"""Coverage figures: each kind of employer counted where it belongs, rolled up the tree, in a fixed
number of queries, with the drill-down filter agreeing with the count everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from laborgrid.coverage import services
from laborgrid.coverage.choices import COUNTS, Measure
from laborgrid.coverage.tasks import refresh_coverage
from laborgrid.coverage.tests.world import World, build
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import make_employer, make_snapshot
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build()


@pytest.fixture
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def figures(world: World, grid: Grid) -> services.Figures:
    return services.coverage(world.parent, use_cache=False).nodes[grid.path].rolled


def expected(world: World, grid: Grid) -> dict[str, int]:
    return {m: len(world.ids(m, grid)) for m in COUNTS}


def test_every_kind_is_counted_in_its_grid(world: World) -> None:
    cov = services.coverage(world.parent, use_cache=False)
    a = cov.nodes[world.a.path].rolled
    assert a.as_dict() == {
        "total": 6,
        "registered": 4,
        "scjg": 2,
        "mz": 1,
        "jy": 1,
        "zj": 1,
        "collected": 5,
        "fresh": 4,
        "never": 1,
        "stale": 1,
        "deregistered_operating": 1,
        "unregistered_operating": 2,
        "rate": 4 / 6,
    }
    b = cov.nodes[world.b.path].rolled
    assert b.as_dict() == {
        "total": 4,  # the merged duplicate is not counted
        "registered": 2,
        "scjg": 2,
        "mz": 0,
        "jy": 0,
        "zj": 0,
        "collected": 3,
        "fresh": 2,
        "never": 1,
        "stale": 1,
        "deregistered_operating": 0,  # revoked but deregistered here; revoked but never visited
        "unregistered_operating": 1,  # the suspended one found in the field is not operating
        "rate": 2 / 4,
    }
    for grid in (world.a, world.b, world.parent):
        assert {m: cov.nodes[grid.path].rolled.value(m) for m in COUNTS} == expected(world, grid)


def test_stale_does_not_count_never_collected_and_183_days_is_current(world: World) -> None:
    a = figures(world, world.a)
    assert a.never == 1 and a.stale == 1  # 200 days; 183 days is still fresh
    assert a.fresh + a.stale + a.never == a.total
    b = figures(world, world.b)
    assert world.employers["一百八十四天"].pk in world.ids("stale", world.b)
    assert b.stale == 1


def test_a_grid_without_employers_has_no_rate(world: World) -> None:
    empty = figures(world, world.empty)
    assert empty.total == 0 and empty.rate is None
    assert empty.as_dict()["rate"] is None


def test_roll_up_is_the_sum_of_the_children_plus_the_grid_itself(world: World) -> None:
    cov = services.coverage(world.parent, use_cache=False)
    root = cov.root
    assert [c.grid.code for c in root.children] == [
        world.a.code,
        world.b.code,
        world.empty.code,
    ]
    summed = services.Figures()
    for child in root.children:
        summed.add(child.rolled)
    summed.add(root.own)
    assert summed == root.rolled
    assert root.own.total == 1  # 片区直属
    assert root.rolled.total == 11


def test_the_county_rolls_up_every_level() -> None:
    cov = services.coverage(Grid.objects.get(code=COUNTY), use_cache=False)
    for node in cov.nodes.values():
        summed = node.own.copy()
        for child in node.children:
            summed.add(child.rolled)
        assert summed == node.rolled, node.grid.code
    county_total = Employer.objects.current().filter(grid_path__under=cov.root.grid.path).count()
    assert cov.root.rolled.total == county_total > 1000
    township = services.coverage(Grid.objects.get(code=MAOCHANG), use_cache=False)
    assert township.root.rolled == cov.nodes[township.root.grid.path].rolled


@pytest.mark.parametrize("measure", COUNTS)
def test_drill_down_filter_selects_exactly_the_counted_employers(
    world: World, measure: str
) -> None:
    cov = services.coverage(world.parent, use_cache=False)
    for grid in (world.parent, world.a, world.b, world.empty):
        selected = set(
            Employer.objects.current()
            .filter(grid_path__under=grid.path)
            .filter(services.measure_q(measure, world.today))
            .values_list("pk", flat=True)
        )
        assert selected == world.ids(measure, grid), (measure, grid.code)
        assert len(selected) == cov.nodes[grid.path].rolled.value(measure)


@pytest.mark.parametrize("measure", COUNTS)
def test_drill_down_filter_agrees_with_the_count_on_the_demo(measure: str) -> None:
    """The demo's thousands of generated employers (every register, status and age)."""
    today = services.coverage(Grid.objects.get(code=COUNTY), use_cache=False).today
    cov = services.coverage(Grid.objects.get(code=COUNTY), use_cache=False)
    for code in (COUNTY, MAOCHANG, MACHANG):
        grid = Grid.objects.get(code=code)
        n = (
            Employer.objects.current()
            .filter(grid_path__under=grid.path)
            .filter(services.measure_q(measure, today))
            .count()
        )
        assert n == cov.nodes[grid.path].rolled.value(measure), (measure, code)


def test_the_rate_is_fresh_over_total(world: World) -> None:
    f = figures(world, world.parent)
    assert f.rate == pytest.approx(f.fresh / f.total)
    assert Measure.RATE.value in f.as_dict()


def test_two_queries_whatever_the_number_of_grids(world: World) -> None:
    for code in (COUNTY, MAOCHANG, world.a.code):
        grid = Grid.objects.get(code=code)
        with CaptureQueriesContext(connection) as ctx:
            services.coverage(grid, use_cache=False)
        assert len(ctx.captured_queries) == 2, (code, [q["sql"] for q in ctx.captured_queries])


def test_an_employer_on_a_grid_missing_from_the_tree_is_counted_above(world: World) -> None:
    employer = world.employers["质监未采"]
    Employer.objects.filter(pk=employer.pk).update(grid_path=world.a.path + "GONE/")
    cov = services.coverage(world.parent, use_cache=False)
    assert cov.nodes[world.a.path].rolled.total == 6
    assert cov.nodes[world.a.path].own.total == 6


# --- cache -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("_fresh_cache")
def test_large_subtrees_are_cached_and_serve_their_subtrees(settings: Any, world: World) -> None:
    settings.LABORGRID_COVERAGE_CACHE_MIN_EMPLOYERS = 5
    settings.LABORGRID_COVERAGE_CACHE_SECONDS = 600
    county = Grid.objects.get(code=COUNTY)
    first = services.coverage(county)
    assert not first.cached
    make_employer(world.a.code, name="覆盖测试缓存期间新增有限公司")
    again = services.coverage(county)
    assert again.cached and again.computed_at == first.computed_at
    assert again.root.rolled == first.root.rolled  # the new employer is not counted yet
    # A township inside the cached county: two queries (the shared cache, its grids), figures
    # from the county's entry.
    with CaptureQueriesContext(connection) as ctx:
        township = services.coverage(world.parent)
    assert township.cached and len(ctx.captured_queries) == 2
    assert township.root.rolled.total == 11
    # Counted fresh on request (the export does).
    assert services.coverage(world.parent, use_cache=False).root.rolled.total == 12


@pytest.mark.usefixtures("_fresh_cache")
def test_small_subtrees_are_always_counted_fresh(settings: Any, world: World) -> None:
    settings.LABORGRID_COVERAGE_CACHE_MIN_EMPLOYERS = 1000
    assert services.coverage(world.parent).root.rolled.total == 11
    make_employer(world.a.code, name="覆盖测试实时新增有限公司")
    cov = services.coverage(world.parent)
    assert not cov.cached and cov.root.rolled.total == 12


@pytest.mark.usefixtures("_fresh_cache")
def test_an_expired_entry_is_shown_while_the_worker_counts_again(
    settings: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LABORGRID_COVERAGE_CACHE_MIN_EMPLOYERS = 0
    settings.LABORGRID_COVERAGE_CACHE_SECONDS = 600
    first = services.coverage(world.parent)
    make_employer(world.a.code, name="覆盖测试过期后新增有限公司")
    assert services.coverage(world.parent).root.rolled.total == 11
    # Older than the cache's time: still shown (with its time), and one recount is scheduled
    # however many people open the page meanwhile.
    cache.set(
        services._cache_key(world.parent.path),
        (
            first.computed_at - timedelta(hours=1),
            first.today,
            cache.get(services._cache_key(world.parent.path))[2],
        ),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stale = services.coverage(world.parent)
        services.coverage(world.parent)
    assert stale.cached and stale.refreshing and stale.root.rolled.total == 11
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == 0  # enqueued only once the request's work commits
    callbacks[0]()
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("refresh_coverage") and task.args_kwargs["args"] == [
        world.parent.path
    ]
    refresh_coverage.call(world.parent.path)  # what the worker runs
    again = services.coverage(world.parent)
    assert again.cached and not again.refreshing and again.root.rolled.total == 12


def test_collecting_moves_an_employer_from_never_to_fresh(world: World) -> None:
    before = figures(world, world.a)
    make_snapshot(world.employers["质监未采"], collected_on=world.today)
    after = figures(world, world.a)
    assert (after.never, after.fresh, after.collected) == (
        before.never - 1,
        before.fresh + 1,
        before.collected + 1,
    )
