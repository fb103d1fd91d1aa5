"""The grid map in a real browser: sign in as 猫场镇, open the map, drill down by clicking."""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill(
        "#id_password", os.environ.get("LABORGRID_DEMO_PASSWORD", settings.LABORGRID_DEMO_PASSWORD)
    )
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression (page.wait_for_function would need 'unsafe-eval', which the
    Content-Security-Policy rightly refuses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def _click_feature(page: Any, code: str) -> None:
    """Click the on-screen position of a grid's centre (as a person would)."""
    x, y = page.evaluate(
        """(code) => {
            const m = window.laborgridMap, data = m.current();
            const f = data.features.find(f => f.properties.code === code);
            const rect = document.getElementById('grid-map').getBoundingClientRect();
            // a point inside the polygon: the mean of its first ring is good enough for these cells
            const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
            let lng = 0, lat = 0; ring.forEach(p => { lng += p[0]; lat += p[1]; });
            const px = m.chart.convertToPixel({seriesIndex: 0}, [lng / ring.length, lat / ring.length]);
            return [rect.left + px[0], rect.top + px[1]];
        }""",
        code,
    )
    page.mouse.click(x, y)


def test_maochang_opens_the_map_and_drills_into_a_village(demo_server: str, page: Any) -> None:
    _login(page, demo_server, "maochang")
    body = page.content()
    assert "猫场镇" in body and "马场镇" not in body
    page.click("text=网格地图")
    _wait_until(page, "window.laborgridMap && window.laborgridMap.current()")
    data = page.evaluate("window.laborgridMap.current()")
    assert data["grid"]["name"] == "猫场镇"
    assert data["synthetic"] is True
    assert len(data["features"]) == 11
    title = page.evaluate("window.laborgridMap.chart.getOption().title[0].subtext")
    assert title == "示意边界（非真实）"
    page.screenshot(
        path=os.path.join(
            os.environ.get("LABORGRID_SCREENSHOTS", tempfile.gettempdir()), "map-maochang.png"
        )
    )
    village = data["features"][0]["properties"]
    _click_feature(page, village["code"])
    page.wait_for_url(f"{demo_server}/grids/{village['code']}/")
    assert village["name"] in page.content()


def test_county_drills_from_county_to_township(demo_server: str, page: Any) -> None:
    _login(page, demo_server, "county")
    page.goto(demo_server + "/grids/map/")
    _wait_until(page, "window.laborgridMap && window.laborgridMap.current()")
    assert len(page.evaluate("window.laborgridMap.current().features")) == 40
    _click_feature(page, "520521102")
    _wait_until(page, "window.laborgridMap.current().grid.code === '520521102'")
    crumbs = page.inner_text("#map-crumbs")
    assert "大方县" in crumbs and "猫场镇" in crumbs
    with page.expect_download() as download:
        page.click("#map-png")
    assert download.value.suggested_filename.endswith(".png")
    page.click("#map-up")
    _wait_until(page, "window.laborgridMap.current().grid.code === '520521'")


def test_roster_export_runs_in_the_background_worker(demo_server: str, page: Any) -> None:
    _login(page, demo_server, "maochang")
    page.goto(demo_server + "/grids/520521102/")
    page.click("text=导出名册")
    page.wait_for_url(f"{demo_server}/jobs/*/")
    page.wait_for_selector("text=下载", timeout=30000)  # HTMX polls until the worker has finished
    with page.expect_download() as download:
        page.click("#job-progress a.btn-primary")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert "猫场镇" in download.value.suggested_filename
