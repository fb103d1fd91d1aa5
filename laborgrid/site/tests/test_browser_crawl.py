"""Every page as every role (issue 23): sign in as each demo role, on a desktop and on a phone,
follow every link the pages offer (one URL per URL pattern) and fail on what a user should never
meet (``laborgrid.testing.crawl``)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from laborgrid.testing.browser import CHROMIUM_ARGS, chromium_path
from laborgrid.testing.crawl import Crawl

pytestmark = pytest.mark.browser

ROLES = (
    "county",
    "leader",
    "maochang",
    "maochang-a1",
    "machang",
    "sysadmin",
    "secadmin",
    "auditor",
    "xingwang",  # an employer account (the portal, issue 17)
)
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
#: Pages per role and viewport (one per URL pattern in any case).
MAX_PAGES = int(os.environ.get("LABORGRID_CRAWL_PAGES", "60"))


@pytest.fixture(scope="module")
def browser(demo_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill(
        "#id_password", os.environ.get("LABORGRID_DEMO_PASSWORD", settings.LABORGRID_DEMO_PASSWORD)
    )
    page.click("button[type=submit]")
    # Staff land on the workbench; an employer account on its portal.
    page.wait_for_url(re.compile(re.escape(base) + r"/(portal/)?$"))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("username", ROLES)
def test_every_page_as_every_role(
    demo_server: str, browser: Any, username: str, viewport: str
) -> None:
    context = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport])
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, demo_server, username)
        started = time.monotonic()
        crawl = Crawl(
            page,
            demo_server,
            f"{username}/{viewport}",
            phone=viewport == "phone",
            max_pages=MAX_PAGES,
        ).run()
        print(
            f"crawl {username}/{viewport}: {len(crawl.visited)} pages "
            f"in {time.monotonic() - started:.1f}s"
        )
        assert not crawl.problems, "\n".join(crawl.problems)
    finally:
        context.close()


#: What a broken page would offer: a link the leader may not follow (发现新单位 answers the
#: read-only leader 404), developer text, a date the browser rejects, a missing script (a console
#: error) and a block wider than a phone.
BROKEN = (
    '<a href="/collection/employers/new/">发现新单位</a>'
    "<p>详情：{'area': None}</p>"
    '<input type="date" value="2026/12/06" name="broken_date">'
    '<script src="/static/laborgrid/no-such-script.js"></script>'
    '<div style="width:600px">宽</div>'
)


def test_the_crawl_fails_on_a_page_that_offers_a_forbidden_link(
    demo_server: str, browser: Any
) -> None:
    """The crawl can fail: the home page is served with a forbidden link and other faults
    injected (Playwright rewrites the response), and each is reported."""
    context = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"])
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, demo_server, "leader")

        def inject(route: Any) -> None:
            response = route.fetch()
            # first in the page, so the first link the crawl follows
            body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + BROKEN, response.text(), count=1)
            route.fulfill(response=response, body=body)

        page.route(demo_server + "/", inject)
        crawl = Crawl(page, demo_server, "leader/phone", phone=True, max_pages=3).run()
    finally:
        context.close()
    report = "\n".join(crawl.problems)
    assert "/collection/employers/new/ (linked from " in report and "HTTP 404" in report, report
    assert "Python dict" in report and "None/True/False" in report, report
    assert "date input rejected its value: broken_date=2026/12/06" in report, report
    assert "console error" in report, report
    assert "horizontal scrollbar on a phone" in report, report


def test_the_case_list_is_one_card_per_case_on_a_phone(demo_server: str, browser: Any) -> None:
    """Issue 23: seven columns squeezed on a phone. Below md the table stacks (.table-stack):
    no header row, one block per case, each value under its column's name."""
    context = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"])
    try:
        page = context.new_page()
        login(page, demo_server, "maochang")
        page.goto(demo_server + "/cases/")
        layout = page.evaluate(
            """() => {
              const table = document.querySelector('table.table-stack');
              const row = table.querySelector('tbody tr');
              const cell = row.querySelector('td[data-label]');
              return {
                head: getComputedStyle(table.querySelector('thead')).display,
                row: getComputedStyle(row).display,
                label: getComputedStyle(cell, '::before').content,
                wide: row.getBoundingClientRect().width >= window.innerWidth - 40,
              };
            }"""
        )
    finally:
        context.close()
    assert layout["head"] == "none" and layout["row"] == "block" and layout["wide"], layout
    assert layout["label"] not in ("none", "normal", ""), layout
