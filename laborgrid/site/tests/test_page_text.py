"""What officers read on the pages (issue 23): no developer text, placeholders and dates that the
browser understands. The browser crawl (test_browser_crawl.py) checks every page; these tests pin
each fix on the page where it was found, without a browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

DATE_INPUT = re.compile(r'<input type="date"[^>]*\bvalue="([^"]*)"')


def test_date_inputs_carry_iso_values_the_browser_accepts() -> None:
    """zh-Hans rendered 2026/12/06, which <input type="date"> rejects (the field showed empty)."""
    body = client_for("maochang").get(reverse("cases:case_create")).content.decode()
    values = DATE_INPUT.findall(body)
    assert values, "the complaint form has a date input with today's date"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values), values
