"""The field service worker and the server side of offline forms (``laborgrid.core.offline``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django import forms
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from laborgrid.core import extensions, offline
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_page() -> Iterator[None]:
    def precache(request: HttpRequest) -> list[str]:
        return [f"/example/{request.user.get_username()}/report/"]

    extensions.register_offline_page(
        extensions.OfflinePage("example", (r"^/example/[^/]+/report/$",), precache, ("x/y.js",))
    )
    yield
    extensions._OFFLINE.pop("example")


def _worker(client: Client) -> tuple[str, list[str], list[str]]:
    body = client.get(reverse("core:service_worker")).content.decode()
    patterns = json.loads(re.search(r"var PAGES = (\[.*?\])\.map", body).group(1))  # type: ignore[union-attr]
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))  # type: ignore[union-attr]
    return body, patterns, precache


def test_registered_pages_are_kept_and_named_per_user(extra_page: None) -> None:
    body, patterns, precache = _worker(client_for("maochang-a1"))
    assert "/static/x/y.js" in body  # the page's static files join the shell
    assert any(re.search(p, "/example/maochang-a1/report/") for p in patterns)
    assert "/example/maochang-a1/report/" in precache  # beside the pages apps register
    # Signed out: the same pages are answered network first, but nothing is copied for anyone.
    anonymous, _, nobody = _worker(Client())
    assert nobody == []
    version = re.compile(r'lg-shell-(\w+)"')
    assert version.search(body).group(1) != version.search(anonymous).group(1)  # type: ignore[union-attr]


def test_the_cache_name_changes_with_the_registered_pages(extra_page: None) -> None:
    with_page, _, _ = _worker(Client())
    extensions._OFFLINE.pop("example")
    without, patterns, _ = _worker(Client())
    extensions.register_offline_page(extensions.OfflinePage("example", (r"^/x/$",)))
    assert not any(re.search(p, "/example/a/report/") for p in patterns)
    name = re.compile(r'lg-shell-(\w+)"')
    assert name.search(with_page).group(1) != name.search(without).group(1)  # type: ignore[union-attr]


class _Form(forms.Form):
    employees = forms.IntegerField(label="职工人数", min_value=0)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("整张表的问题")


def test_invalid_answers_422_with_messages_per_field_for_the_script() -> None:
    request = RequestFactory().post("/x/", {"employees": "-1"}, HTTP_X_LG_OFFLINE="1")
    assert offline.is_replay(request)
    form = _Form(request.POST)
    assert not form.is_valid()
    response = offline.render_or_invalid(request, form, "unused.html", {})
    assert response.status_code == 422
    data = json.loads(response.content)
    assert set(data["errors"]) == {"employees", "__all__"}
    assert data["errors"]["__all__"] == ["整张表的问题"]
    assert data["detail"]


def test_done_answers_json_to_the_script_and_a_redirect_to_a_browser() -> None:
    factory = RequestFactory()
    scripted = offline.done(factory.post("/x/", HTTP_X_LG_OFFLINE="1"), "/cases/1/")
    assert json.loads(scripted.content) == {"ok": True, "url": "/cases/1/"}
    plain = offline.done(factory.post("/x/"), "/cases/1/")
    assert plain.status_code == 302 and plain["Location"] == "/cases/1/"
    assert not offline.is_replay(factory.post("/x/", HTTP_X_LG_OFFLINE="yes"))


def test_a_broken_pattern_is_refused_when_the_worker_is_served() -> None:
    extensions.register_offline_page(extensions.OfflinePage("broken", ("^/x/(",)))
    try:
        with pytest.raises(re.error):
            Client(raise_request_exception=True).get(reverse("core:service_worker"))
    finally:
        extensions._OFFLINE.pop("broken")
