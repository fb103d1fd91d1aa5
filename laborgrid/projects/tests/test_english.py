"""The project pages in English show no Chinese except data (names, addresses, notes, legal
citations), as core/tests/test_i18n checks for the other apps' pages."""

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
from laborgrid.projects.models import PaySheet, Project
from laborgrid.projects.tests import i18n_projects
from laborgrid.testing.personas import MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _english(username: str) -> Callable[[], Client]:
    def make() -> Client:
        client = client_for(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _project() -> Project:
    project = Project.objects.filter(grid_path__contains=f"/{MAOCHANG}/").order_by("id").first()
    assert project is not None, "the demo has no project in 猫场镇"
    return project


def _sheet_url() -> str:
    sheet = PaySheet.objects.filter(project=_project()).first()
    assert sheet is not None
    return sheet.get_absolute_url()


def data() -> list[str]:
    strings = set(_data_strings()) | i18n_projects.data_strings()
    return sorted(strings, key=len, reverse=True)


PAGES = [
    (_english("maochang"), "/projects/"),
    (_english("maochang"), "/projects/new/"),
    (_english("maochang"), "/projects/import/"),
    (_english("county"), "/projects/ledger/"),
    (_english("maochang"), lambda: _project().get_absolute_url()),
    (_english("leader"), lambda: _project().get_absolute_url()),
    (_english("maochang"), _sheet_url),
]


@pytest.mark.parametrize(("make_client", "url"), PAGES)
def test_english_project_pages(
    make_client: Callable[[], Client], url: str | Callable[[], str]
) -> None:
    text = _strip_data(_render(make_client, url), data())
    leftovers = _leftovers(CJK, text) + _leftovers(CJK_PUNCTUATION, text)
    assert not leftovers, "Chinese on an English page:\n" + "\n".join(leftovers)
