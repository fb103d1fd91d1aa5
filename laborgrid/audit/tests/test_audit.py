"""The security audit log (安全审计): what is recorded, the hash chain, append-only storage, the
auditor's page and export."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditAction, AuditChainHead, AuditEvent, AuditResult
from laborgrid.audit.services import record, verify_chain
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
AUDIT_URL = "/audit/"
EXPORT_URL = "/audit/export.csv"


def _last(action: str, **filters: Any) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action, **filters).order_by("-id").first()
    assert event is not None, (action, filters)
    return event


def _login(client: Client, username: str, password: str | None = None, **extra: Any) -> Any:
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password or settings.LABORGRID_DEMO_PASSWORD},
        **extra,
    )


# --- What gets recorded ---------------------------------------------------------------------------


def test_login_is_recorded() -> None:
    before = AuditEvent.objects.count()
    start = timezone.now()
    client = Client()
    response = _login(client, "maochang")
    assert response.status_code == 302
    assert client.get("/api/v1/auth/me").json()["username"] == "maochang"  # really signed in
    event = _last(AccountAction.LOGIN)
    assert AuditEvent.objects.count() > before
    assert event.username == "maochang"
    assert event.actor_id == User.objects.get(username="maochang").pk
    assert event.ip == "127.0.0.1"
    assert event.result == AuditResult.SUCCESS
    assert event.at >= start


def test_login_from_another_address_records_that_address() -> None:
    _login(Client(REMOTE_ADDR="192.0.2.10"), "county")
    assert _last(AccountAction.LOGIN, username="county").ip == "192.0.2.10"


def test_client_address_behind_a_trusted_proxy(settings: Any) -> None:
    settings.LABORGRID_TRUSTED_PROXIES = ["10.0.0.1"]
    _login(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1"), "county")
    assert _last(AccountAction.LOGIN, username="county").ip == "203.0.113.5"


def test_forwarded_for_from_an_untrusted_sender_is_ignored(settings: Any) -> None:
    settings.LABORGRID_TRUSTED_PROXIES = ["10.0.0.1"]
    _login(Client(REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="203.0.113.5"), "county")
    assert _last(AccountAction.LOGIN, username="county").ip == "192.0.2.44"


def test_failed_login_is_recorded() -> None:
    response = _login(Client(), "maochang", "Wrong-Pass-123")
    assert response.status_code == 200  # the form again, with an error
    event = _last(AccountAction.LOGIN_FAILED)
    assert event.username == "maochang"
    assert event.result == AuditResult.FAILURE
    assert event.ip == "127.0.0.1"
    assert event.actor_id is None
    assert "Wrong-Pass-123" not in event.canonical()  # the password never reaches the log
    assert not AuditEvent.objects.filter(action=AccountAction.LOGIN, id__gt=event.id).exists()


def test_failed_login_of_unknown_user_is_recorded() -> None:
    _login(Client(), "nobody-here", "Wrong-Pass-123")
    event = _last(AccountAction.LOGIN_FAILED)
    assert event.username == "nobody-here"
    assert event.result == AuditResult.FAILURE


def test_logout_is_recorded() -> None:
    client = Client()
    assert _login(client, "maochang").status_code == 302
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    event = _last(AccountAction.LOGOUT)
    assert event.username == "maochang"
    assert event.actor_id == User.objects.get(username="maochang").pk
    assert event.ip == "127.0.0.1"
    assert event.result == AuditResult.SUCCESS
    assert client.get("/api/v1/auth/me").status_code == 401


def test_anonymous_logout_records_nothing() -> None:
    before = AuditEvent.objects.count()
    Client().post(LOGOUT_URL)
    assert AuditEvent.objects.count() == before


def test_lockout_is_recorded_for_the_login_page() -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "machang", f"Wrong-Pass-{i}!")
    event = _last(AccountAction.LOCKOUT)
    assert event.username == "machang"
    assert event.ip == "198.51.100.7"
    assert event.result == AuditResult.FAILURE
    # the right password no longer signs in from there
    _login(client, "machang")
    assert client.get("/api/v1/auth/me").status_code == 401


# --- The hash chain --------------------------------------------------------------------------------


def test_record_links_to_the_previous_event() -> None:
    previous = AuditEvent.objects.order_by("-id").first()
    assert previous is not None  # the demo seed is audited
    first = record(AccountAction.LOGIN_FAILED, username="chain-1", result=AuditResult.FAILURE)
    second = record(
        AccountAction.LOGIN_FAILED,
        username="chain-2",
        ip="10.0.0.2",
        result=AuditResult.FAILURE,
        detail={"n": 2, "中文": "值"},
    )
    assert first.prev_hash == previous.hash
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64 and second.hash != first.hash
    assert AuditChainHead.objects.get(pk=1).last_hash == second.hash
    for event in (first, second):
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.hash == event.hash
        assert stored.compute_hash() == stored.hash


def test_record_attributes_actor_and_object() -> None:
    user = User.objects.get(username="county")
    event = record(
        AccountAction.USER_UPDATED,
        actor=user,
        obj=user,
        ip="10.0.0.3",
        detail={"phone": ["1", "2"]},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == user.pk
    assert stored.username == "county"
    assert stored.object_type == "accounts.user"
    assert stored.object_id == str(user.pk)
    assert stored.detail == {"phone": ["1", "2"]}


def test_clean_chain_verifies() -> None:
    record(AccountAction.LOGIN_FAILED, username="clean", result=AuditResult.FAILURE)
    assert list(verify_chain()) == []
    assert list(verify_chain(batch=7)) == []  # chunking does not matter
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=io.StringIO())
    assert "审计链完整" in out.getvalue()
    assert str(AuditEvent.objects.count()) in out.getvalue()


def test_events_from_web_requests_verify() -> None:
    client = Client()
    _login(client, "county", "Wrong-Pass-123")
    _login(client, "county")
    client.post(LOGOUT_URL)
    client_for("auditor").get(EXPORT_URL, {"username": "county", "action": "login"})
    assert list(verify_chain()) == []


def test_an_ipv6_client_does_not_break_the_chain() -> None:
    """Regression: ``record`` hashed the address as given, but the database stores the
    normalised form (Django's GenericIPAddressField: ``2001:DB8::1`` → ``2001:db8::1``), so
    ``verify_chain`` later reported the untouched event as modified."""
    _login(Client(REMOTE_ADDR="2001:DB8:0:0:0:0:0:1"), "county")
    event = _last(AccountAction.LOGIN, username="county")
    assert event.ip == "2001:db8::1"
    assert list(verify_chain()) == []


# --- Append-only -----------------------------------------------------------------------------------


def _an_event() -> AuditEvent:
    return record(
        AccountAction.LOGIN_FAILED,
        username="victim",
        result=AuditResult.FAILURE,
        detail={"k": "original"},
    )


def test_database_refuses_update() -> None:
    event = _an_event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail={"k": "forged"})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET username = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail == {"k": "original"}
    assert list(verify_chain()) == []


def test_database_refuses_delete() -> None:
    event = _an_event()
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.count() == count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_database_refuses_truncate() -> None:
    _an_event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()


def test_model_refuses_save_and_delete_of_an_existing_event() -> None:
    event = AuditEvent.objects.get(pk=_an_event().pk)
    event.detail = {"k": "forged"}
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == {"k": "original"}


def _allow_updates() -> None:
    """Switch the UPDATE guard off, inside the test's transaction (DDL is transactional on both
    databases: the rollback at the end of the test restores the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete"
            )
        else:  # pragma: no cover
            pytest.skip(f"no trigger switch for {connection.vendor}")


def _allow_deletes() -> None:
    """Switch the DELETE guard off, inside the test's transaction (see ``_allow_updates``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete"
            )
        else:  # pragma: no cover
            pytest.skip(f"no trigger switch for {connection.vendor}")


def test_deleting_an_event_is_detected() -> None:
    victim = _an_event()
    follower = record(AccountAction.LOGIN_FAILED, username="after", result=AuditResult.FAILURE)
    _allow_deletes()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    problems = [(e.pk, p) for e, p in verify_chain()]
    assert problems == [(follower.pk, "前序哈希不连续（可能有记录被删除或插入）")]
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=io.StringIO())


def test_deleting_the_newest_event_is_detected() -> None:
    """Cutting the tail leaves a consistent chain; the chain head still remembers the last hash."""
    last = _an_event()
    _allow_deletes()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    problems = list(verify_chain())
    assert len(problems) == 1
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=io.StringIO())


def test_tampering_is_detected() -> None:
    victim = _an_event()
    record(AccountAction.LOGIN_FAILED, username="after-victim", result=AuditResult.FAILURE)
    assert list(verify_chain()) == []
    _allow_updates()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"k": "forged"}', victim.pk]
        )
    assert AuditEvent.objects.get(pk=victim.pk).detail == {"k": "forged"}

    problems = list(verify_chain())
    assert [(e.pk, p) for e, p in problems] == [(victim.pk, "内容哈希不符（记录被修改）")]

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处问题"):
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=err)
    assert f"#{victim.pk}" in err.getvalue()


def test_rewriting_the_hash_too_breaks_the_link() -> None:
    """A forger who also recomputes the event's own hash breaks the next event's link."""
    victim = _an_event()
    follower = record(
        AccountAction.LOGIN_FAILED, username="after-victim", result=AuditResult.FAILURE
    )
    forged = AuditEvent.objects.get(pk=victim.pk)
    forged.detail = {"k": "forged"}
    _allow_updates()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET detail = %s, hash = %s WHERE id = %s",
            ['{"k": "forged"}', forged.compute_hash(), victim.pk],
        )
    problems = [(e.pk, p) for e, p in verify_chain()]
    assert problems == [
        (victim.pk, "密钥签名不符（记录被改写后重算了哈希，或密钥不对）"),  # keyed seal (item 2)
        (follower.pk, "前序哈希不连续（可能有记录被删除或插入）"),
    ]
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=io.StringIO())


# --- The auditor's page and export -----------------------------------------------------------------


def test_auditor_lists_events() -> None:
    client = client_for("auditor")  # force_login itself is audited (LOGIN)
    record(
        AccountAction.LOGIN_FAILED, username="list-me", ip="10.1.2.3", result=AuditResult.FAILURE
    )
    response = client.get(AUDIT_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计日志" in body
    assert "list-me" in body
    assert "10.1.2.3" in body
    assert "登录失败" in body
    events = list(response.context["page"])
    assert events and events[0].username == "list-me"  # newest first
    assert len(events) == 100  # paged


def test_auditor_filters_by_action_and_username() -> None:
    record(AccountAction.LOGIN_FAILED, username="filter-alpha", result=AuditResult.FAILURE)
    record(AccountAction.LOGIN, username="filter-alpha")
    record(AccountAction.LOGIN_FAILED, username="filter-beta", result=AuditResult.FAILURE)
    client = client_for("auditor")

    by_action = client.get(AUDIT_URL, {"action": "login_failed"})
    events = list(by_action.context["page"])
    assert events and {e.action for e in events} == {"login_failed"}
    assert {"filter-alpha", "filter-beta"} <= {e.username for e in events}

    by_user = client.get(AUDIT_URL, {"username": "FILTER-alpha"})  # case-insensitive, contains
    events = list(by_user.context["page"])
    assert {e.username for e in events} == {"filter-alpha"}
    assert {e.action for e in events} == {"login", "login_failed"}
    assert "filter-beta" not in by_user.content.decode()

    both = client.get(AUDIT_URL, {"action": "login", "username": "filter"})
    assert [e.username for e in both.context["page"]] == ["filter-alpha"]

    by_result = client.get(AUDIT_URL, {"result": "failure", "username": "filter"})
    assert {e.username for e in by_result.context["page"]} == {"filter-alpha", "filter-beta"}

    nothing = client.get(AUDIT_URL, {"username": "no-such-user-at-all"})
    assert list(nothing.context["page"]) == []
    assert "没有记录" in nothing.content.decode()

    # unknown filter values are ignored rather than failing
    assert client.get(AUDIT_URL, {"action": "bogus", "start": "not-a-date"}).status_code == 200


def test_auditor_filters_by_date() -> None:
    client = client_for("auditor")
    today = timezone.localdate()
    assert list(client.get(AUDIT_URL, {"start": today.isoformat()}).context["page"])
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert list(client.get(AUDIT_URL, {"start": tomorrow}).context["page"]) == []


def test_export_link_keeps_the_filter() -> None:
    """BUG (fails today): audit/views.py builds the export link's query string by joining
    ``k=v`` without URL-encoding, so a filter value containing ``+``, ``&`` or ``#`` changes
    meaning in the export (``a+b`` is exported as ``a b``). Usernames may contain ``+``."""
    response = client_for("auditor").get(AUDIT_URL, {"action": "login", "username": "ops+1"})
    assert response.status_code == 200
    assert response.context["params"]["username"] == "ops+1"
    hrefs = re.findall(r'href="(/audit/export\.csv[^"]*)"', response.content.decode())
    assert len(hrefs) == 1
    export = parse_qs(urlsplit(html.unescape(hrefs[0])).query)
    assert export == {"action": ["login"], "username": ["ops+1"]}


def _export(client: Client, params: dict[str, str] | None = None) -> tuple[Any, str]:
    response: Any = client.get(EXPORT_URL, params or {})
    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content).decode("utf-8")
    return response, content


def test_export_streams_csv_with_bom_and_chinese_header() -> None:
    record(
        AccountAction.LOGIN_FAILED, username="export-me", ip="10.3.3.3", result=AuditResult.FAILURE
    )
    response, content = _export(client_for("auditor"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-') and disposition.endswith('.csv"')
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == [
        "编号",
        "时间",
        "用户名",
        "IP 地址",
        "事件",
        "结果",
        "对象类型",
        "对象",
        "详情",
        "哈希",
    ]
    assert len(rows) - 1 == AuditEvent.objects.count()
    by_user = {r[2]: r for r in rows[1:]}
    row = by_user["export-me"]
    assert row[3] == "10.3.3.3"
    assert row[4] == "登录失败"
    assert row[5] == "失败"
    event = AuditEvent.objects.get(pk=int(row[0]))
    assert row[9] == event.hash
    assert row[1] == timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")


def test_export_is_audited_and_filtered() -> None:
    record(AccountAction.LOGIN_FAILED, username="exp-a", result=AuditResult.FAILURE)
    record(AccountAction.LOGIN, username="exp-a")
    auditor = User.objects.get(username="auditor")
    _, content = _export(client_for("auditor"), {"action": "login_failed", "username": "exp-"})
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))[1:]
    assert [(r[2], r[4]) for r in rows] == [("exp-a", "登录失败")]

    event = _last(AuditAction.AUDIT_EXPORTED)
    assert event.actor_id == auditor.pk
    assert event.username == "auditor"
    assert event.ip == "127.0.0.1"
    assert event.detail["action"] == "login_failed"
    assert event.detail["username"] == "exp-"
    assert list(verify_chain()) == []


def test_export_lists_its_own_audit_event() -> None:
    _, content = _export(client_for("auditor"), {"action": "audit_exported"})
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))[1:]
    assert len(rows) == 1
    assert rows[0][2] == "auditor"
    assert rows[0][4] == "导出审计日志"


@pytest.mark.parametrize(
    "username", ["county", "leader", "maochang", "maochang-a1", "machang", "sysadmin", "secadmin"]
)
def test_others_get_404(username: str) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).count()
    client = client_for(username)
    assert client.get(AUDIT_URL).status_code == 404
    assert client.get(EXPORT_URL).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).count() == before


def test_anonymous_is_sent_to_login() -> None:
    for url in (AUDIT_URL, EXPORT_URL):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)


def test_audit_pages_are_read_only() -> None:
    client = client_for("auditor")
    assert client.post(AUDIT_URL).status_code == 405
    assert client.post(EXPORT_URL).status_code == 405


def test_the_log_page_shows_the_objects_name_and_a_readable_detail() -> None:
    """Issue 23: the log showed "employers.minimumwage 14" and a Python dict."""
    from laborgrid.employers.models import MinimumWage

    wage = MinimumWage.objects.first()
    assert wage is not None
    actor = User.objects.get(username="county")
    record(
        AuditAction.EXPORT_STARTED,
        actor=actor,
        obj=wage,
        detail={
            "before": None,
            "monthly": "1670",
            "confirmed": True,
            "grids": ["a", "b"],
            "role": "grid_officer",
        },
    )
    body = client_for("auditor").get("/audit/").content.decode()
    row = body[body.index(f"最低工资标准 #{wage.pk}") :][:600]
    text = html.unescape(re.sub(r"<[^>]+>", " ", row))
    assert "employers.minimumwage" not in body
    assert "{'" not in text and "None" not in text
    assert "修改前：—" in text and "月最低工资（元）：1670" in text and "是" in text
    assert "a、b" in text
    assert "grid_officer" not in text and "岗位：专职工作人员" in text
