"""The dashboard as a county leader uses it: figures of the grid this month and last, the map's
data, the children sorted by the chosen figure, drill-down, and every figure linking to the list
that holds exactly what it counts."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laborgrid.cases.choices import OPEN_STATES
from laborgrid.cases.models import Case
from laborgrid.cases.querysets import overdue_q
from laborgrid.grids.models import Grid
from laborgrid.reports import figures as registry
from laborgrid.reports import rollup
from laborgrid.reports.models import FigureValue, RefreshState
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def fresh_count() -> None:
    """Count the county's figures now. The demo's count was made when the test session began:
    by now it may be older than LABORGRID_REPORTS_REFRESH_SECONDS (a view would queue a
    recount), and a session that runs past midnight would show it (as the page does: with its
    time, a recount queued) while the lists count the new day, on which more cases are
    overdue."""
    rollup.refresh(rollup.tree_root(Grid.objects.get(code=COUNTY)))


def card(body: str, key: str) -> tuple[str, str | None]:
    """(text, link) of a figure's card: this month's number."""
    block = body[body.index(f'<div class="card-body" data-figure="{key}">') :]
    block = block[: block.index("</div></div>")]
    m = re.search(r'<a href="([^"]+)" data-this>([^<]*)</a>', block)
    if m:
        return m.group(2).strip(), html.unescape(m.group(1))
    m2 = re.search(r"<span data-this>([^<]*)</span>", block)
    assert m2, key
    return m2.group(1).strip(), None


def table_rows(body: str) -> list[tuple[str, str]]:
    """(grid code, link) of the children's table, in order."""
    tbody = body[body.index('id="dashboard-table"') :]
    tbody = tbody[tbody.index("<tbody>") : tbody.index("</tbody>")]
    return [
        (code, html.unescape(url))
        for code, url in re.findall(r'<tr data-grid="([^"]+)">\s*<td><a href="([^"]+)"', tbody)
    ]


def case_count(body: str) -> int:
    m = re.search(r"(\d+) 件", body)
    assert m
    return int(m.group(1))


def test_leader_drills_down_from_the_county_to_the_overdue_cases() -> None:
    """Done-when: the county leader opens the dashboard, clicks the township with most overdue
    cases down to the cases."""
    fresh_count()
    leader = client_for("leader")
    response = leader.get(reverse("reports:dashboard_home"))
    assert response.status_code == 302
    body = leader.get(response["Location"] + "?figure=cases_overdue").content.decode()
    assert "大方县" in body
    rows = table_rows(body)
    assert len(rows) >= 2
    # The townships come sorted by overdue cases, most first, as the records say.
    counts = {
        g.code: Case.objects.filter(grid_path__under=g.path, state__in=OPEN_STATES)
        .filter(overdue_q())
        .count()
        for g in Grid.objects.filter(parent__code=COUNTY)
    }
    top_code, top_url = rows[0]
    assert counts[top_code] == max(counts.values()) > 0
    # The map gets the same order and values, each area linking to its grid's dashboard.
    found = re.search(
        r'<script id="dashboard-map-data" type="application/json">(.*?)</script>', body, re.S
    )
    assert found is not None
    data = json.loads(found.group(1))
    assert data["items"][0]["code"] == top_code
    assert data["items"][0]["value"] == counts[top_code]
    township = leader.get(top_url).content.decode()
    text, url = card(township, "cases_overdue")
    assert int(text) == counts[top_code]
    assert url is not None
    listing = leader.get(url)
    assert listing.status_code == 200
    assert case_count(listing.content.decode()) == counts[top_code]


def test_every_figure_equals_its_list() -> None:
    """Each card of 猫场镇 links to a list that holds exactly what it counts."""
    fresh_count()
    client = client_for("maochang")
    body = client.get(reverse("reports:dashboard", args=[MAOCHANG])).content.decode()
    checked = 0
    for f in registry.all_figures():
        text, url = card(body, f.key)
        assert url, f.key
        page = client.get(url)
        assert page.status_code == 200, (f.key, url)
        if url.startswith(reverse("cases:case_list")) and f.unit == registry.COUNT:
            assert case_count(page.content.decode()) == int(text.replace(",", "")), f.key
            checked += 1
    assert checked >= 6


def test_sums_of_money_match_the_cases_listed() -> None:
    grid = Grid.objects.get(code=COUNTY)
    closed = Case.objects.filter(grid_path__under=grid.path, closed_on__isnull=False).first()
    assert closed is not None and closed.closed_on is not None
    month = closed.closed_on.replace(day=1)
    from laborgrid.lib import periods

    period = periods.containing(month)
    nodes = rollup.count(grid, period, closed.closed_on)
    expected = sum(
        c.amount_recovered
        for c in Case.objects.filter(
            grid_path__under=grid.path, closed_on__range=(period.start, period.end)
        )
    )
    assert nodes[grid.path].rolled["cases_wages"] == expected


def test_the_table_is_read_not_counted_per_view(settings: object) -> None:
    """After the first count, a view reads the table: a bounded number of queries, whatever the
    number of children; a recount happens only when the count is old."""
    client = client_for("leader")
    url = reverse("reports:dashboard", args=[COUNTY])
    fresh_count()
    assert client.get(url).status_code == 200
    state = RefreshState.objects.get(
        root_path=rollup.tree_root(Grid.objects.get(code=COUNTY)),
        month=rollup.periods.containing(rollup.timezone.localdate()).start,
    )
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 16, [q["sql"][:80] for q in ctx.captured_queries]
    assert RefreshState.objects.get(pk=state.pk).computed_at == state.computed_at


def test_figures_follow_the_records_after_a_refresh() -> None:
    grid = Grid.objects.get(code=MAOCHANG)
    county = Grid.objects.get(code=COUNTY)
    rollup.refresh(rollup.tree_root(county))
    month = rollup.periods.containing(rollup.timezone.localdate()).start
    before = FigureValue.objects.filter(grid=grid, month=month, key="cases_open").first()
    n_before = before.value if before else Decimal(0)
    case = Case.objects.filter(grid_path__under=grid.path, state__in=OPEN_STATES).first()
    assert case is not None
    Case.objects.filter(pk=case.pk).update(state="closed")
    rollup.refresh(rollup.tree_root(county))
    after = FigureValue.objects.get(grid=grid, month=month, key="cases_open").value
    assert after == n_before - 1
    county_value = FigureValue.objects.get(grid=county, month=month, key="cases_open").value
    assert (
        county_value
        == Case.objects.filter(grid_path__under=county.path, state__in=OPEN_STATES).count()
    )


def test_other_township_is_404_and_lists_stay_in_scope() -> None:
    client = client_for("maochang")
    assert client.get(reverse("reports:dashboard", args=[MACHANG])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=[COUNTY])).status_code == 404
    body = client.get(reverse("reports:dashboard", args=[MAOCHANG])).content.decode()
    assert "马场镇" not in body


def test_api_dashboard() -> None:
    client = client_for("leader")
    data = client.get("/api/v1/dashboard", {"grid": COUNTY}).json()
    assert data["grid"]["code"] == COUNTY
    by_key = {f["key"]: f for f in data["figures"]}
    grid = Grid.objects.get(code=COUNTY)
    assert (
        by_key["cases_open"]["value"]
        == Case.objects.filter(grid_path__under=grid.path, state__in=OPEN_STATES).count()
    )
    assert by_key["cases_open"]["url"].startswith("/cases/")
    assert len(data["children"]) == Grid.objects.filter(parent__code=COUNTY, is_active=True).count()
    assert client_for("maochang").get("/api/v1/dashboard", {"grid": MACHANG}).status_code == 404


def test_leader_home_shows_the_widget() -> None:
    body = client_for("leader").get("/").content.decode()
    # The first visit has the count made in the background; a count made, the figures show.
    fresh_count()
    body = client_for("leader").get("/").content.decode()
    assert 'id="report-widget"' in body
    assert 'id="report-widget"' not in client_for("maochang").get("/").content.decode()


def test_employer_figures_follow_the_lists_rules() -> None:
    """The employer figures count what the employer list's flag filters and the coverage lists
    select (their own rules, imported here: a test may cross the layers)."""
    from django.utils import timezone

    from laborgrid.coverage.choices import Measure
    from laborgrid.coverage.services import measure_q
    from laborgrid.employers.filters import flag_q
    from laborgrid.employers.models import Employer
    from laborgrid.lib import periods

    grid = Grid.objects.get(code=MAOCHANG)
    today = timezone.localdate()
    values = rollup.count(grid, periods.containing(today), today)[grid.path].rolled
    base = Employer.objects.current().filter(grid_path__under=grid.path)
    assert values["employers_total"] == base.count() > 0
    assert values["employers_never"] == base.filter(flag_q(["never_collected"])).count()
    for flag in ("arrears", "no_contracts", "below_min_wage", "uninsured"):
        assert values[f"employers_{flag}"] == base.filter(flag_q([flag])).count(), flag
    assert values["employers_fresh"] == base.filter(measure_q(Measure.FRESH, today)).count()
    assert values["employers_stale"] == base.filter(measure_q(Measure.STALE, today)).count()
    coverage = registry.get("employers_coverage")
    assert coverage is not None
    rate = coverage.value_of(values)
    assert rate is not None
    exact = 100 * values["employers_fresh"] / values["employers_total"]
    assert abs(rate - exact) < Decimal("0.06")


def test_an_old_count_is_shown_and_counted_again(django_capture_on_commit_callbacks: Any) -> None:
    """Stale-while-revalidate: an old count is shown with a note, and one recount is queued."""
    from datetime import timedelta

    from django.utils import timezone

    root = rollup.tree_root(Grid.objects.get(code=COUNTY))
    state = rollup.refresh(root)
    RefreshState.objects.filter(pk=state.pk).update(computed_at=timezone.now() - timedelta(hours=1))
    client = client_for("leader")
    url = reverse("reports:dashboard", args=[COUNTY])
    with django_capture_on_commit_callbacks() as callbacks:
        body = client.get(url).content.decode()
        client.get(url)
    assert "正在后台重新统计" in body
    assert len(callbacks) == 1  # the second view finds the recount already on its way


def test_incident_figures_equal_the_incidents_listed() -> None:
    """The county's incident cards link to the incident list filtered to exactly what they count
    (grid subtree, period of occurrence), and the figures are the records' figures."""
    from django.utils import timezone

    from laborgrid.incidents.choices import IncidentStatus
    from laborgrid.incidents.models import Incident
    from laborgrid.lib import periods
    from laborgrid.reports.sources.incidents import bounds

    county = Grid.objects.get(code=COUNTY)
    rollup.refresh(county.path)
    client = client_for("county")
    body = client.get(reverse("reports:dashboard", args=[COUNTY])).content.decode()
    start, end = bounds(periods.containing(timezone.localdate()))
    expected = {
        "incidents_occurred": Incident.objects.filter(
            grid_path__under=county.path, occurred_at__gte=start, occurred_at__lt=end
        ).count(),
        "incidents_active": Incident.objects.filter(grid_path__under=county.path)
        .exclude(status=IncidentStatus.CLOSED)
        .count(),
    }
    assert expected["incidents_active"] > 0, "the demo has incidents being handled"
    for key, count in expected.items():
        text, url = card(body, key)
        assert int(text.replace(",", "")) == count, key
        assert url is not None and url.startswith(reverse("incidents:incident_list"))
        listing = client.get(url).content.decode()
        assert len(set(re.findall(r'href="/incidents/(\d+)/"', listing))) == count, key
