"""The coverage page in a real browser: the map draws the township's villages coloured by the
chosen measure, with no console or CSP error, and a click opens that village's coverage."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pytest

from laborgrid.grids.tests.test_browser_map import _login, _wait_until

pytestmark = pytest.mark.browser


def _click_area(page: Any, code: str) -> None:
    x, y = page.evaluate(
        """(code) => {
            const m = window.laborgridCoverageMap, shown = m.current();
            const f = shown.features.find(f => f.properties.code === code);
            const rect = document.getElementById('coverage-map').getBoundingClientRect();
            const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
            let lng = 0, lat = 0; ring.forEach(p => { lng += p[0]; lat += p[1]; });
            const px = m.chart.convertToPixel({seriesIndex: 0}, [lng / ring.length, lat / ring.length]);
            return [rect.left + px[0], rect.top + px[1]];
        }""",
        code,
    )
    page.mouse.click(x, y)


def test_maochang_colours_the_villages_by_never_visited_and_drills_down(
    demo_server: str, page: Any
) -> None:
    _login(page, demo_server, "maochang")
    page.click("text=用人单位")
    page.click("text=底数覆盖情况")
    page.wait_for_url(demo_server + "/coverage/")
    _wait_until(page, "window.laborgridCoverageMap && window.laborgridCoverageMap.current()")
    shown = page.evaluate("window.laborgridCoverageMap.current()")
    assert shown["grid"]["name"] == "猫场镇"
    assert len(shown["features"]) == 11
    option = page.evaluate(
        "(() => { const o = window.laborgridCoverageMap.chart.getOption();"
        " return {max: o.visualMap[0].max, n: o.series[0].data.length}; })()"
    )
    assert option == {"max": 100, "n": 11}  # coverage rate in %
    page.click("[aria-label=地图着色指标] >> text=从未采集")
    page.wait_for_url(demo_server + "/coverage/?measure=never")
    _wait_until(page, "window.laborgridCoverageMap && window.laborgridCoverageMap.current()")
    data = page.evaluate("window.laborgridCoverageMap.data")
    assert data["measure"] == "never" and not data["percent"]
    page.screenshot(
        path=os.path.join(
            os.environ.get("LABORGRID_SCREENSHOTS", tempfile.gettempdir()), "coverage-maochang.png"
        )
    )
    village = data["items"][0]
    _click_area(page, village["code"])
    page.wait_for_url(f"{demo_server}/coverage/{village['code']}/?measure=never")
    assert village["name"] in page.content()
