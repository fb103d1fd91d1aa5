"""The permission matrix: every URL and API endpoint, by persona (SECURITY.md §4 pattern).

* every URL that exists is classified here — a new, unclassified URL fails ``test_every_url_is_classified``;
* anonymous users are sent to the login page (pages) or get 401 (API);
* a 猫场镇 squadron member gets 404 for anything of 马场镇, on GET and POST alike, and lists never show it;
* the read-only leader cannot write (403 where they can see the object, 404 where they cannot).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from laborgrid.accounts.models import ApiToken, GridAssignment, User
from laborgrid.accounts.services import issue_token
from laborgrid.api.api import api
from laborgrid.audit.models import AuditEvent
from laborgrid.employers.models import Employer, LabourSnapshot, Worker
from laborgrid.grids.models import Grid
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import (
    MACHANG,
    MAOCHANG,
    client_for,
)

pytestmark = pytest.mark.django_db


def _matrix_modules() -> list[ModuleType]:
    """Every installed app's ``tests/matrix_*.py`` (its entries: ``SPECS`` and ``API_SPECS``).
    An app adds its entries by adding such a module; nothing here names the apps."""
    found = []
    for config in apps.get_app_configs():
        tests_dir = Path(config.path) / "tests"
        if not config.name.startswith("laborgrid.") or not tests_dir.is_dir():
            continue
        for info in sorted(pkgutil.iter_modules([str(tests_dir)]), key=lambda m: m.name):
            if info.name.startswith("matrix_"):
                found.append(importlib.import_module(f"{config.name}.tests.{info.name}"))
    return found


MATRIX_MODULES = _matrix_modules()


# kwargs values may be callables (resolved inside the test's transaction)
SPECS: dict[str, Spec] = {}
for _m in MATRIX_MODULES:
    SPECS.update(_m.SPECS)

# API operations: (method, path template) → kwargs for 马场镇 / public / write
API_SPECS: dict[tuple[str, str], Spec] = {}
for _m in MATRIX_MODULES:
    API_SPECS.update(_m.API_SPECS)


def _all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], ns: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "api":  # the API is checked through its OpenAPI schema
                    continue
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(ns + p.name)

    walk(get_resolver().url_patterns)
    return names


def _resolve(kwargs: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (v() if callable(v) else v) for k, v in (kwargs or {}).items()}


def _url(name: str, kwargs: dict[str, Any] | None) -> str:
    return reverse(name, kwargs=_resolve(kwargs))


def _state() -> tuple[int, ...]:
    """A fingerprint of everything a write could touch."""
    return (
        Grid.objects.count(),
        sum(Grid.objects.values_list("depth", flat=True)),
        GridAssignment.objects.current().count(),
        User.objects.filter(is_active=True).count(),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
        len("".join(Grid.objects.values_list("name", flat=True))),
        Employer.objects.count(),
        sum(Employer.objects.values_list("version", flat=True)),
        LabourSnapshot.objects.filter(withdrawn_at__isnull=True).count(),
        Worker.objects.count(),
        Worker.objects.filter(left_on__isnull=True).count(),
    )


def test_every_url_is_classified() -> None:
    assert _all_url_names() == set(SPECS), "classify every URL in the permission matrix"


def test_every_api_operation_is_classified() -> None:
    schema = api.get_openapi_schema()
    ops = {
        (m, "/api/v1" + p.removeprefix("/api/v1"))
        for p, item in schema["paths"].items()
        for m in item
    }
    assert ops == set(API_SPECS)


@pytest.mark.parametrize("name", sorted(n for n, s in SPECS.items() if not s.public))
def test_anonymous_is_sent_to_login(client: Any, name: str) -> None:
    spec = SPECS[name]
    url = _url(name, spec.other or spec.own)
    for method in spec.methods:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith(reverse("accounts:login")), (name, method)


@pytest.mark.parametrize("name", sorted(n for n, s in SPECS.items() if s.other))
def test_maochang_gets_404_for_machang_objects(name: str) -> None:
    spec = SPECS[name]
    url = _url(name, spec.other)
    before = _state()
    for username in ("maochang", "maochang-a1"):
        client = client_for(username)
        for method in spec.methods:
            assert getattr(client, method)(url).status_code == 404, (username, name, method)
    assert _state() == before


@pytest.mark.parametrize(
    "name", sorted(n for n, s in SPECS.items() if not s.public and not s.other)
)
def test_maochang_pages_never_show_machang(name: str) -> None:
    spec = SPECS[name]
    client = client_for("maochang")
    if "get" not in spec.methods:
        return
    response = client.get(reverse(name), spec.lists)
    assert response.status_code in (200, 302, 404), name
    if response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content.decode()
        assert "马场镇" not in body, name
        assert MACHANG not in body, name


@pytest.mark.parametrize("name", sorted(n for n, s in SPECS.items() if s.writes))
def test_leader_cannot_write(name: str) -> None:
    spec = SPECS[name]
    client = client_for("leader")
    url = _url(name, spec.own or spec.other)
    before = _state()
    data = {
        "name": "改名",
        "target": MACHANG,
        "code": "X1",
        "level": "village",
        "grid": MAOCHANG,
        "role": "assistant",
        "valid_from": "2026-01-01",
        "username": "newbie",
        "full_name": "新人",
        "password": "Abcdef!23456",
        "is_active": "on",
    }
    response = client.post(url, data)
    expected = 404 if spec.own is None else 403
    if name.startswith("accounts:"):  # leaders hold neither user.manage nor role.manage
        expected = 404
    assert response.status_code == expected, name
    assert _state() == before


# --- API -----------------------------------------------------------------------------------------


def _api_path(template: str, kwargs: dict[str, Any] | None) -> str:
    return template.format(**_resolve(kwargs))


@pytest.mark.parametrize("op", sorted(k for k, s in API_SPECS.items() if not s.public))
def test_api_anonymous_gets_401_json(client: Any, op: tuple[str, str]) -> None:
    method, template = op
    spec = API_SPECS[op]
    response = getattr(client, method)(_api_path(template, spec.other or spec.own))
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("op", sorted(k for k, s in API_SPECS.items() if s.other))
def test_api_maochang_gets_404_for_machang(op: tuple[str, str]) -> None:
    method, template = op
    raw, _token = issue_token(user=User.objects.get(username="maochang"))
    response = getattr(client_for("maochang").__class__(), method)(
        _api_path(template, API_SPECS[op].other), HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


def test_api_lists_never_show_machang() -> None:
    raw, _token = issue_token(user=User.objects.get(username="maochang"))
    client = client_for("maochang").__class__()
    for (method, template), spec in API_SPECS.items():
        if method != "get" or spec.other or spec.public:
            continue
        response = client.get(template, spec.lists, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200, template
        # The API escapes non-ASCII characters (\uXXXX): compare the decoded document.
        body = json.dumps(response.json(), ensure_ascii=False)
        assert "马场镇" not in body, template
        assert MACHANG not in body, template


def test_audit_log_is_visible_to_the_auditor_only() -> None:
    AuditEvent.objects.count()
    assert client_for("auditor").get(reverse("audit:event_list")).status_code == 200
    for username in ("county", "leader", "sysadmin", "secadmin", "maochang"):
        assert client_for(username).get(reverse("audit:event_list")).status_code == 404, username


@pytest.mark.parametrize(
    "name", sorted(n for n, s in SPECS.items() if s.other and "get" in s.methods)
)
def test_the_machang_objects_exist(name: str) -> None:
    """Guards the 404 tests above: the same URLs answer 200 to someone whose scope covers 马场镇."""
    spec = SPECS[name]
    if spec.owner is not None:  # the employer area: its own account sees it, staff never
        url = _url(name, spec.other)
        assert client_for(spec.owner()).get(url).status_code == 200, name
        assert client_for("county").get(url).status_code == 404, name
        return
    if name.startswith("core:job_"):  # jobs are personal: only their owner sees them
        url = _url(name, spec.other)
        expected = 404 if name == "core:job_download" else 200  # not finished: nothing to download
        assert client_for("machang").get(url).status_code == expected, name
        assert client_for("county").get(url).status_code == 404, name
        return
    superior = "sysadmin" if name.startswith("accounts:") else "county"
    assert client_for(superior).get(_url(name, spec.other)).status_code == 200, name
    assert client_for("machang").get(_url(name, spec.other)).status_code in (
        200,
        # Import batches belong to the county grid: no township user sees them.
        404 if name.startswith(("accounts:", "registers:")) else 200,
    )
