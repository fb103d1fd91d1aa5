"""The 三员 hold no employer data rights: lists of employer data answer 404 to them, as a page about
one object does, not an empty 200 that says the list exists (issue 21 item 10)."""

from __future__ import annotations

import pytest

from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

ADMINS = ("sysadmin", "secadmin", "auditor")
WORK_LISTS = (
    "/registers/",
    "/registers/review/",
    "/registers/unassigned/",
    "/employers/",
    "/api/v1/employers",
)


@pytest.mark.parametrize("username", ADMINS)
def test_work_lists_answer_404_to_the_three_administrators(username: str) -> None:
    client = client_for(username)
    for path in WORK_LISTS:
        assert client.get(path).status_code == 404, (username, path)
    grids = client.get("/api/v1/grids").status_code
    assert grids == (404 if username == "auditor" else 200)  # the auditor has no grid.read


def test_the_same_lists_answer_200_to_the_county() -> None:
    client = client_for("county")
    for path in WORK_LISTS:
        assert client.get(path).status_code == 200, path
