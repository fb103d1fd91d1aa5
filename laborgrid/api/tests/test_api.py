"""The REST API as a client sees it: tokens, session auth, lockout, grid endpoints, JSON errors.

Personas come from the 大方县 demo seeded once per session (``laborgrid/conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import ApiToken, User
from laborgrid.audit.models import AuditEvent, AuditResult
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"
GRIDS_URL = "/api/v1/grids"
MAOCHANG_PATH = f"520521/{MAOCHANG}/"
# Children of 猫场镇 in laborgrid/grids/data/dafang-520521.csv: 11 villages; no demo park is
# placed there (the parks sit under 顺德街道, 羊场镇 and 黄泥塘镇).
MAOCHANG_VILLAGES = 11


def _password() -> str:
    return settings.LABORGRID_DEMO_PASSWORD


def _obtain(client: Client, username: str, password: str | None = None, **extra: Any) -> Any:
    return client.post(
        TOKEN_URL,
        {"username": username, "password": _password() if password is None else password},
        content_type="application/json",
        **extra,
    )


def _token(username: str = "county") -> str:
    response = _obtain(Client(), username)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _bearer(raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["detail"], body
    return body


# --- Obtaining a token ---------------------------------------------------------------------------


def test_token_is_issued_for_the_right_password() -> None:
    before = timezone.now()
    response = _obtain(Client(), "maochang")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["token"].startswith("lg_")
    assert len(body["token"]) > 30
    assert body["token_type"] == "Bearer"
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    expected = before + dt.timedelta(hours=settings.LABORGRID_API_TOKEN_HOURS)
    assert abs((expires_at - expected).total_seconds()) < 60


def test_wrong_password_is_401_json() -> None:
    body = _assert_json_error(_obtain(Client(), "maochang", "Wrong-Pass-123"), 401)
    assert set(body) == {"detail"}
    assert "token" not in body


def test_unknown_user_is_401_json() -> None:
    _assert_json_error(_obtain(Client(), "no-such-user", "Wrong-Pass-123"), 401)


def test_no_token_while_a_password_change_is_due() -> None:
    User.objects.filter(username="maochang").update(must_change_password=True)
    body = _assert_json_error(_obtain(Client(), "maochang"), 403)
    assert "token" not in body
    assert not ApiToken.objects.filter(user__username="maochang").exists()


def test_token_issue_is_audited() -> None:
    user = User.objects.get(username="maochang")
    raw = _obtain(Client(), "maochang", REMOTE_ADDR="10.20.30.40").json()["token"]
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    event = AuditEvent.objects.filter(action=AccountAction.TOKEN_ISSUED).order_by("-id").first()
    assert event is not None
    assert event.actor_id == user.pk
    assert event.username == "maochang"
    assert event.ip == "10.20.30.40"
    assert event.result == AuditResult.SUCCESS
    assert event.object_type == "accounts.apitoken"
    assert event.object_id == str(token.pk)


def test_only_the_sha256_of_the_token_is_stored() -> None:
    raw = _token("maochang")
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.user.username == "maochang"
    assert token.prefix == raw[:10]  # a short prefix to recognise the token in the list
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored
    assert not any(raw in v for v in stored)
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    # nor does the raw token reach the audit log
    for event in AuditEvent.objects.filter(action=AccountAction.TOKEN_ISSUED):
        assert raw not in event.canonical()


# --- Using a token -------------------------------------------------------------------------------


def test_me_with_bearer_token() -> None:
    raw = _token("maochang")
    response = Client().get(ME_URL, **_bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "maochang"
    assert body["full_name"] == "陈志刚"
    assert body["roles"] == ["squadron_leader"]
    assert body["grids"] == [MAOCHANG]


def test_grids_with_bearer_token() -> None:
    raw = _token("county")
    response = Client().get(GRIDS_URL, {"level": "township"}, **_bearer(raw))
    assert response.status_code == 200
    assert response.json()["count"] == 40


def test_token_use_updates_last_used_at() -> None:
    raw = _token("county")
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.last_used_at is None
    assert Client().get(ME_URL, **_bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_expired_token_is_401() -> None:
    raw = _token("county")
    assert Client().get(ME_URL, **_bearer(raw)).status_code == 200
    ApiToken.objects.filter(key_hash=hashlib.sha256(raw.encode()).hexdigest()).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)
    _assert_json_error(Client().get(GRIDS_URL, **_bearer(raw)), 401)


def test_revoked_token_is_401() -> None:
    raw = _token("county")
    client = Client()
    response = client.delete(TOKEN_URL, **_bearer(raw))
    assert response.status_code == 204
    assert response.content == b""
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(
        action=AccountAction.TOKEN_REVOKED, username="county", object_id=str(token.pk)
    ).exists()
    _assert_json_error(client.get(ME_URL, **_bearer(raw)), 401)
    _assert_json_error(client.delete(TOKEN_URL, **_bearer(raw)), 401)


def test_revoking_one_token_leaves_the_others() -> None:
    first, second = _token("county"), _token("county")
    assert Client().delete(TOKEN_URL, **_bearer(first)).status_code == 204
    assert Client().get(ME_URL, **_bearer(second)).status_code == 200


def test_token_of_a_deactivated_user_is_401() -> None:
    raw = _token("maochang")
    User.objects.filter(username="maochang").update(is_active=False)
    _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)
    _assert_json_error(Client().get(f"{GRIDS_URL}/{MAOCHANG}", **_bearer(raw)), 401)


def test_token_of_an_expired_account_is_401() -> None:
    raw = _token("maochang")
    User.objects.filter(username="maochang").update(
        account_expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lg_this-is-not-a-token",
        "Bearer not-even-prefixed",
        "Bearer ",
        "Token lg_whatever",
        "Basic Y291bnR5OkRhZmFuZ0AyMDI2",
    ],
)
def test_garbage_credentials_are_401(header: str) -> None:
    _assert_json_error(Client().get(ME_URL, HTTP_AUTHORIZATION=header), 401)


def test_token_must_match_exactly() -> None:
    raw = _token("county")
    _assert_json_error(Client().get(ME_URL, **_bearer(raw[:-1])), 401)
    _assert_json_error(Client().get(ME_URL, **_bearer(raw + "x")), 401)


# --- Lockout through the API (django-axes, keyed on username + IP) -----------------------------------


def _fail_five_times(ip: str) -> list[Any]:
    client = Client(REMOTE_ADDR=ip)
    return [
        _obtain(client, "maochang", f"Wrong-Pass-{i}!") for i in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_lockout_refuses_even_the_right_password() -> None:
    responses = _fail_five_times("10.9.8.7")
    for response in responses[:-1]:
        _assert_json_error(response, 401)
    assert responses[-1].status_code != 200  # its shape: test_the_failure_that_locks_answers_json

    locked = _obtain(Client(REMOTE_ADDR="10.9.8.7"), "maochang")
    body = _assert_json_error(locked, 429)
    assert "token" not in body
    assert "锁定" in body["detail"]
    assert not ApiToken.objects.filter(user__username="maochang").exists()

    lockout = AuditEvent.objects.filter(action=AccountAction.LOCKOUT, username="maochang")
    assert lockout.exists()
    event = lockout.order_by("-id").first()
    assert event is not None
    assert event.ip == "10.9.8.7"
    assert event.result == AuditResult.FAILURE
    assert (
        AuditEvent.objects.filter(
            action=AccountAction.LOGIN_FAILED, username="maochang", ip="10.9.8.7"
        ).count()
        >= settings.AXES_FAILURE_LIMIT
    )


def test_lockout_is_keyed_on_username_and_ip() -> None:
    _fail_five_times("10.9.8.7")
    # the same account from another address still gets a token (a stranger cannot lock it out) …
    other = _obtain(Client(REMOTE_ADDR="10.9.8.8"), "maochang")
    assert other.status_code == 200, other.content
    assert other.json()["token"].startswith("lg_")
    # … another account from the locked address too …
    assert _obtain(Client(REMOTE_ADDR="10.9.8.7"), "machang").status_code == 200
    # … while the locked pair stays locked
    _assert_json_error(_obtain(Client(REMOTE_ADDR="10.9.8.7"), "maochang"), 429)


def test_a_token_issued_resets_the_failure_count() -> None:
    """AXES_RESET_ON_SUCCESS holds for the token endpoint as for the login page: after 4 typos
    and a successful token request, one more typo does not lock the account."""
    client = Client(REMOTE_ADDR="10.7.7.7")
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _assert_json_error(_obtain(client, "maochang", f"Wrong-Pass-{i}!"), 401)
    assert _obtain(client, "maochang").status_code == 200
    _assert_json_error(_obtain(client, "maochang", "Wrong-Pass-x!"), 401)
    assert _obtain(client, "maochang").status_code == 200


def test_the_failure_that_locks_answers_json() -> None:
    """The request that trips the lockout gets a JSON error, not django-axes' HTML page.

    Regression: ``request.axes_locked_out`` is set, so
    ``axes.middleware.AxesMiddleware`` replaced the response with the HTML template
    ``accounts/locked_out.html`` (status 429). ``ApiJsonErrorsMiddleware`` now turns that into
    JSON. The tripping attempt and every later one answer 429, like the login page.
    """
    responses = _fail_five_times("10.9.8.6")
    body = _assert_json_error(responses[-1], 429)
    assert "锁定" in body["detail"]
    assert "<html" not in responses[-1].content.decode()


# --- Session authentication ----------------------------------------------------------------------


def test_session_auth_works_for_get() -> None:
    client = client_for("county")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "county"
    assert client.get(GRIDS_URL, {"level": "township"}).json()["count"] == 40


def test_session_of_a_deactivated_user_is_401() -> None:
    client = client_for("maochang")
    User.objects.filter(username="maochang").update(is_active=False)
    _assert_json_error(client.get(ME_URL), 401)


def test_unsafe_method_by_session_needs_csrf() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="county"))
    response = client.delete(TOKEN_URL)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_unsafe_method_by_session_with_csrf_passes_the_check() -> None:
    """Control for the test above: with the CSRF token the session authenticates (and the
    endpoint answers 400 because no bearer token was used)."""
    secret = "a" * 32
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="county"))
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = client.delete(TOKEN_URL, HTTP_X_CSRFTOKEN=secret)
    _assert_json_error(response, 400)


def test_bearer_token_needs_no_csrf() -> None:
    raw = _token("county")
    assert Client(enforce_csrf_checks=True).delete(TOKEN_URL, **_bearer(raw)).status_code == 204


# --- GET /api/v1/grids ---------------------------------------------------------------------------


def test_townships_as_county() -> None:
    body = client_for("county").get(GRIDS_URL, {"level": "township"}).json()
    assert body["count"] == 40
    assert len(body["items"]) == 40
    assert {g["level"] for g in body["items"]} == {"township"}
    assert {g["parent"] for g in body["items"]} == {"520521"}
    assert MAOCHANG in {g["code"] for g in body["items"]}
    assert MACHANG in {g["code"] for g in body["items"]}
    first = body["items"][0]
    assert set(first) >= {
        "code",
        "name",
        "level",
        "parent",
        "path",
        "depth",
        "centroid",
        "boundary_synthetic",
    }
    assert "boundary" not in first  # the list never carries the (large) boundary geometry


def test_grid_item_shape() -> None:
    body = client_for("county").get(GRIDS_URL, {"q": MAOCHANG, "level": "township"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {k: item[k] for k in ("code", "name", "level", "parent", "path", "depth")} == {
        "code": MAOCHANG,
        "name": "猫场镇",
        "level": "township",
        "parent": "520521",
        "path": MAOCHANG_PATH,
        "depth": 1,
    }
    assert item["boundary_synthetic"] is True
    lng, lat = body["items"][0]["centroid"]
    assert 104 < lng < 107 and 26 < lat < 28  # around 大方县


def test_maochang_sees_only_maochang() -> None:
    client = client_for("maochang")
    townships = client.get(GRIDS_URL, {"level": "township"}).json()
    assert townships["count"] == 1
    assert [g["code"] for g in townships["items"]] == [MAOCHANG]

    response = client.get(GRIDS_URL)
    body = response.json()
    assert body["count"] == 1 + MAOCHANG_VILLAGES
    assert all(g["path"].startswith(MAOCHANG_PATH) for g in body["items"])
    assert "马场镇" not in response.content.decode()
    assert MACHANG not in response.content.decode()

    assert client.get(GRIDS_URL, {"parent": MACHANG}).json() == {"count": 0, "items": []}
    assert client.get(GRIDS_URL, {"q": "马场"}).json() == {"count": 0, "items": []}
    assert client.get(GRIDS_URL, {"level": "county"}).json() == {"count": 0, "items": []}


def test_parent_filter() -> None:
    client = client_for("county")
    body = client.get(GRIDS_URL, {"parent": MAOCHANG}).json()
    assert body["count"] == MAOCHANG_VILLAGES
    assert {g["parent"] for g in body["items"]} == {MAOCHANG}
    assert {g["level"] for g in body["items"]} == {"village"}
    assert "520521102002" in {g["code"] for g in body["items"]}
    assert client.get(GRIDS_URL, {"parent": MAOCHANG, "level": "park"}).json()["count"] == 0
    assert client.get(GRIDS_URL, {"parent": MAOCHANG, "level": "village"}).json()["count"] == (
        MAOCHANG_VILLAGES
    )
    # the parks of the demo plan hang under their (assumed) host townships
    parks = client.get(GRIDS_URL, {"level": "park"}).json()
    assert parks["count"] == 3
    assert {g["parent"] for g in parks["items"]} == {"520521002", "520521104", "520521105"}


def test_search() -> None:
    client = client_for("county")
    body = client.get(GRIDS_URL, {"q": "猫场"}).json()
    codes = [g["code"] for g in body["items"]]
    assert MAOCHANG in codes
    assert "520521102002" in codes  # 猫场社区居民委员会
    assert all("猫场" in g["name"] for g in body["items"])
    by_code = client.get(GRIDS_URL, {"q": "5205211020"}).json()
    assert by_code["count"] >= 5
    assert all(g["code"].startswith("5205211020") for g in by_code["items"])
    assert client.get(GRIDS_URL, {"q": "不存在的地名"}).json() == {"count": 0, "items": []}


def test_limit_and_offset_paginate() -> None:
    client = client_for("county")
    everything = client.get(GRIDS_URL, {"level": "village", "limit": "1000"}).json()
    total = everything["count"]
    assert total > 300
    assert len(everything["items"]) == total
    paths = [g["path"] for g in everything["items"]]
    assert paths == sorted(paths)

    first = client.get(GRIDS_URL, {"level": "village", "limit": "5"}).json()
    second = client.get(GRIDS_URL, {"level": "village", "limit": "5", "offset": "5"}).json()
    assert first["count"] == second["count"] == total
    assert [g["code"] for g in first["items"]] == [g["code"] for g in everything["items"][:5]]
    assert [g["code"] for g in second["items"]] == [g["code"] for g in everything["items"][5:10]]

    tail = client.get(GRIDS_URL, {"level": "village", "limit": 5, "offset": total - 2}).json()
    assert len(tail["items"]) == 2
    beyond = client.get(GRIDS_URL, {"level": "village", "offset": total + 10}).json()
    assert beyond == {"count": total, "items": []}

    default = client.get(GRIDS_URL).json()
    assert len(default["items"]) == 100  # the default limit
    assert default["count"] > 100


@pytest.mark.parametrize(
    "params",
    [
        {"level": "bogus"},
        {"limit": 0},
        {"limit": 1001},
        {"limit": "many"},
        {"offset": -1},
    ],
)
def test_invalid_filters_are_422_json(params: dict[str, Any]) -> None:
    body = _assert_json_error(client_for("county").get(GRIDS_URL, params), 422)
    assert body["errors"]


# --- GET /api/v1/grids/{code} --------------------------------------------------------------------


def test_grid_detail_with_staff() -> None:
    response = client_for("maochang").get(f"{GRIDS_URL}/{MAOCHANG}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == MAOCHANG
    assert body["name"] == "猫场镇"
    assert body["children"] == MAOCHANG_VILLAGES
    staff = {s["username"]: s for s in body["staff"]}
    leader = User.objects.get(username="maochang")
    expected = {
        "username": "maochang",
        "name": "陈志刚",
        "role": "squadron_leader",
        "role_label": "中队长",
        "phone": leader.phone,
        "duty": "",
    }
    assert {k: staff["maochang"].get(k) for k in expected} == expected
    assert leader.phone  # the seeded work phone is shown
    assert {"maochang-o1", "maochang-a1", "maochang-a2"} <= set(staff)
    assert staff["maochang-a1"]["role"] == "assistant"
    assert staff["maochang-o1"]["role"] == "grid_officer"
    assert all(s["phone"] for s in body["staff"])
    # only staff of this grid: nobody from 马场镇, and county roles sit on the county grid
    assert not any(u.startswith("machang") for u in staff)
    assert "county" not in staff


def test_grid_detail_hides_inactive_staff() -> None:
    User.objects.filter(username="maochang-a2").update(is_active=False)
    body = client_for("maochang").get(f"{GRIDS_URL}/{MAOCHANG}").json()
    assert "maochang-a2" not in {s["username"] for s in body["staff"]}


def test_grid_detail_of_a_village() -> None:
    body = client_for("maochang-a1").get(f"{GRIDS_URL}/520521102002").json()
    assert body["level"] == "village"
    assert body["parent"] == MAOCHANG
    assert body["children"] == 0
    assert [s["username"] for s in body["staff"]] == ["maochang-a1"]
    assert body["staff"][0]["duty"] == "村（社区）网格信息采集"


def test_unknown_grid_is_404_json() -> None:
    body = _assert_json_error(client_for("county").get(f"{GRIDS_URL}/999999999"), 404)
    assert body == {"detail": "未找到"}


def test_machang_is_404_for_maochang() -> None:
    unknown = client_for("maochang").get(f"{GRIDS_URL}/999999999")
    other = client_for("maochang").get(f"{GRIDS_URL}/{MACHANG}")
    assert _assert_json_error(other, 404) == unknown.json()  # indistinguishable from missing
    assert "马场镇" not in other.content.decode()
    assert client_for("machang").get(f"{GRIDS_URL}/{MACHANG}").status_code == 200
    assert client_for("county").get(f"{GRIDS_URL}/{MACHANG}").status_code == 200


def test_auditor_sees_no_grids() -> None:
    """The 审计管理员 holds only audit.read (三员分立): no grid data through the API either. The grid
    list answers 404 like every work page the 三员 cannot use (issue 21), not an empty list."""
    client = client_for("auditor")
    _assert_json_error(client.get(GRIDS_URL), 404)
    _assert_json_error(client.get(f"{GRIDS_URL}/{MAOCHANG}"), 404)


# --- OpenAPI, errors -----------------------------------------------------------------------------


def test_openapi_schema_is_public() -> None:
    """The schema is served without authentication (django-ninja serves ``openapi.json`` and the
    docs outside the API's auth). That is acceptable: it describes the endpoints and the
    bearer-token scheme, and contains no data; every operation except obtaining a token still
    requires authentication (see ``security`` below and the permission matrix)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert "/api/v1/grids" in schema["paths"]
    assert "/api/v1/grids/{code}" in schema["paths"]
    assert "/api/v1/auth/token" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert schema["paths"]["/api/v1/grids"]["get"]["security"]
    assert not schema["paths"]["/api/v1/auth/token"]["post"].get("security")
    assert "马场镇" not in response.content.decode()


def test_unexpected_exception_is_500_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(grids: Any) -> Any:
        raise RuntimeError("boom: internal secret detail")

    monkeypatch.setattr("laborgrid.grids.api.staff_of", boom)
    client = client_for("county")
    client.raise_request_exception = False
    response = client.get(f"{GRIDS_URL}/{MAOCHANG}")
    body = _assert_json_error(response, 500)
    assert body == {"detail": "服务器内部错误"}
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_unknown_api_path_is_json() -> None:
    """Regression: a path under /api/v1/ that no operation matches got the site's HTML 404 page,
    although api.py promises JSON errors only."""
    response = client_for("county").get("/api/v1/no-such-endpoint")
    _assert_json_error(response, 404)


def test_wrong_method_is_json() -> None:
    """Regression: ninja answers an unsupported method with a text/html ``Method not allowed``
    body; the API must answer JSON (and keep the Allow header)."""
    response = client_for("county").put(GRIDS_URL)
    _assert_json_error(response, 405)
    assert "GET" in response["Allow"]


# --- Query count ---------------------------------------------------------------------------------


def _queries(client: Client, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(GRIDS_URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# measured: session, user, two-factor enrolment check, scope, count, page, then the session save
# (SAVEPOINT, UPDATE, RELEASE; SESSION_SAVE_EVERY_REQUEST) — the same for limit=10 and limit=100
GRID_LIST_QUERIES = 9


def test_grid_list_query_count_is_bounded(django_assert_max_num_queries: Any) -> None:
    client = client_for("county")
    small = _queries(client, {"limit": 10})
    large = _queries(client, {"limit": 100})
    assert small == large, (small, large)
    with django_assert_max_num_queries(GRID_LIST_QUERIES):
        response = client.get(GRIDS_URL, {"limit": 100})
    assert len(response.json()["items"]) == 100


def test_grid_list_query_count_with_token(django_assert_max_num_queries: Any) -> None:
    raw = _token("county")
    client = Client(**_bearer(raw))
    client.get(ME_URL)  # first use stamps last_used_at (one UPDATE a minute at most)
    with CaptureQueriesContext(connection) as small:
        client.get(GRIDS_URL, {"limit": 10})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(GRIDS_URL, {"limit": 1000})
    assert len(response.json()["items"]) > 400


@pytest.mark.parametrize("offset", ["9223372036854775808", "-1", "1000000001"])
def test_an_offset_past_any_list_is_422_not_a_500(offset: str) -> None:
    """Found by the schema fuzzer: 2**63 overflowed ``offset + limit`` in the database."""
    response = client_for("county").get("/api/v1/grids", {"offset": offset})
    assert response.status_code == 422, response.content
    assert client_for("county").get("/api/v1/grids", {"offset": "1000000000"}).status_code == 200
