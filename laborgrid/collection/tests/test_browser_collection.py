"""Field collection in a real (phone-sized) browser: the service worker, the offline queue, sync,
review, and a conflict resolved field by field (issue 5 "Done when")."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest

from laborgrid.grids.tests.test_browser_map import _login, _wait_until
from laborgrid.testing.browser import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.browser

PHONE: Any = {"width": 390, "height": 844}
#: The API answers a conflict with 409 by design; Chrome logs every non-2xx fetch as an error.
EXPECTED = ("status of 409",)


@pytest.fixture
def phone(demo_server: str) -> Iterator[Any]:
    """A phone-sized page (like ``testing.browser.page``: no console or CSP error allowed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
        )
        pg = context.new_page()
        pg.set_default_timeout(15000)
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield pg
            unexpected = [e for e in errors if not any(x in e for x in EXPECTED)]
            assert not unexpected, f"browser console errors: {unexpected}"
        finally:
            context.close()
            browser.close()


def _shot(page: Any, name: str) -> None:
    page.screenshot(
        path=os.path.join(os.environ.get("LABORGRID_SCREENSHOTS", tempfile.gettempdir()), name)
    )


def _open_tasks(page: Any, base: str) -> None:
    """My tasks, with the service worker active and the task forms copied for offline use."""
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation({"latitude": 27.14, "longitude": 105.61, "accuracy": 25})
    page.goto(base + "/collection/my/")
    _wait_until(page, "document.getElementById('lg-offline-ready').dataset.ready === '1'", 30)
    _wait_until(page, "document.body.dataset.formsCached === '1'", 60)
    assert page.locator("#lg-task-list a[data-task]").count() > 0


def _queue_status(page: Any) -> str:
    return str(
        page.evaluate(
            "(document.querySelector('#lg-queue [data-item]') || {dataset: {}}).dataset.status || ''"
        )
    )


def _wait_status(page: Any, status: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while _queue_status(page) != status:
        if time.monotonic() > deadline:
            raise AssertionError(f"queue item never became {status!r} (is {_queue_status(page)!r})")
        page.wait_for_timeout(200)


def _fill_and_save(page: Any, employees: int, contracts: int) -> None:
    page.fill("#id_employees", str(employees))
    page.fill("#id_contracts_signed", str(contracts))
    page.fill("#id_contact_name", "陈德海")
    page.check("#id_contact_confirmed")
    page.click("#lg-save")
    # issue 23: saved, the phone goes back to the task list, which says what was saved
    page.wait_for_url("**/collection/my/")
    page.wait_for_selector("#lg-saved-msg:not(.d-none)")


def _photo_file() -> str:
    """A 2,400 × 1,800 photo-like PNG (the phone shrinks it to a JPEG under 1,600 px)."""
    from PIL import Image

    path = os.path.join(tempfile.mkdtemp(), "licence.png")
    img = Image.effect_noise((2400, 1800), 60).convert("RGB")
    img.save(path)
    return path


def _other_user(page: Any, base: str, username: str) -> Any:
    context = page.context.browser.new_context(locale="zh-CN")
    other = context.new_page()
    other.set_default_timeout(15000)
    _login(other, base, username)
    return other


def test_fill_offline_sync_and_approve(demo_server: str, phone: Any) -> None:
    page = phone
    _login(page, demo_server, "maochang-a1")
    _open_tasks(page, demo_server)
    _shot(page, "collection-my-tasks.png")
    link = page.locator("#lg-task-list a[data-task]").first
    form_url = demo_server + str(link.get_attribute("href"))
    page.goto(form_url)
    employer_id = page.get_attribute("#lg-collect", "data-employer")
    name = page.get_attribute("#lg-collect", "data-employer-name")

    page.context.set_offline(True)
    page.reload()  # served by the service worker from its cache
    assert page.get_attribute("#lg-collect", "data-employer") == employer_id
    page.set_input_files("#lg-photo-licence", _photo_file())  # compressed on the device
    page.wait_for_selector("[data-photo-preview=licence]:not(.d-none)")
    _fill_and_save(page, 58, 51)
    _shot(page, "collection-saved-offline.png")
    assert name and name in page.inner_text("#lg-saved-msg")

    page.goto(form_url)  # still offline: what was saved is on the device
    page.wait_for_selector("#lg-restored:not(.d-none)")
    assert page.input_value("#id_employees") == "58"
    page.goto(demo_server + "/collection/sync/")
    _wait_status(page, "queued")

    page.context.set_offline(False)  # the 'online' event syncs the queue
    _wait_status(page, "synced")
    _shot(page, "collection-synced.png")

    reviewer = _other_user(page, demo_server, "maochang")
    reviewer.goto(demo_server + "/collection/review/")
    reviewer.click(f"text={name}")
    img = reviewer.locator("img[src*='/collection/photos/']")
    assert img.count() == 1  # uploaded on sync
    photo = reviewer.request.get(demo_server + str(img.get_attribute("src")))
    assert photo.headers["content-type"] == "image/jpeg"  # the PNG became a JPEG on the phone
    from io import BytesIO

    from PIL import Image

    assert max(Image.open(BytesIO(photo.body())).size) == 1600
    reviewer.click("button:has-text('审核通过')")
    reviewer.wait_for_url(demo_server + "/collection/review/")
    reviewer.goto(f"{demo_server}/employers/{employer_id}/")
    body = reviewer.content()
    assert "实地采集" in body and "58" in body
    reviewer.context.close()


def test_conflict_is_resolved_field_by_field(demo_server: str, phone: Any) -> None:
    page = phone
    _login(page, demo_server, "maochang-a1")
    _open_tasks(page, demo_server)
    links = page.locator("#lg-task-list a[data-task]")
    form_url = demo_server + str(links.nth(links.count() - 1).get_attribute("href"))
    page.goto(form_url)
    employer_id = page.get_attribute("#lg-collect", "data-employer")

    page.context.set_offline(True)
    page.reload()
    _fill_and_save(page, 40, 40)

    # Meanwhile the squadron records new facts for the same employer.
    office = _other_user(page, demo_server, "maochang")
    office.goto(f"{demo_server}/employers/{employer_id}/snapshots/new/")
    office.fill("#id_employees", "44")
    office.fill("#id_contracts_signed", "39")
    office.click("form.card button[type=submit]")
    office.wait_for_url(f"{demo_server}/employers/{employer_id}/")
    office.context.close()

    page.context.set_offline(False)
    page.goto(demo_server + "/collection/sync/")
    _wait_status(page, "conflict")
    page.click("text=处理冲突")
    rows = page.locator("#lg-conflict-rows tr")
    fields = [rows.nth(i).get_attribute("data-field") for i in range(rows.count())]
    assert "employees" in fields and "contracts_signed" in fields
    page.click("#lg-conflict-apply")  # nothing chosen yet: refused, nothing lost
    page.wait_for_selector("#lg-conflict-error:not(.d-none)")
    page.check("input[name=pick-employees][value=server]")
    page.check("input[name=pick-contracts_signed][value=mine]")
    for f in fields:
        if f not in ("employees", "contracts_signed"):
            page.check(f"input[name=pick-{f}][value=server]")
    _shot(page, "collection-conflict.png")
    page.click("#lg-conflict-apply")
    _wait_status(page, "synced")

    reviewer = _other_user(page, demo_server, "maochang")
    reviewer.goto(demo_server + "/collection/review/")
    reviewer.locator("table a").first.click()
    body = reviewer.content()
    assert "44" in body and "40" in body  # the server's headcount, my contracts
    reviewer.context.close()
