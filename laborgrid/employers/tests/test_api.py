"""``/api/v1/employers`` as an API client sees it: scope, filters, keyset pages, writes through the
services, optimistic locking, duplicates, masked personal numbers and the audited reveal.

Personas and grids come from the 大方县 demo seeded once per session (``laborgrid/conftest.py``);
records are built per test with ``laborgrid.testing.employers``. Both ways of authenticating are
exercised: the browser session (``client_for``) and a bearer token (``issue_token``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.employers.models import Employer, LabourSnapshot, Worker
from laborgrid.testing.employers import (
    make_employer,
    make_ric,
    make_snapshot,
    make_uscc,
    make_worker,
)
from laborgrid.testing.personas import (
    MACHANG,
    MACHANG_VILLAGE,
    MAOCHANG,
    MAOCHANG_VILLAGE,
    client_for,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers"
NOT_FOUND = {"detail": "未找到"}


def token_client(username: str) -> Client:
    raw, _token = issue_token(user=User.objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def walk(client: Client, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a filtered list, following ``next_cursor`` to the end."""
    rows: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        body = ok(client.get(URL, {**params, **({"cursor": cursor} if cursor else {})}))
        rows.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return rows
    raise AssertionError("the cursor never ended")


# --- list ----------------------------------------------------------------------------------------


def test_list_shape_with_session() -> None:
    uscc = make_uscc()
    e = make_employer(
        MAOCHANG_VILLAGE,
        name="贵州列表形状测试有限公司",
        uscc=uscc,
        legal_rep="王五",
        contact_phone="13812345678",
        former_names="旧名一\n旧名二",
        lat=27.1,
        lng=105.6,
        registered_capital="120.5",
        established_on="2015-06-01",
    )
    body = ok(client_for("county").get(URL, {"q": "列表形状"}))
    assert body["count"] == 1
    assert body["count_capped"] is False
    assert body["next_cursor"] is None
    row = body["items"][0]
    assert row["id"] == e.pk
    assert row["uscc"] == uscc
    assert row["org_code"] == uscc[8:17]
    assert row["name"] == "贵州列表形状测试有限公司"
    assert row["former_names"] == ["旧名一", "旧名二"]
    assert row["employer_type"] == "enterprise"
    assert row["industry"] == "C"
    assert row["status"] == "operating"
    assert row["legal_rep"] == "王五"
    assert row["contact_phone"] == "138****5678"
    assert row["grid"] == MAOCHANG_VILLAGE
    assert row["grid_name"]
    assert row["grid_method"] == "manual"
    assert row["lat"] == 27.1
    assert row["established_on"] == "2015-06-01"
    assert float(row["registered_capital"]) == 120.5
    assert row["employees"] == 0
    assert row["last_collected_on"] is None
    assert row["stale"] is True
    assert row["risk_flags"] == []
    assert row["merged_into"] is None
    assert row["version"] == 1
    assert "url" in row
    assert "13812345678" not in json.dumps(body)


def test_list_with_token_filters_and_flags() -> None:
    client = token_client("county")
    a = make_employer(
        MAOCHANG_VILLAGE, name="筛选甲建筑工程有限公司", employer_type="enterprise", industry="E"
    )
    b = make_employer(
        MAOCHANG_VILLAGE,
        name="筛选乙农民专业合作社",
        employer_type="cooperative",
        industry="A",
        status="suspended",
    )
    make_snapshot(a, employees=10, contracts_signed=6)  # no contracts for 4
    make_snapshot(b, employees=5, contracts_signed=5)

    def ids(**params: Any) -> set[int]:
        return {r["id"] for r in ok(client.get(URL, {"q": "筛选", **params}))["items"]}

    assert ids() == {a.pk, b.pk}
    assert ids(employer_type="cooperative") == {b.pk}
    assert ids(industry="E") == {a.pk}
    assert ids(status="suspended") == {b.pk}
    assert ids(flag="no_contracts") == {a.pk}
    assert ids(flag=["no_contracts", "arrears"]) == set()  # flags are ANDed
    assert ids(flag="never_collected") == set()
    assert ids(grid=MAOCHANG) == {a.pk, b.pk}
    row = next(r for r in client.get(URL, {"q": "筛选甲"}).json()["items"])
    assert row["risk_flags"] == ["no_contracts"]
    assert row["employees"] == 10
    assert row["stale"] is False


def test_search_by_short_fragment_and_code_prefix() -> None:
    uscc = make_uscc()
    e = make_employer(MAOCHANG_VILLAGE, name="鑫淼砂石开采有限公司", uscc=uscc)
    client = client_for("maochang")
    assert [r["id"] for r in ok(client.get(URL, {"q": "鑫淼"}))["items"]] == [e.pk]
    assert [r["id"] for r in ok(client.get(URL, {"q": "淼"}))["items"]] == [e.pk]
    assert e.pk in {r["id"] for r in ok(client.get(URL, {"q": uscc[:12].lower()}))["items"]}


@pytest.mark.parametrize("sort", ["name", "-employees", "-id"])
def test_cursor_walk_returns_every_row_once(sort: str) -> None:
    made = []
    for i, n in enumerate("甲乙丙丁戊己庚"):
        e = make_employer(MAOCHANG_VILLAGE, name=f"翻页{n}号测试商店")
        make_snapshot(e, employees=i % 3 + 1, contracts_signed=1)  # ties in -employees
        made.append(e.pk)
    rows = walk(client_for("county"), {"q": "翻页", "sort": sort, "limit": 3})
    assert sorted(r["id"] for r in rows) == sorted(made)
    assert len(rows) == len(made)
    if sort == "name":
        assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)
    elif sort == "-id":
        assert [r["id"] for r in rows] == sorted(made, reverse=True)
    else:
        assert [r["employees"] for r in rows] == sorted(
            (r["employees"] for r in rows), reverse=True
        )


def test_bad_cursor_is_400() -> None:
    client = client_for("county")
    # Crafted cursors: text no database can compare (NUL, a lone surrogate) is refused too.
    crafted = [
        base64.urlsafe_b64encode(json.dumps(["name", v, 1]).encode()).decode()
        for v in ("\x00", "a\ud800")
    ]
    for cursor in ("garbage", "W10=", "!!!", *crafted):
        body = ok(client.get(URL, {"cursor": cursor}), 400)
        assert body["detail"] == "翻页参数无效，请从第一页重新开始。"
    # a cursor of one sort is not valid for another
    for i in range(3):
        make_employer(MAOCHANG_VILLAGE, name=f"游标换序{i}号测试商行")
    first = ok(client.get(URL, {"q": "游标换序", "limit": "1", "sort": "name"}))
    ok(client.get(URL, {"cursor": first["next_cursor"], "sort": "-id"}), 400)


@pytest.mark.parametrize(
    "params",
    [
        {"employer_type": "bogus"},
        {"industry": "Z"},
        {"status": "closed"},
        {"flag": "bogus"},
        {"sort": "address"},
        {"limit": 0},
        {"limit": 201},
        {"limit": "many"},
    ],
)
def test_invalid_filters_are_422(params: dict[str, Any]) -> None:
    body = ok(client_for("county").get(URL, params), 422)
    assert body["detail"]
    assert body["errors"]


def test_scope_maochang_never_sees_machang() -> None:
    mine = make_employer(MAOCHANG_VILLAGE, name="猫场范围测试有限公司")
    theirs = make_employer(MACHANG_VILLAGE, name="马场范围测试有限公司")
    client = token_client("maochang")
    rows = walk(client, {"limit": 200})
    ids = {r["id"] for r in rows}
    assert mine.pk in ids
    assert theirs.pk not in ids
    assert all(r["grid"].startswith(MAOCHANG) for r in rows)
    assert ok(client.get(URL, {"grid": MACHANG})) == {
        "count": 0,
        "count_capped": False,
        "next_cursor": None,
        "items": [],
    }
    assert ok(client.get(URL, {"q": "马场范围"}))["items"] == []
    assert ok(client.get(URL, {"q": theirs.uscc or theirs.name}))["items"] == []
    # the other township's squadron sees it; the county sees both
    assert {r["id"] for r in walk(token_client("machang"), {"q": "范围测试"})} == {theirs.pk}
    assert {r["id"] for r in walk(client_for("county"), {"q": "范围测试"})} == {
        mine.pk,
        theirs.pk,
    }


def test_auditor_sees_no_employers() -> None:
    make_employer(MAOCHANG_VILLAGE)
    auditor = client_for("auditor")
    # 三员分立: no employer data either way — the list is not there for them (404, not an empty
    # 200: issue 21 item 10), and registering one is not even a page for them
    assert ok(auditor.get(URL), 404) == NOT_FOUND
    assert ok(post(auditor, URL, _new()), 404) == NOT_FOUND


def test_anonymous_is_401() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    client = Client()
    for response in (
        client.get(URL),
        client.get(f"{URL}/{e.pk}"),
        post(client, URL, {"name": "x", "employer_type": "enterprise"}),
        patch(client, f"{URL}/{e.pk}", {"version": 1, "name": "x"}),
    ):
        assert ok(response, 401)["detail"]


# Session, user, two-factor check, scope, page, count, then the session save (3 statements).
LIST_QUERIES = 11  # SQLite adds a subtree-size probe and a search-frequency sample


def test_list_query_count_is_bounded(django_assert_max_num_queries: Any) -> None:
    for i in range(12):
        e = make_employer(
            MAOCHANG_VILLAGE, name=f"计数{i}号测试有限公司", contact_phone="13800001111"
        )
        make_snapshot(e)
    client = client_for("county")

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            body = ok(client.get(URL, {"q": "计数", "limit": str(limit)}))
        assert len(body["items"]) == min(limit, 12)
        return len(ctx.captured_queries)

    # A page that holds the whole list skips the count query: never more queries for more rows.
    assert queries(12) <= queries(2)
    with django_assert_max_num_queries(LIST_QUERIES):
        body = ok(client.get(URL, {"limit": "12", "status": "operating", "sort": "-employees"}))
    assert len(body["items"]) == 12
    # a search adds the index's look-up of how common each character is (one per character)
    with django_assert_max_num_queries(LIST_QUERIES + 2):
        client.get(URL, {"q": "计数", "limit": "12", "flag": "stale", "sort": "-employees"})


# --- detail --------------------------------------------------------------------------------------


def test_detail_by_id_and_by_uscc() -> None:
    uscc = make_uscc()
    e = make_employer(MAOCHANG_VILLAGE, name="详情测试酿酒有限公司", uscc=uscc)
    make_snapshot(e, employees=8, contracts_signed=8, collected_on="2025-01-10")
    latest = make_snapshot(e, employees=12, contracts_signed=9)
    client = token_client("maochang")
    body = ok(client.get(f"{URL}/{e.pk}"))
    assert body["id"] == e.pk
    assert body["uscc"] == uscc
    assert body["current"]["id"] == latest.pk
    assert body["current"]["employees"] == 12
    assert body["current"]["contract_rate"] == 0.75
    assert body["sources"][0]["source"] == "manual"
    assert body["sources"][0]["label"]
    for key in (
        uscc,
        uscc.lower(),
        f" {uscc[:6]}-{uscc[6:]} ",
        uscc.translate(_FULL_WIDTH),
        str(e.pk).translate(_FULL_WIDTH),
    ):
        assert ok(client.get(f"{URL}/{key}"))["id"] == e.pk, key


_FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}  # ASCII → full-width forms


def test_detail_without_snapshot() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    body = ok(client_for("county").get(f"{URL}/{e.pk}"))
    assert body["current"] is None
    assert body["stale"] is True


def test_detail_out_of_scope_is_404_like_missing() -> None:
    theirs = make_employer(MACHANG_VILLAGE, uscc=make_uscc())
    client = token_client("maochang")
    assert ok(client.get(f"{URL}/{theirs.pk}"), 404) == NOT_FOUND
    assert ok(client.get(f"{URL}/{theirs.uscc}"), 404) == NOT_FOUND
    assert ok(client.get(f"{URL}/999999999"), 404) == NOT_FOUND
    for path in ("snapshots", "workers"):
        assert ok(client.get(f"{URL}/{theirs.pk}/{path}"), 404) == NOT_FOUND
    assert ok(client_for("machang").get(f"{URL}/{theirs.pk}"))["id"] == theirs.pk


@pytest.mark.parametrize(
    "key",
    ["abc", "٣", "１.5", "12345678901234567890123", "9" * 17, "0", "-1", "1-", "+1", "1.0"],
)
def test_odd_keys_are_404(key: str) -> None:
    assert ok(client_for("county").get(f"{URL}/{key}"), 404) == NOT_FOUND


# --- create --------------------------------------------------------------------------------------


def _new(**extra: Any) -> dict[str, Any]:
    return {"name": "大方县鸿运食品加工有限公司", "employer_type": "enterprise", **extra}


def test_create_201_with_session() -> None:
    uscc = make_uscc()
    body = ok(
        post(
            client_for("maochang"),
            URL,
            _new(
                uscc=uscc.lower(),
                industry="C",
                address="猫场镇猫场社区",
                contact_phone="13987654321",
                former_names=["鸿运食品厂"],
                grid=MAOCHANG_VILLAGE,
                grid_reason="现场核实",
            ),
        ),
        201,
    )
    e = Employer.objects.get(pk=body["id"])
    assert e.uscc == uscc
    assert e.grid.code == MAOCHANG_VILLAGE
    assert e.created_by is not None and e.created_by.username == "maochang"
    assert body["uscc"] == uscc
    assert body["former_names"] == ["鸿运食品厂"]
    assert body["contact_phone"] == "139****4321"
    assert body["grid"] == MAOCHANG_VILLAGE
    assert body["version"] == 1
    assert body["current"] is None
    assert "13987654321" not in json.dumps(body)


def test_create_201_with_token_placed_without_grid() -> None:
    body = ok(post(token_client("maochang"), URL, _new()), 201)
    assert body["grid"].startswith(MAOCHANG)  # the creator's own grid when nothing places it


def test_create_bad_uscc_is_422_naming_the_field() -> None:
    before = Employer.objects.count()
    body = ok(post(client_for("county"), URL, _new(uscc="91520521MA6DXXXX1X")), 422)
    assert set(body["errors"]) == {"uscc"}
    assert "统一社会信用代码" in body["errors"]["uscc"][0]
    assert body["detail"]
    assert Employer.objects.count() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"employer_type": "enterprise"}, "name"),
        ({"name": "某某有限公司"}, "employer_type"),
        ({"name": "某某有限公司", "employer_type": "company"}, "employer_type"),
        (_new(lat=91, lng=105), "lat"),
        (_new(lat=27.0), "lat"),
        (_new(established_on="2999-01-01"), "established_on"),
        (_new(established_on="yesterday"), "established_on"),
        (_new(registered_capital="-5"), "registered_capital"),
        (_new(contact_phone="12345"), "contact_phone"),
        (_new(org_code="123"), "org_code"),
        (_new(unknown_field=1), "unknown_field"),
        (_new(name=""), "name"),
    ],
)
def test_create_invalid_is_422(payload: dict[str, Any], field: str) -> None:
    before = Employer.objects.count()
    body = ok(post(client_for("county"), URL, payload), 422)
    assert field in body["errors"], body
    assert Employer.objects.count() == before


def test_create_bodies_that_are_not_json() -> None:
    client = client_for("county")
    assert ok(client.post(URL, "{not json", content_type="application/json"), 400)["detail"]
    assert ok(client.post(URL, "", content_type="application/json"), 422)["errors"]
    assert ok(post(client, URL, ["a", "list"]), 422)["errors"]
    deep = "[" * 100_000 + "]" * 100_000
    assert ok(client.post(URL, deep, content_type="text/plain"), 400)["detail"]
    huge = json.dumps(_new(business_scope="经营" * 2_000_000))
    # Too large to read: 413 whatever the declared type.
    assert ok(client.post(URL, huge, content_type="text/plain"), 413)["detail"]
    assert ok(client.post(URL, huge, content_type="application/json"), 413)["detail"]
    body = ok(post(client, URL, {"name": "某某有限公司", "employer_type": "x"}), 422)
    assert body["detail"].startswith("employer_type：")


def test_create_in_a_grid_out_of_scope_is_422_on_grid() -> None:
    before = Employer.objects.count()
    client = client_for("maochang")
    for code in (MACHANG_VILLAGE, "999999999"):
        body = ok(post(client, URL, _new(grid=code)), 422)
        assert set(body["errors"]) == {"grid"}
    assert Employer.objects.count() == before


def test_create_duplicate_code_is_409() -> None:
    uscc = make_uscc()
    existing = make_employer(MAOCHANG_VILLAGE, name="已登记重复测试有限公司", uscc=uscc)
    client = client_for("maochang")
    body = ok(post(client, URL, _new(uscc=uscc, confirm_not_duplicate=True)), 409)
    assert "已登记重复测试有限公司" in body["detail"]
    assert body["duplicates"] == [
        {
            "id": existing.pk,
            "name": "已登记重复测试有限公司",
            "reason": "统一社会信用代码相同",
            "hard": True,
            "url": body["duplicates"][0]["url"],
        }
    ]
    assert Employer.objects.filter(uscc=uscc).count() == 1


def test_create_probable_duplicate_needs_confirmation() -> None:
    make_employer(MAOCHANG_VILLAGE, name="大方县鸿运食品加工有限公司")
    client = client_for("maochang")
    body = ok(post(client, URL, _new(grid=MAOCHANG_VILLAGE)), 409)
    assert body["duplicates"][0]["hard"] is False
    assert body["duplicates"][0]["reason"] == "同一县内单位名称相同"
    ok(post(client, URL, _new(grid=MAOCHANG_VILLAGE, confirm_not_duplicate=True)), 201)


def test_duplicate_out_of_scope_is_not_named() -> None:
    uscc = make_uscc()
    theirs = make_employer(MACHANG_VILLAGE, name="马场镇保密名称有限公司", uscc=uscc)
    response = post(client_for("maochang"), URL, _new(uscc=uscc))
    body = ok(response, 409)
    assert body["duplicates"] == [] and body["registered_elsewhere"] is True
    assert "联系县劳动保障监察大队" in body["detail"]
    text = json.dumps(body, ensure_ascii=False)  # the body escapes non-ASCII characters
    assert "保密名称" not in text and "马场镇" not in text and "统一社会信用代码相同" not in text
    assert theirs.name not in text and MACHANG not in text
    # The same answer whichever of the codes matched (the org code inside the USCC here).
    by_org = ok(post(client_for("maochang"), URL, _new(org_code=uscc[8:17])), 409)
    assert by_org == body


def test_a_same_name_employer_of_another_township_is_no_oracle() -> None:
    """Issue 21 item 10: the name check answered 'same name in the county' for 马场镇's employers
    too, so a 猫场镇 user could test names. Now a name only 马场镇 has is answered like a new one."""
    make_employer(MACHANG_VILLAGE, name="马场镇探测名称有限公司")
    body = ok(post(client_for("maochang"), URL, _new(name="马场镇探测名称有限公司")), 201)
    assert body["name"] == "马场镇探测名称有限公司"


# --- patch ---------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent() -> None:
    e = make_employer(
        MAOCHANG_VILLAGE,
        name="局部修改测试有限公司",
        legal_rep="张三",
        address="猫场镇某村",
        contact_phone="13800138000",
    )
    client = token_client("maochang")
    body = ok(patch(client, f"{URL}/{e.pk}", {"version": 1, "legal_rep": "李四"}))
    assert body["legal_rep"] == "李四"
    assert body["version"] == 2
    e.refresh_from_db()
    assert (e.name, e.legal_rep, e.address) == ("局部修改测试有限公司", "李四", "猫场镇某村")
    assert e.contact_phone_masked == "138****8000"
    assert e.version == 2
    assert e.updated_by is not None and e.updated_by.username == "maochang"

    body = ok(
        patch(
            client,
            f"{URL}/{e.uscc or e.pk}",
            {"version": 2, "status": "suspended", "reason": "停业"},
        )
    )
    assert body["status"] == "suspended"
    e.refresh_from_db()
    assert e.legal_rep == "李四"
    latest = e.history.first()
    assert latest is not None and latest.history_change_reason == "停业"


def test_patch_rename_keeps_the_former_name() -> None:
    e = make_employer(MAOCHANG_VILLAGE, name="更名前测试有限公司")
    body = ok(
        patch(client_for("county"), f"{URL}/{e.pk}", {"version": 1, "name": "更名后测试有限公司"})
    )
    assert body["name"] == "更名后测试有限公司"
    assert body["former_names"] == ["更名前测试有限公司"]


def test_patch_with_a_stale_version_is_409_and_changes_nothing() -> None:
    e = make_employer(MAOCHANG_VILLAGE, name="并发修改测试有限公司", legal_rep="甲")
    first = client_for("maochang")
    ok(patch(first, f"{URL}/{e.pk}", {"version": 1, "legal_rep": "乙"}))
    body = ok(
        patch(token_client("county"), f"{URL}/{e.pk}", {"version": 1, "legal_rep": "丙"}), 409
    )
    assert "已被" in body["detail"] and "陈志刚" in body["detail"]  # who saved in between
    assert body["duplicates"] == []
    e.refresh_from_db()
    assert (e.legal_rep, e.version) == ("乙", 2)


def test_patch_needs_the_version() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    body = ok(patch(client_for("county"), f"{URL}/{e.pk}", {"legal_rep": "李四"}), 422)
    assert "version" in body["errors"]
    e.refresh_from_db()
    assert e.version == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"uscc": "123"}, "uscc"),
        ({"name": None}, "name"),
        ({"status": "closed"}, "status"),
        ({"lat": "NaN", "lng": 105}, "lat"),
        ({"nmae": "拼错"}, "nmae"),
        ({"grid": MACHANG_VILLAGE}, "grid"),
        ({"grid": MAOCHANG}, "grid_reason"),  # a manual move needs a reason
    ],
)
def test_patch_invalid_is_422(payload: dict[str, Any], field: str) -> None:
    e = make_employer(MAOCHANG_VILLAGE, name="无效修改测试有限公司")
    body = ok(patch(client_for("maochang"), f"{URL}/{e.pk}", {"version": 1, **payload}), 422)
    assert field in body["errors"], body
    e.refresh_from_db()
    assert (e.version, e.name, e.grid.code) == (1, "无效修改测试有限公司", MAOCHANG_VILLAGE)


def test_patch_moves_the_grid_with_a_reason() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    body = ok(
        patch(
            client_for("maochang"),
            f"{URL}/{e.pk}",
            {"version": 1, "grid": MAOCHANG, "grid_reason": "实际经营地在镇上"},
        )
    )
    assert body["grid"] == MAOCHANG
    assert body["grid_method"] == "manual"
    assert body["grid_note"] == "实际经营地在镇上"


def test_patch_rename_to_a_taken_code_is_409() -> None:
    uscc = make_uscc()
    make_employer(MAOCHANG_VILLAGE, name="代码占用测试有限公司", uscc=uscc)
    e = make_employer(MAOCHANG_VILLAGE, name="代码冲突测试商店")
    body = ok(patch(client_for("county"), f"{URL}/{e.pk}", {"version": 1, "uscc": uscc}), 409)
    assert body["duplicates"][0]["hard"] is True
    e.refresh_from_db()
    assert e.uscc is None and e.version == 1


# --- leader: read-only ---------------------------------------------------------------------------


def test_leader_reads_but_cannot_write() -> None:
    e = make_employer(MAOCHANG_VILLAGE, name="领导只读测试有限公司")
    worker = make_worker(e)
    leader = token_client("leader")
    assert ok(leader.get(f"{URL}/{e.pk}"))["id"] == e.pk
    assert ok(leader.get(f"{URL}/{e.pk}/workers"))["count"] == 1
    counts = (Employer.objects.count(), LabourSnapshot.objects.count(), Worker.objects.count())
    attempts = [
        post(leader, URL, _new(grid=MAOCHANG_VILLAGE)),
        post(leader, URL, {}),  # refused before the body is read
        patch(leader, f"{URL}/{e.pk}", {"version": 1, "name": "改名"}),
        patch(leader, f"{URL}/{e.pk}", {"bogus": True}),
        post(leader, f"{URL}/{e.pk}/snapshots", {"employees": 1, "contracts_signed": 1}),
        post(leader, f"{URL}/{e.pk}/workers", {"name": "张三"}),
        post(leader, f"{URL}/{e.pk}/workers/{worker.pk}/reveal", {"field": "id_number"}),
    ]
    for response in attempts:
        assert ok(response, 403) == {"detail": "无权执行此操作"}
    assert counts == (
        Employer.objects.count(),
        LabourSnapshot.objects.count(),
        Worker.objects.count(),
    )
    e.refresh_from_db()
    assert (e.name, e.version) == ("领导只读测试有限公司", 1)


def test_writes_to_machang_are_404_whatever_the_body() -> None:
    theirs = make_employer(MACHANG_VILLAGE)
    worker = make_worker(theirs)
    client = token_client("maochang")
    for response in (
        patch(client, f"{URL}/{theirs.pk}", {"version": 1, "name": "改名"}),
        patch(client, f"{URL}/{theirs.pk}", {"bogus": True}),
        post(client, f"{URL}/{theirs.pk}/snapshots", {"employees": -1}),
        post(client, f"{URL}/{theirs.pk}/workers", {}),
        post(client, f"{URL}/{theirs.pk}/workers/{worker.pk}/reveal", {"field": "phone"}),
    ):
        assert ok(response, 404) == NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.version == 1


# --- snapshots -----------------------------------------------------------------------------------


def test_record_snapshot_201_and_current_facts() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    body = ok(
        post(
            token_client("maochang"),
            f"{URL}/{e.pk}/snapshots",
            {
                "method": "field_visit",
                "collected_on": "2026-01-15",
                "employees": 20,
                "contracts_signed": 15,
                "insured_pension": 20,
                "insured_medical": 20,
                "insured_injury": 10,
                "arrears": True,
                "arrears_amount": "35000.50",
                "arrears_workers": 4,
                "lowest_monthly_wage": 1500,
            },
        ),
        201,
    )
    assert body["method"] == "field_visit"
    assert body["collector_name"] == "陈志刚"
    assert body["employees"] == 20
    assert body["contract_rate"] == 0.75
    assert body["insurance_rates"]["injury"] == 0.5
    assert body["insurance_rates"]["maternity"] is None
    assert body["withdrawn"] is False
    assert body["arrears_amount"] == "35000.50"
    detail = ok(client_for("maochang").get(f"{URL}/{e.pk}"))
    assert detail["current"]["id"] == body["id"]
    assert detail["employees"] == 20
    assert set(detail["risk_flags"]) >= {"no_contracts", "arrears", "uninsured"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"employees": 5, "contracts_signed": 6}, "contracts_signed"),
        ({"employees": 5, "contracts_signed": 5, "women": 9}, "women"),
        ({"employees": -1, "contracts_signed": 0}, "employees"),
        ({"employees": 5, "contracts_signed": 5, "collected_on": "2999-01-01"}, "collected_on"),
        ({"employees": 5, "contracts_signed": 5, "arrears": True}, "arrears_amount"),
        ({"employees": 5, "contracts_signed": 5, "pay_day": 32}, "pay_day"),
        ({"employees": 5, "contracts_signed": 5, "method": "import"}, "method"),
        ({"employees": 5}, "contracts_signed"),
        ({"employees": "five", "contracts_signed": 5}, "employees"),
        ({"employees": 5, "contracts_signed": 5, "gps_lat": 27.0}, "gps_lat"),
        ({"employees": 5, "contracts_signed": 5, "hours_system": "flexible"}, "hours_approval_no"),
    ],
)
def test_record_snapshot_invalid_is_422(payload: dict[str, Any], field: str) -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    body = ok(post(client_for("maochang"), f"{URL}/{e.pk}/snapshots", payload), 422)
    assert field in body["errors"], body
    assert not LabourSnapshot.objects.filter(employer=e).exists()


def test_snapshots_newest_first_with_withdrawn_marked() -> None:
    from laborgrid.employers import services

    e = make_employer(MAOCHANG_VILLAGE)
    old = make_snapshot(e, collected_on="2024-03-01")
    mid = make_snapshot(e, collected_on="2025-03-01")
    new = make_snapshot(e, collected_on="2025-09-01")
    services.withdraw_snapshot(
        actor=User.objects.get(username="county"), snapshot=new, reason="录入错误"
    )
    body = ok(token_client("maochang").get(f"{URL}/{e.pk}/snapshots"))
    assert body["count"] == 3
    assert [s["id"] for s in body["items"]] == [new.pk, mid.pk, old.pk]
    assert body["items"][0]["withdrawn"] is True
    assert body["items"][0]["withdraw_reason"] == "录入错误"
    assert ok(client_for("county").get(f"{URL}/{e.pk}"))["current"]["id"] == mid.pk


# --- roster and personal numbers -------------------------------------------------------------------


def test_roster_is_masked_and_filtered() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    ric = make_ric(7, birth="19850315")
    here = make_worker(e, name="李四", id_number=ric, phone="13712345678", is_migrant=True)
    gone = make_worker(e, name="王五", left_on="2025-01-01")
    client = token_client("maochang")
    body = ok(client.get(f"{URL}/{e.pk}/workers"))
    assert body["count"] == 1
    row = body["items"][0]
    assert row["id"] == here.pk
    assert row["id_masked"] == ric[:4] + "*" * 10 + ric[-4:]
    assert row["phone_masked"] == "137****5678"
    assert row["birth_year"] == 1985
    assert row["is_migrant"] is True
    assert ric not in json.dumps(body) and "13712345678" not in json.dumps(body)
    everyone = ok(client.get(f"{URL}/{e.pk}/workers", {"current": "false"}))
    assert {w["id"] for w in everyone["items"]} == {here.pk, gone.pk}
    page = ok(
        client.get(f"{URL}/{e.pk}/workers", {"current": "false", "limit": "1", "offset": "1"})
    )
    assert page["count"] == 2 and len(page["items"]) == 1


def test_add_worker_201_masked() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    ric = make_ric(11, birth="19920704")
    response = post(
        client_for("maochang-a1"),
        f"{URL}/{e.pk}/workers",
        {
            "name": "赵六",
            "id_number": ric,
            "phone": "13698765432",
            "started_on": "2024-03-01",
            "contract_term": "fixed",
            "contract_end": "2027-02-28",
        },
    )
    body = ok(response, 201)
    assert ric not in response.content.decode()
    assert "13698765432" not in response.content.decode()
    assert body["id_masked"].startswith(ric[:4]) and "*" in body["id_masked"]
    assert body["gender"] in ("male", "female")  # taken from the ID number
    assert body["birth_year"] == 1992
    assert Worker.objects.get(pk=body["id"]).employer_id == e.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "赵六", "id_number": "BADCHECK", "started_on": "2024-01-01"}, "id_number"),
        ({"name": "赵六", "started_on": "2024-01-01"}, "id_number"),
        ({"name": "赵六", "id_number": "ABC", "started_on": "2024-01-01"}, "id_number"),
        (
            {"name": "赵六", "id_number": "X", "started_on": "2024-01-01", "phone": "110"},
            "id_number",
        ),
        ({"name": "赵六", "id_number": "RIC", "started_on": "2999-01-01"}, "started_on"),
        (
            {
                "name": "赵六",
                "id_number": "RIC",
                "started_on": "2024-01-01",
                "contract_term": "fixed",
            },
            "contract_end",
        ),
        ({"name": "赵六", "id_number": "RIC", "started_on": "2024-01-01", "phone": "123"}, "phone"),
    ],
)
def test_add_worker_invalid_is_422_without_echoing_the_number(
    payload: dict[str, Any], field: str
) -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    if payload.get("id_number") == "RIC":
        payload = {"contract_term": "open_ended", **payload, "id_number": make_ric(21)}
    elif payload.get("id_number") == "BADCHECK":  # a valid number with a wrong check digit
        good = make_ric(22)
        payload = {**payload, "id_number": good[:-1] + ("0" if good[-1] != "0" else "1")}
    response = post(client_for("maochang"), f"{URL}/{e.pk}/workers", payload)
    body = ok(response, 422)
    assert field in body["errors"], body
    if payload.get("id_number"):
        assert payload["id_number"] not in response.content.decode()
    assert not Worker.objects.filter(employer=e).exists()


def test_same_person_twice_is_422() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    ric = make_ric(31)
    make_worker(e, id_number=ric)
    body = ok(
        post(
            client_for("maochang"),
            f"{URL}/{e.pk}/workers",
            {"name": "张三", "id_number": ric, "started_on": "2024-01-01", "contract_term": "none"},
        ),
        422,
    )
    assert "id_number" in body["errors"]


def test_full_numbers_never_appear_in_any_answer() -> None:
    ric = make_ric(41, birth="19880808")
    phone = "13511112222"
    contact = "13933334444"
    client = token_client("maochang")
    created = ok(
        post(
            client,
            URL,
            _new(name="号码脱敏测试有限公司", contact_phone=contact, grid=MAOCHANG_VILLAGE),
        ),
        201,
    )
    key = created["id"]
    responses = [json.dumps(created)]
    worker = post(
        client,
        f"{URL}/{key}/workers",
        {
            "name": "钱七",
            "id_number": ric,
            "phone": phone,
            "started_on": "2020-01-01",
            "contract_term": "open_ended",
        },
    )
    responses.append(worker.content.decode())
    make_snapshot(Employer.objects.get(pk=key))
    for url, params in (
        (URL, {"q": "号码脱敏"}),
        (f"{URL}/{key}", {}),
        (f"{URL}/{key}/workers", {}),
        (f"{URL}/{key}/workers", {"current": "false"}),
        (f"{URL}/{key}/snapshots", {}),
    ):
        response = client.get(url, params)
        ok(response)
        responses.append(response.content.decode())
    responses.append(
        patch(client, f"{URL}/{key}", {"version": 1, "legal_rep": "孙八"}).content.decode()
    )
    for text in responses:
        for number in (ric, phone, contact, ric[6:14]):  # nor the full birth date
            assert number not in text
    assert "139****4444" in responses[0]


def test_reveal_gives_the_number_and_is_audited() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    ric = make_ric(51)
    worker = make_worker(e, id_number=ric, phone="13766667777")
    client = token_client("maochang")
    before = AuditEvent.objects.filter(action=AuditAction.PII_REVEAL).count()
    response = post(
        client,
        f"{URL}/{e.pk}/workers/{worker.pk}/reveal",
        {"field": "id_number", "reason": "核对劳动合同"},
    )
    assert ok(response) == {"value": ric}
    assert response["Cache-Control"] == "no-store"
    phone = post(
        client, f"{URL}/{e.pk}/workers/{worker.pk}/reveal", {"field": "phone", "reason": "联系本人"}
    )
    assert ok(phone) == {"value": "13766667777"}
    events = AuditEvent.objects.filter(action=AuditAction.PII_REVEAL).order_by("-id")
    assert events.count() == before + 2
    event = events[1]
    assert event.username == "maochang"
    assert event.object_id == str(worker.pk)
    assert event.detail["reason"] == "核对劳动合同"
    assert ric not in event.canonical()


def test_reveal_refusals() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    worker = make_worker(e, id_number=make_ric(61))
    url = f"{URL}/{e.pk}/workers/{worker.pk}/reveal"
    before = AuditEvent.objects.filter(action=AuditAction.PII_REVEAL).count()
    # the assistant sees the roster but may not see full numbers
    assistant = token_client("maochang-a1")
    assert ok(assistant.get(f"{URL}/{e.pk}/workers"))["count"] == 1
    assert ok(post(assistant, url, {"field": "id_number", "reason": "想看看"}), 403)["detail"]
    client = client_for("maochang")
    assert "reason" in ok(post(client, url, {"field": "id_number", "reason": " "}), 422)["errors"]
    assert "reason" in ok(post(client, url, {"field": "id_number"}), 422)["errors"]
    assert "field" in ok(post(client, url, {"field": "hukou", "reason": "核对"}), 422)["errors"]
    other = make_worker(make_employer(MAOCHANG_VILLAGE))
    for bad in (other.pk, 999999999, 2**70):
        bad_url = f"{URL}/{e.pk}/workers/{bad}/reveal"
        assert ok(post(client, bad_url, {"field": "id_number", "reason": "核对"}), 404) == NOT_FOUND
    assert AuditEvent.objects.filter(action=AuditAction.PII_REVEAL).count() == before


def test_openapi_documents_every_operation() -> None:
    schema = ok(Client().get("/api/v1/openapi.json"))
    paths = schema["paths"]
    assert set(paths[URL]) == {"get", "post"}
    assert set(paths[URL + "/{key}"]) == {"get", "patch"}
    assert set(paths[URL + "/{key}/snapshots"]) == {"get", "post"}
    assert set(paths[URL + "/{key}/workers"]) == {"get", "post"}
    assert set(paths[URL + "/{key}/workers/{worker_id}/reveal"]) == {"post"}
    body = paths[URL + "/{key}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert "version" in body["required"]
    assert "$ref" not in json.dumps(body)  # inlined: these models are not ninja components
    assert body["properties"]["status"]["anyOf"][0]["enum"][0] == "operating"
