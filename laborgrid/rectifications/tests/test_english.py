"""The order pages in English show no Chinese except data (numbers, items, notes, legal
citations, file names), as core/tests/test_i18n checks for the other apps' pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from laborgrid.core.tests.test_i18n import (
    CJK,
    CJK_PUNCTUATION,
    _data_strings,
    _leftovers,
    _render,
    _strip_data,
)
from laborgrid.rectifications.models import OrderFile, OrderItem, OrderStep, RectificationOrder
from laborgrid.testing.personas import MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _english(username: str) -> Callable[[], Client]:
    def make() -> Client:
        client = client_for(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _order_url(state: str) -> Callable[[], str]:
    def url() -> str:
        order = (
            RectificationOrder.objects.filter(grid_path__contains=f"/{MAOCHANG}/", state=state)
            .order_by("id")
            .first()
        )
        assert order is not None
        return order.get_absolute_url()

    return url


def data() -> list[str]:
    strings = set(_data_strings())
    for field in ("number", "employer_name", "basis", "response_note", "recheck_note"):
        strings.update(RectificationOrder.objects.values_list(field, flat=True))
    for field in ("text", "violated", "result_note"):
        strings.update(OrderItem.objects.values_list(field, flat=True))
    strings.update(OrderFile.objects.values_list("name", flat=True))
    strings.update(OrderStep.objects.values_list("note", flat=True))
    strings.discard("")
    return sorted(strings, key=len, reverse=True)


PAGES = [
    (_english("maochang"), "/rectifications/"),
    (_english("maochang"), "/rectifications/?overdue=on&state=open"),
    (_english("county"), "/rectifications/new/"),
    (_english("county"), _order_url("open")),
    (_english("county"), _order_url("responded")),
    (_english("county"), _order_url("corrected")),
    (_english("county"), _order_url("not_corrected")),
    (_english("maochang-a1"), _order_url("escalated")),
    (_english("maochang"), _order_url("closed")),
]


@pytest.mark.parametrize(("make_client", "url"), PAGES)
def test_english_order_pages(
    make_client: Callable[[], Client], url: str | Callable[[], str]
) -> None:
    text = _strip_data(_render(make_client, url), data())
    leftovers = _leftovers(CJK, text) + _leftovers(CJK_PUNCTUATION, text)
    assert not leftovers, "Chinese on an English page:\n" + "\n".join(leftovers)
