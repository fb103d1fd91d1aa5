"""The coverage pages as people use them: the table and its totals, sorting, the map's data,
drill-down links that lead to exactly the counted employers, scope, and clear 404s."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laborgrid.coverage import services
from laborgrid.coverage.choices import COUNTS, Measure
from laborgrid.coverage.tests.world import World, build
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import make_employer, make_snapshot
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db

#: A page's query budget, whatever the number of grids it lists (no query per grid): the
#: session (read, and its update in a savepoint: 4), user, second factor, scope, grid, employer
#: figures, subtree size probe, grids, ancestors for the breadcrumb, switcher, and the shared
#: cache's entries of the grid and its ancestors.
PAGE_QUERIES = 14


@pytest.fixture
def world() -> World:
    return build()


def detail(code: str, **params: str) -> str:
    return reverse("coverage:coverage_detail", args=[code]) + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


def rows(body: str) -> list[str]:
    """The grid codes of the table's body rows, in order."""
    tbody = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r'<tr data-grid="([^"]*)"', tbody)


def cell(body: str, grid: str, measure: str, total: bool = False) -> tuple[str, str | None]:
    """(text, link) of one figure of one row."""
    marker = f'data-grid="{grid}" data-total>' if total else f'<tr data-grid="{grid}">'
    row = body[body.index(marker) :]
    row = row[: row.index("</tr>")]
    m = re.search(rf'data-measure="{measure}">(.*?)</td>', row, re.S)
    assert m, (grid, measure)
    link = re.search(r'href="([^"]+)"', m.group(1))
    text = re.sub(r"<[^>]+>", "", m.group(1)).strip()
    return text, link.group(1).replace("&amp;", "&") if link else None


def employer_ids(client: Client, url: str) -> set[int]:
    """Every employer a list shows, following its next-page links."""
    found: set[int] = set()
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        found |= {int(pk) for pk in re.findall(r'href="/employers/(\d+)/"', body)}
        nxt = re.search(r'href="(\?[^"]+)" rel="next"', body)
        url = urlsplit(url).path + nxt.group(1).replace("&amp;", "&") if nxt else ""
    return found


def test_the_township_page_lists_its_villages_with_a_total_row() -> None:
    response = client_for("maochang").get(reverse("coverage:coverage_home"))
    assert response.status_code == 200
    body = response.content.decode()
    maochang = Grid.objects.get(code=MAOCHANG)
    villages = list(maochang.children.filter(is_active=True).order_by("code"))
    assert rows(body) == [v.code for v in villages]
    cov = services.coverage(maochang, use_cache=False)
    total_text, total_link = cell(body, MAOCHANG, "total", total=True)
    assert total_text == f"{cov.root.rolled.total:,}"
    assert total_link == f"/employers/?grid={MAOCHANG}"
    assert sum(int(cell(body, v.code, "total")[0].replace(",", "")) for v in villages) == (
        cov.root.rolled.total - cov.root.own.total
    )
    assert "马场镇" not in body


def test_every_count_links_to_exactly_the_employers_it_counts(world: World) -> None:
    client = client_for("maochang")
    body = client.get(detail(world.parent.code)).content.decode()
    for grid in (world.a, world.b):
        for measure in COUNTS:
            text, link = cell(body, grid.code, measure)
            expected = world.ids(measure, grid)
            assert int(text) == len(expected), (grid.code, measure)
            if not expected:
                assert link is None  # nothing to list
                continue
            assert link is not None
            assert employer_ids(client, link) == expected, (grid.code, measure, link)
    # The grid's own total row (its direct employer included).
    for measure in COUNTS:
        text, link = cell(body, world.parent.code, measure, total=True)
        assert int(text) == len(world.ids(measure)), measure
        if link:
            assert employer_ids(client, link) == world.ids(measure), measure


def test_never_visited_and_total_use_the_employer_list_filters(world: World) -> None:
    body = client_for("maochang").get(detail(world.parent.code)).content.decode()
    _text, never = cell(body, world.a.code, "never")
    assert never is not None
    url = urlsplit(never)
    assert url.path == reverse("employers:employer_list")
    assert parse_qs(url.query) == {"grid": [world.a.code], "flag": ["never_collected"]}
    _text, stale = cell(body, world.a.code, "stale")
    assert stale == reverse("coverage:gap_list", args=[world.a.code, "stale"])


def test_the_direct_employers_row_makes_the_rows_add_up(world: World) -> None:
    body = client_for("maochang").get(detail(world.parent.code)).content.decode()
    assert "直属本网格或未归入以上网格的单位" in body
    rest = body[body.index('<tr class="text-secondary" data-grid="">') :]
    rest = rest[: rest.index("</tr>")]
    assert re.search(r'data-measure="total">1</td>', rest)


def test_sorting_by_never_visited_puts_the_most_first() -> None:
    client = client_for("county")
    body = client.get(detail(COUNTY, sort="never", order="desc")).content.decode()
    order = rows(body)
    cov = services.coverage(Grid.objects.get(code=COUNTY), use_cache=False)
    never = {n.grid.code: n.rolled.never for n in cov.children()}
    assert [never[c] for c in order] == sorted(never.values(), reverse=True)
    ascending = rows(client.get(detail(COUNTY, sort="never", order="asc")).content.decode())
    assert [never[c] for c in ascending] == sorted(never.values())


def test_which_villages_have_the_most_never_visited_employers() -> None:
    """The county leader's question: all villages of the county, most never-visited first, and
    the map coloured by never-visited."""
    body = (
        client_for("leader").get(detail(COUNTY, measure=Measure.NEVER, depth="2")).content.decode()
    )
    cov = services.coverage(Grid.objects.get(code=COUNTY), use_cache=False)
    villages = {n.grid.code: n.rolled.never for n in cov.at_depth(2)}
    order = rows(body)
    assert set(order) == set(villages) and len(order) > 300
    assert [villages[c] for c in order] == sorted(villages.values(), reverse=True)
    data = json.loads(
        re.search(
            r'<script id="coverage-map-data" type="application/json">(.*?)</script>', body, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    assert data["measure"] == "never" and not data["percent"]
    townships = {n.grid.code: n.rolled.never for n in cov.children()}
    assert {i["code"]: i["value"] for i in data["items"]} == townships
    assert data["boundaries"] == reverse("grids:grid_map_data", args=[COUNTY])


def test_the_map_shows_the_rate_in_percent_and_opens_child_grids(world: World) -> None:
    body = client_for("maochang").get(detail(world.parent.code)).content.decode()
    data = json.loads(
        re.search(
            r'<script id="coverage-map-data" type="application/json">(.*?)</script>', body, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    items = {i["code"]: i for i in data["items"]}
    assert data["percent"] and data["measure"] == "rate"
    assert items[world.a.code]["value"] == round(4 / 6 * 100, 1)
    assert items[world.a.code]["display"] == "66.7%"
    assert items[world.empty.code]["value"] is None  # no employers: no colour
    assert items[world.b.code]["url"].startswith(detail(world.b.code))
    # No inline script: the data is JSON and the code a static file (the CSP forbids inline).
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body) == []


def test_a_leaf_grid_shows_its_own_figures(world: World) -> None:
    response = client_for("maochang").get(detail(world.a.code))
    assert response.status_code == 200
    body = response.content.decode()
    assert rows(body) == []
    assert cell(body, world.a.code, "total", total=True)[0] == "6"


def test_breadcrumb_goes_up_to_the_users_top_grid_only(world: World) -> None:
    body = client_for("maochang").get(detail(world.a.code)).content.decode()
    crumbs = body[body.index('<ol class="breadcrumb mb-3"') :]
    crumbs = crumbs[: crumbs.index("</ol>")]
    assert detail(MAOCHANG) in crumbs and detail(world.parent.code) in crumbs
    assert detail(COUNTY) not in crumbs  # 猫场镇 staff cannot see the county's figures
    county_crumbs = client_for("county").get(detail(world.a.code)).content.decode()
    assert detail(COUNTY) in county_crumbs


# --- scope and errors --------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["maochang", "maochang-a1"])
def test_machang_is_404_for_maochang(username: str) -> None:
    client = client_for(username)
    for url in (
        detail(MACHANG),
        reverse("coverage:gap_list", args=[MACHANG, "stale"]),
        detail(COUNTY),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "马场镇" not in response.content.decode()


@pytest.mark.parametrize("code", ["zzz", "5205211039999", "x" * 300, "猫场镇", "%20"])
def test_bad_grid_codes_get_a_clear_404(code: str) -> None:
    response = client_for("county").get(f"/coverage/{code}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有编码为" in body and "或您无权查看该网格的用人单位" in body
    assert reverse("coverage:coverage_home") in body


def test_unknown_kind_is_404() -> None:
    client = client_for("maochang")
    assert client.get(reverse("coverage:gap_list", args=[MAOCHANG, "rate"])).status_code == 404
    assert client.get(reverse("coverage:gap_list", args=[MAOCHANG, "bogus"])).status_code == 404


@pytest.mark.parametrize("username", ["sysadmin", "secadmin", "auditor"])
def test_roles_without_employer_data_get_404(username: str) -> None:
    client = client_for(username)
    assert client.get(reverse("coverage:coverage_home")).status_code == 404
    assert client.get(detail(MAOCHANG)).status_code == 404


def test_anonymous_is_sent_to_login(client: Client) -> None:
    for url in (reverse("coverage:coverage_home"), detail(MAOCHANG)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_navigation_links_to_coverage() -> None:
    body = client_for("maochang-a1").get("/").content.decode()
    assert reverse("coverage:coverage_home") in body
    assert reverse("coverage:coverage_home") not in client_for("sysadmin").get("/").content.decode()


# --- the gap list -----------------------------------------------------------------------------


def test_the_gap_list_pages_through_every_employer(world: World) -> None:
    for i in range(55):
        employer = make_employer(world.b.code, name=f"覆盖测试翻页{i:02d}有限公司")
        make_snapshot(employer, collected_on=world.today)
    client = client_for("maochang")
    url = reverse("coverage:gap_list", args=[world.b.code, "unregistered_operating"])
    first = client.get(url).content.decode()
    assert 'rel="next"' in first
    ids = employer_ids(client, url)
    expected = set(
        Employer.objects.current()
        .filter(grid_path__under=world.b.path)
        .filter(services.measure_q("unregistered_operating", world.today))
        .values_list("pk", flat=True)
    )
    assert ids == expected and len(ids) == 56


def test_the_gap_list_shows_the_registers_status(world: World) -> None:
    url = reverse("coverage:gap_list", args=[world.a.code, "deregistered_operating"])
    body = client_for("maochang").get(url).content.decode()
    assert "覆盖测试注销仍经营有限公司" in body
    assert "市场监管（工商）（注销）" in body


def test_a_forged_cursor_restarts_at_the_first_page(world: World) -> None:
    url = reverse("coverage:gap_list", args=[world.a.code, "total"]) + "?cursor=bm9wZQ"
    response = client_for("maochang").get(url)
    assert response.status_code == 200
    assert "翻页参数无效" in response.content.decode()


# --- query counts --------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_grids(world: World) -> None:
    client = client_for("county")
    county = _queries(client, detail(COUNTY))  # 40+ townships
    county_villages = _queries(client, detail(COUNTY, depth="2"))  # 390+ villages
    township = _queries(client, detail(MAOCHANG))  # 11 villages
    leaf = _queries(client, detail(world.a.code))  # none
    assert county == county_villages  # 40 rows or 390 rows: the same queries
    assert township == leaf  # 11 rows or none
    assert max(county, township) <= PAGE_QUERIES
    gaps = _queries(client, reverse("coverage:gap_list", args=[COUNTY, "stale"]))
    assert gaps <= PAGE_QUERIES + 2
