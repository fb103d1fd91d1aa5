"""The worker roster pages (职工名册), the audited reveal and the ID lookup, as the personas use them."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from laborgrid.audit.models import AuditEvent
from laborgrid.employers import services
from laborgrid.employers.models import Employer, Worker
from laborgrid.testing.employers import make_employer, make_ric, make_worker
from laborgrid.testing.personas import MACHANG_VILLAGE, MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db

PHONE = "13812345678"

#: The roster page's query budget whatever the roster's size: 8 for the shell (session, user,
#: second factor, scope, two for the grid switcher, the session save), then the employer, the
#: breadcrumb, the counts, the page rows (and the paginator's count when searching).
ROSTER_MAX_QUERIES = 13


def _roster(employer: Employer) -> str:
    return reverse("employers:roster", args=[employer.pk])


def _reveal(employer: Employer, worker: Worker) -> str:
    return reverse("employers:worker_reveal", args=[employer.pk, worker.pk])


def _text(response: Any) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


def _names(response: Any) -> list[str]:
    return [w.name for w in response.context["page"].object_list]


def _worker_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "王小明",
        "gender": "",
        "id_kind": "ric",
        "id_number": make_ric(301, birth="19900315"),
        "phone": PHONE,
        "hukou_address": "贵州省大方县猫场镇某村",
        "current_address": "大方县猫场镇",
        "employment_form": "full_time",
        "started_on": "2024-03-01",
        "contract_term": "fixed",
        "contract_end": "2027-02-28",
        "left_on": "",
    }
    data.update(overrides)
    return data


# --- add / edit / leave ------------------------------------------------------------------------


def test_county_adds_edits_and_a_worker_leaves() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    client = client_for("county")
    create = reverse("employers:worker_create", args=[employer.pk])
    assert client.get(create).status_code == 200
    number = make_ric(301, birth="19900315")
    response = client.post(create, _worker_post())
    assert response.status_code == 302 and response["Location"] == _roster(employer)
    worker = Worker.objects.get(employer=employer)
    assert worker.name == "王小明" and worker.gender == "male"  # derived from the ID
    assert worker.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert worker.phone_masked == "138****5678"
    index = worker.id_index

    edit = reverse("employers:worker_edit", args=[employer.pk, worker.pk])
    page = client.get(edit).content.decode()
    assert worker.id_masked in page and "留空表示不修改" in page
    assert number not in page and PHONE not in page
    assert re.search(r'name="id_number"(?![^>]*value=)', page)  # the input starts empty

    # Empty number inputs leave the numbers as they are.
    response = client.post(
        edit, _worker_post(id_number="", phone="", current_address="大方县城关镇")
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.current_address == "大方县城关镇"
    assert worker.id_index == index and worker.phone_masked == "138****5678"

    # Leaving is a date on the line; the line stays, under 已离职.
    response = client.post(edit, _worker_post(id_number="", phone="", left_on="2025-06-30"))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert str(worker.left_on) == "2025-06-30"
    assert _names(client.get(_roster(employer))) == []
    left = client.get(_roster(employer), {"status": "left"})
    assert _names(left) == ["王小明"] and "2025-06-30" in _text(left)
    assert _names(client.get(_roster(employer), {"status": "all"})) == ["王小明"]


def test_a_bad_check_digit_is_an_error_on_the_id_field_and_nothing_is_saved() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    good = make_ric(302)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client_for("county").post(
        reverse("employers:worker_create", args=[employer.pk]), _worker_post(id_number=bad)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "id_number" in errors and "校验码" in errors["id_number"][0]
    assert errors["id_number"][0] in response.content.decode()
    assert response.context["form"]["id_number"].label == "证件号码"
    assert bad not in response.content.decode()  # the typed number is not echoed
    assert not Worker.objects.filter(employer=employer).exists()


def test_the_same_current_person_twice_is_refused() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    number = make_ric(303)
    make_worker(employer, id_number=number)
    response = client_for("county").post(
        reverse("employers:worker_create", args=[employer.pk]),
        _worker_post(id_number=number),
    )
    assert response.status_code == 200
    assert "该职工已在本单位名册中" in response.context["form"].errors["id_number"][0]
    assert Worker.objects.filter(employer=employer).count() == 1


def test_changing_the_id_kind_needs_the_number_again() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    worker = make_worker(employer)
    response = client_for("county").post(
        reverse("employers:worker_edit", args=[employer.pk, worker.pk]),
        _worker_post(id_kind="passport", id_number="", phone=""),
    )
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    worker.refresh_from_db()
    assert worker.id_kind == "ric"


# --- the roster table --------------------------------------------------------------------------


def test_roster_shows_masked_numbers_never_the_full_ones() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    number = make_ric(304)
    worker = make_worker(employer, name="李四", id_number=number, phone=PHONE, is_migrant=True)
    for username in ("county", "maochang", "maochang-a1", "leader"):
        body = client_for(username).get(_roster(employer)).content.decode()
        assert worker.id_masked in body and "138****5678" in body, username
        assert number not in body and PHONE not in body, username


def test_roster_counts_filters_search_and_expiry_badge() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    today = timezone.localdate()
    make_worker(
        employer,
        name="赵一",
        contract_term="fixed",
        started_on="2023-01-01",
        contract_end=str(today + timedelta(days=10)),
        is_migrant=True,
    )
    make_worker(employer, name="钱二", started_on="2023-01-01")
    make_worker(employer, name="孙三", started_on="2023-01-01", left_on="2024-01-01")
    client = client_for("maochang")
    response = client.get(_roster(employer))
    assert response.context["counts"] == {
        "total": 3,
        "current": 2,
        "left": 1,
        "migrant": 1,
        "expiring": 1,
        "expired": 0,
    }
    text = _text(response)
    assert "赵一" in text and "钱二" in text and "孙三" not in text
    assert "30天内到期" in text
    searched = _text(client.get(_roster(employer), {"q": "钱", "status": "all"}))
    assert "钱二" in searched and "赵一" not in searched and "孙三" not in searched
    assert "孙三" in _text(client.get(_roster(employer), {"status": "left"}))


def test_roster_buttons_follow_the_capabilities() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    make_worker(employer)
    create = reverse("employers:worker_create", args=[employer.pk])
    reveal = 'action="' + reverse("employers:worker_reveal", args=[employer.pk, 0])[:-9]
    county = client_for("county").get(_roster(employer)).content.decode()
    assert create in county and "导入名册" in county and "查看完整号码" in county
    assert reverse("employers:roster_template") in county and reveal in county
    assistant = client_for("maochang-a1").get(_roster(employer)).content.decode()
    assert create in assistant and "导入名册" in assistant
    assert "查看完整号码" not in assistant and reveal not in assistant
    leader = client_for("leader").get(_roster(employer)).content.decode()
    assert create not in leader and "导入名册" not in leader and "查看完整号码" not in leader


def test_roster_page_query_count_does_not_grow_with_the_roster(
    django_assert_max_num_queries: Any,
) -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    for i in range(30):
        make_worker(employer, name=f"职工{i:02d}", phone=f"1380013{i:04d}")
    client = client_for("maochang")
    client.get(_roster(employer))  # warm the session
    with django_assert_max_num_queries(ROSTER_MAX_QUERIES):
        response = client.get(_roster(employer), {"status": "all"})
    assert response.status_code == 200 and len(response.context["page"].object_list) == 30
    with django_assert_max_num_queries(ROSTER_MAX_QUERIES):
        client.get(_roster(employer), {"q": "职工1"})


# --- reveal ------------------------------------------------------------------------------------


def test_reveal_with_a_reason_shows_the_number_once_and_is_audited() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    number = make_ric(305)
    worker = make_worker(employer, id_number=number, phone=PHONE)
    before = AuditEvent.objects.filter(action="pii_reveal").count()
    response = client_for("maochang").post(
        _reveal(employer, worker), {"field": "id_number", "reason": "核实劳动关系"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(number) == 1
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action="pii_reveal").order_by("-id").first()
    assert AuditEvent.objects.filter(action="pii_reveal").count() == before + 1
    assert event is not None and event.username == "maochang"
    assert event.detail["reason"] == "核实劳动关系" and number not in str(event.detail)
    assert event.object_id == str(worker.pk)

    phone = client_for("county").post(
        _reveal(employer, worker), {"field": "phone", "reason": "电话通知"}
    )
    assert PHONE in phone.content.decode() and number not in phone.content.decode()
    # The roster itself still shows masks only.
    assert number not in client_for("maochang").get(_roster(employer)).content.decode()


def test_reveal_without_a_reason_shows_a_message_and_nothing_else() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    number = make_ric(306)
    worker = make_worker(employer, id_number=number)
    before = AuditEvent.objects.filter(action="pii_reveal").count()
    response = client_for("maochang").post(
        _reveal(employer, worker), {"field": "id_number", "reason": " "}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写查看完整号码的理由" in body and number not in body
    assert AuditEvent.objects.filter(action="pii_reveal").count() == before
    assert client_for("maochang").get(_reveal(employer, worker)).status_code == 405


def test_assistant_and_leader_get_403_on_reveal() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    number = make_ric(307)
    worker = make_worker(employer, id_number=number)
    before = AuditEvent.objects.filter(action="pii_reveal").count()
    for username in ("maochang-a1", "leader"):
        response = client_for(username).post(
            _reveal(employer, worker), {"field": "id_number", "reason": "想看看"}
        )
        assert response.status_code == 403, username
        assert number not in response.content.decode()
    assert AuditEvent.objects.filter(action="pii_reveal").count() == before


# --- gates -------------------------------------------------------------------------------------


def test_leader_cannot_write_the_roster() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    worker = make_worker(employer)
    client = client_for("leader")
    assert client.get(_roster(employer)).status_code == 200
    for url in (
        reverse("employers:worker_create", args=[employer.pk]),
        reverse("employers:worker_edit", args=[employer.pk, worker.pk]),
        reverse("employers:roster_import", args=[employer.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _worker_post()).status_code == 403, url
    assert Worker.objects.filter(employer=employer).count() == 1


def test_maochang_gets_404_on_every_machang_roster_url() -> None:
    employer = make_employer(MACHANG_VILLAGE)
    worker = make_worker(employer)
    urls = [
        ("get", _roster(employer)),
        ("get", reverse("employers:worker_create", args=[employer.pk])),
        ("post", reverse("employers:worker_create", args=[employer.pk])),
        ("get", reverse("employers:worker_edit", args=[employer.pk, worker.pk])),
        ("post", reverse("employers:worker_edit", args=[employer.pk, worker.pk])),
        ("post", _reveal(employer, worker)),
        ("get", reverse("employers:roster_import", args=[employer.pk])),
        ("post", reverse("employers:roster_import", args=[employer.pk])),
    ]
    for username in ("maochang", "maochang-a1"):
        client = client_for(username)
        for method, url in urls:
            response = getattr(client, method)(url, {"field": "id_number", "reason": "理由"})
            assert response.status_code == 404, (username, method, url)
    # A worker of another employer through this employer's URL is 404 too.
    own = make_employer(MAOCHANG_VILLAGE)
    url = reverse("employers:worker_edit", args=[own.pk, worker.pk])
    assert client_for("maochang").get(url).status_code == 404


def test_anonymous_is_sent_to_login() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    client = client_for("county").__class__()
    for url in (
        _roster(employer),
        reverse("employers:worker_lookup"),
        reverse("employers:roster_template"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- lookup ------------------------------------------------------------------------------------


def _lookup(username: str, number: str, kind: str = "ric") -> Any:
    return client_for(username).post(
        reverse("employers:worker_lookup"), {"kind": kind, "number": number}
    )


def test_lookup_finds_the_person_on_the_employers_the_user_may_see() -> None:
    number = make_ric(308, birth="19850520")
    first = make_employer(MAOCHANG_VILLAGE, name="猫场测试甲有限公司")
    second = make_employer(MAOCHANG_VILLAGE, name="猫场测试乙有限公司")
    other = make_employer(MACHANG_VILLAGE, name="马场测试丙有限公司")
    make_worker(first, name="周五", id_number=number, started_on="2020-01-01", left_on="2022-12-31")
    make_worker(second, name="周五", id_number=number, started_on="2023-02-01")
    make_worker(other, name="周五", id_number=number, started_on="2019-01-01")
    make_worker(first, name="别人")  # another person on the same roster

    response = _lookup("maochang", number)
    assert response.status_code == 200
    body = response.content.decode()
    assert "猫场测试甲有限公司" in body and "猫场测试乙有限公司" in body
    assert "马场测试丙有限公司" not in body and "别人" not in body
    assert first.get_absolute_url() in body and "2022-12-31" in body
    assert [w.employer_id for w in response.context["lines"]] == [second.pk, first.pk]
    assert number not in body and services.ids.mask_ric(number) in body
    assert "no-store" in response["Cache-Control"]

    # Typed with full-width digits and spaces: the same person.
    full_width = " ".join(chr(ord(c) + 0xFEE0) for c in number)
    assert len(_lookup("maochang", full_width).context["lines"]) == 2
    # The county sees all three.
    assert len(_lookup("county", number).context["lines"]) == 3
    # No audit event: nothing was revealed.
    assert (
        not AuditEvent.objects.filter(object_id__in=[str(first.pk), str(second.pk)])
        .filter(action="pii_reveal")
        .exists()
    )


def test_lookup_refuses_a_bad_number_without_echoing_it() -> None:
    good = make_ric(309)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = _lookup("maochang", bad)
    assert response.status_code == 200 and response.context["lines"] is None
    assert "number" in response.context["form"].errors
    assert bad not in response.content.decode()
    # The number is never taken from the URL.
    page = client_for("maochang").get(reverse("employers:worker_lookup"), {"number": good})
    assert page.context["lines"] is None and "查询结果" not in page.content.decode()


def test_lookup_other_kinds_and_nothing_found() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    make_worker(employer, id_kind="passport", id_number="E12345678", gender="female")
    found = _lookup("maochang", "e12345678", kind="passport")
    assert len(found.context["lines"]) == 1 and "E12345678" not in found.content.decode()
    assert _lookup("maochang", "E12345678", kind="other").context["lines"] == []
    none = _lookup("maochang", make_ric(310))
    assert none.context["lines"] == [] and "没有找到该证件号码" in none.content.decode()


def test_lookup_needs_work_read() -> None:
    assert client_for("sysadmin").get(reverse("employers:worker_lookup")).status_code == 404
    assert client_for("auditor").post(reverse("employers:worker_lookup")).status_code == 404


# --- the import template -----------------------------------------------------------------------


def test_import_template_is_a_workbook_with_headers_example_and_dropdowns() -> None:
    response: Any = client_for("maochang-a1").get(reverse("employers:roster_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[3]]
    assert headers[:5] == ["序号", "姓名", "性别", "证件类型", "证件号码"]
    assert "用工起始日期" in headers and "劳动合同期限" in headers
    example = [c.value for c in sheet[4]]
    assert example[0] == "示例" and example[1] == "张示例"
    assert str(example[headers.index("证件号码")]).startswith("000000")
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert '"男,女"' in lists and '"全日制,非全日制,劳务派遣,其他"' in lists
    assert '"是,否"' in lists
