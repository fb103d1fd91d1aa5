"""The on-site visit form on a phone without network (issue 16 §3): opened online once, reloaded
offline from the service worker's cache, filled with the campaign's checklist and a photo, kept on
the device, sent when the connection returns; the visit is then on the server with its photo."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pytest

from laborgrid.collection.tests.test_browser_collection import phone  # noqa: F401 (fixture)
from laborgrid.grids.tests.test_browser_map import _login, _wait_until

pytestmark = pytest.mark.browser


def _photo() -> str:
    from PIL import Image

    path = os.path.join(tempfile.mkdtemp(), "site.png")
    Image.effect_noise((1800, 1200), 60).convert("RGB").save(path)
    return path


def test_visit_form_queued_offline_and_synced(demo_server: str, phone: Any) -> None:  # noqa: F811
    page = phone
    _login(page, demo_server, "maochang-a1")
    page.context.grant_permissions(["geolocation"], origin=demo_server)
    page.context.set_geolocation({"latitude": 27.14, "longitude": 105.61, "accuracy": 20})
    page.goto(demo_server + "/inspections/visits/new/")
    link = page.locator("a[href*='/inspections/visits/new/'][href*='campaign=']").last
    form_url = demo_server + str(link.get_attribute("href"))
    page.goto(form_url)
    _wait_until(page, "document.getElementById('lg-offline-ready').dataset.ready === '1'", 30)
    name = page.inner_text(".page-title").strip()

    page.context.set_offline(True)
    page.reload()  # from the service worker's cache
    assert page.inner_text(".page-title").strip() == name
    visible = page.locator("[data-lg-list]:not([hidden])")
    assert visible.count() == 1 and visible.get_attribute("data-lg-list") != ""  # the campaign's
    # Switching to the patrol checklist and back works offline (the page carries both).
    page.select_option("#id_campaign", "")
    _wait_until(page, "document.querySelector('[data-lg-list=\"\"]').hidden === false", 5)
    page.select_option("#id_campaign", index=1)
    _wait_until(page, "document.querySelector('[data-lg-list=\"\"]').hidden === true", 5)
    page.select_option("#id_inspector_1", index=1)
    page.select_option("#id_inspector_2", index=2)
    page.locator("[data-lg-list]:not([hidden]) select").first.select_option("violation")
    page.locator("[data-lg-list]:not([hidden]) input[type=text]").first.fill("未签劳动合同（离线）")
    page.set_input_files("#id_photo", _photo())  # compressed on the device
    page.wait_for_timeout(1500)
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-form .alert-info")  # kept on the device
    _wait_until(page, "document.getElementById('lg-queue-count').textContent.trim() === '1'", 10)

    page.context.set_offline(False)  # the 'online' event sends the queue
    _wait_until(page, "document.getElementById('lg-queue-count').textContent.trim() === '0'", 30)
    page.goto(demo_server + "/inspections/visits/?status=recorded")
    page.locator("tr", has_text=name).locator("a").first.click()
    assert "未签劳动合同（离线）" in page.content()
    img = page.locator("img[src*='/inspections/photos/']")
    assert img.count() == 1
    assert (
        page.request.get(demo_server + str(img.get_attribute("src"))).body()[:3] == b"\xff\xd8\xff"
    )
