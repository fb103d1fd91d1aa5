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


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("maochang", reverse("employers:employer_create")),
        ("maochang", reverse("collection:round_create")),
        ("county", reverse("employers:minimum_wage_list")),
        ("county", reverse("cases:case_list")),
    ],
)
def test_select_placeholders_are_chinese(username: str, url: str) -> None:
    """Django's "---------" reached officers in every select; they read 请选择."""
    body = client_for(username).get(url).content.decode()
    assert "---------" not in body
    assert "请选择" in body or url == reverse("cases:case_list")


def test_labels_use_full_width_colons() -> None:
    """The case list's filter labels read "搜索:" with an ASCII colon."""
    body = client_for("county").get(reverse("cases:case_list")).content.decode()
    text = re.sub(r"<[^>]+>", " ", body)
    assert not re.search(r"[\u4e00-\u9fff]:(?!\d)", text)
