"""The collection pages in the English UI test (core/tests/test_i18n), and the Chinese on them
that is data (round names, notes, comments and names people typed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client

from laborgrid.testing.personas import client_for


def _english(username: str) -> Callable[[], Client]:
    def make() -> Client:
        client = client_for(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _round_url(suffix: str = "") -> Callable[[], str]:
    def url() -> str:
        from laborgrid.collection.demo import DEMO_ROUND
        from laborgrid.collection.models import CollectionRound

        return f"/collection/rounds/{CollectionRound.objects.get(name=DEMO_ROUND).pk}/{suffix}"

    return url


def _task_url(suffix: str) -> Callable[[], str]:
    def url() -> str:
        from laborgrid.collection.tests.helpers import task_for

        return f"/collection/tasks/{task_for('maochang-a1').pk}/{suffix}"

    return url


def _submission_url() -> str:
    from laborgrid.collection.tests.helpers import submit, task_for

    sub = submit(
        task_for("maochang-a1"),
        facts={"employees": 10, "contracts_signed": 4, "pay_method": "cash"},
        gps_lat=27.1,
        gps_lng=105.6,
        gps_accuracy=10.0,
    )
    return f"/collection/submissions/{sub.pk}/"


#: (who, client, url, name) — wrapped by test_i18n's ``_page``.
PAGES: list[tuple[str, Callable[[], Client], Any, str | None]] = [
    ("maochang", _english("maochang"), "/collection/", None),
    ("maochang", _english("maochang"), "/collection/rounds/new/", None),
    ("maochang", _english("maochang"), _round_url(), "/collection/rounds/<demo>/"),
    ("maochang", _english("maochang"), "/collection/review/", None),
    ("maochang", _english("maochang"), "/collection/problems/", None),
    ("maochang", _english("maochang"), _submission_url, "/collection/submissions/<id>/"),
    ("maochang", _english("maochang"), _task_url("reassign/"), "/collection/tasks/<id>/reassign/"),
    ("maochang-a1", _english("maochang-a1"), "/collection/my/", None),
    ("maochang-a1", _english("maochang-a1"), "/collection/sync/", None),
    ("maochang-a1", _english("maochang-a1"), "/collection/employers/new/", None),
    ("maochang-a1", _english("maochang-a1"), _task_url("form/"), "/collection/tasks/<id>/form/"),
]


def data_strings() -> set[str]:
    from laborgrid.collection.models import CollectionRound, Submission

    data: set[str] = set()
    for field in ("name", "note"):
        data.update(CollectionRound.objects.values_list(field, flat=True))
    for field in ("contact_name", "outcome_note", "review_comment"):
        data.update(Submission.objects.values_list(field, flat=True))
    data.discard("")
    return data
