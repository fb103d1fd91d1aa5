"""A crawler for browser tests: sign in as someone, follow every link the pages offer (one URL per
URL pattern) and report what a user should never meet.

Used by ``laborgrid/site/tests/test_browser_crawl.py`` (every demo role, desktop and phone). It is
generic: it knows no app's pages, it reads them from the links the pages offer and dedupes them by
route name (Django's ``resolve()``), so a new app's pages are crawled as soon as a menu or a page
links to them.

What counts as a problem (``check_page``):

- a 4xx/5xx answer to a link a page offered (a forbidden or broken link);
- Django's DEBUG page (technical 404/500);
- a console error or an uncaught exception in the page;
- on a phone, a horizontal scrollbar (``scrollWidth > innerWidth``);
- developer text in a Chinese page: a Python dict or object repr, ``None``/``True``/``False``,
  snake_case identifiers, ``app.model 12`` labels, ``2E+2`` decimals, Django's ``---------``
  select placeholder, an ASCII colon right after Chinese text;
- a date input whose ``value`` attribute the browser rejected (``.value`` empty).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

#: Route names (or their ``namespace:`` prefixes) never followed: leaving the session, and
#: answers that are files rather than pages (these get their status checked, nothing else).
NEVER_FOLLOW = ("accounts:logout", "logout")
FILE_ROUTE = re.compile(
    r"(export|download|template|errors|_file|_letter|photo|service_worker|manifest|^preview$|_data$|"
    r"progress|openapi|api-root)",
    re.I,
)
FILE_PATH = re.compile(r"\.(pdf|xlsx|csv|zip|json|geojson|png|js)$|/api/", re.I)

#: Developer text that must not reach a Chinese page. Conservative: each pattern names something
#: no officer should read. Data (codes, names, numbers) does not match them.
DEVELOPER_TEXT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Python dict", re.compile(r"\{'[^']*':")),
    ("object repr", re.compile(r"<\w+(?:\.\w+)* object( at 0x|\s*\()|\b\w+ object \(\d+\)")),
    ("None/True/False", re.compile(r"(?<![\w.])(None|True|False)(?![\w.])")),
    ("snake_case identifier", re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*_[a-z0-9_]+(?![\w.@/-])")),
    ("app.model label", re.compile(r"\b[a-z]+\.[a-z]+ \d+\b")),
    ("exponent decimal", re.compile(r"\d(?:\.\d+)?E[+-]\d")),
    ("Django placeholder", re.compile(r"-{9}")),
    ("ASCII colon after Chinese", re.compile(r"[\u4e00-\u9fff]:(?!\d)")),
    # Django's and the browser's own English that a missing translation lets through
    (
        "untranslated English",
        re.compile(
            r"\b(This field is required|Enter a valid|Select a valid choice|Ensure this value|"
            r"Page not found|Server Error|Forbidden|Not Found|Previous|Next page|Submit|"
            r"Cancel|Delete|Search|Save|Unknown)\b"
        ),
    ),
)

PAGE_FACTS_JS = """() => {
  const text = document.body ? document.body.innerText : '';
  const options = [...document.querySelectorAll('option')].map(o => o.textContent).join('\\n');
  const links = [...document.querySelectorAll('a[href]')]
    .filter(a => !a.hasAttribute('download'))
    .map(a => ({href: a.href, blank: a.target === '_blank'}));
  const badDates = [...document.querySelectorAll('input[type=date]')]
    .filter(i => i.getAttribute('value') && !i.value)
    .map(i => (i.name || i.id) + '=' + i.getAttribute('value'));
  return {
    lang: document.documentElement.lang || '',
    title: document.title,
    text: text,
    options: options,
    links: links,
    badDates: badDates,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    debug: document.body ? document.body.innerHTML.includes('DEBUG = True') : false,
  };
}"""


def route_of(url: str, base: str) -> str | None:
    """The route name (``namespace:name``, or the pattern) of a same-origin URL, else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return f"unresolved:{parts.path}"
    return match.view_name or match.route


def developer_text(text: str, allow: tuple[str, ...] = ()) -> list[str]:
    """The developer-text findings in a page's visible text (with a little context each)."""
    found = []
    for label, pattern in DEVELOPER_TEXT:
        for m in pattern.finditer(text):
            snippet = text[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ")
            if any(a in snippet for a in allow):
                continue
            found.append(f"{label}: …{snippet}…")
            break
    return found


@dataclass
class Crawl:
    """One signed-in browser context crawling from the home page."""

    page: Any
    base: str
    label: str
    phone: bool = False
    max_pages: int = 40
    allow: tuple[str, ...] = ()
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seen_routes: set[str] = field(default_factory=set)
    console: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.page.on(
            "console", lambda m: self.console.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.console.append(str(exc)))

    def problem(self, url: str, origin: str, what: str) -> None:
        self.problems.append(f"[{self.label}] {url} (linked from {origin}): {what}")

    def check_page(self, url: str, origin: str, follow: bool = True) -> list[tuple[str, bool]]:
        """Open ``url`` and record its problems; answer the links it offers."""
        self.console.clear()
        try:
            response = self.page.goto(url, wait_until="load")
        except Exception as exc:  # a navigation error is a finding like any other
            self.problem(url, origin, f"navigation failed: {str(exc).splitlines()[0]}")
            return []
        self.visited.append(url)
        status = response.status if response else 0
        if status >= 400:
            self.problem(url, origin, f"HTTP {status}")
        facts = self.page.evaluate(PAGE_FACTS_JS)
        if facts["debug"]:
            self.problem(url, origin, "Django DEBUG page")
        # give late scripts (HTMX loads, charts) a moment to log their errors
        self.page.wait_for_timeout(50)
        for message in self.console:
            self.problem(url, origin, f"console error: {message[:200]}")
        # A phone browser zooms out to fit wide content (innerWidth grows with it), so the
        # width is compared with the viewport the page was given as well.
        width = min(facts["innerWidth"], (self.page.viewport_size or {}).get("width", 10**6))
        if self.phone and facts["scrollWidth"] > width:
            self.problem(
                url, origin, f"horizontal scrollbar on a phone ({facts['scrollWidth']} > {width})"
            )
        if facts["lang"].lower().startswith("zh"):
            for finding in developer_text(facts["text"] + "\n" + facts["options"], self.allow):
                self.problem(url, origin, finding)
        for bad in facts["badDates"]:
            self.problem(url, origin, f"date input rejected its value: {bad}")
        if not follow or status >= 400:
            return []
        return [(link["href"], link["blank"]) for link in facts["links"]]

    def check_file(self, url: str, origin: str) -> None:
        """A download or API answer: its status only (never followed)."""
        response = self.page.context.request.get(url, max_redirects=0)
        self.visited.append(url)
        if response.status >= 400:
            self.problem(url, origin, f"HTTP {response.status}")

    def run(self, start: str = "/") -> Crawl:
        queue: list[tuple[str, str, bool]] = [(self.base + start, "sign-in", False)]
        self.seen_routes.add(route_of(self.base + start, self.base) or start)
        while queue and len(self.visited) < self.max_pages:
            url, origin, blank = queue.pop(0)
            links = self.check_page(url, origin, follow=not blank)
            for href, link_blank in links:
                href = urldefrag(href).url
                route = route_of(href, self.base)
                if route is None or route in self.seen_routes:
                    continue
                self.seen_routes.add(route)
                if route in NEVER_FOLLOW or route.endswith(":logout"):
                    continue
                if FILE_ROUTE.search(route.split(":")[-1]) or FILE_PATH.search(urlsplit(href).path):
                    self.check_file(href, url)
                    continue
                queue.append((href, url, link_blank))
        return self
