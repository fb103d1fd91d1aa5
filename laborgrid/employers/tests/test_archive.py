"""The electronic archive page (电子档案) and the contact-phone reveal, as the personas use them."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.employers import services
from laborgrid.employers.models import INSURANCE_KINDS, Employer, MinimumWage
from laborgrid.employers.views.archive import _INSURANCE_LABELS
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import make_employer, make_snapshot, make_uscc, make_worker
from laborgrid.testing.personas import (
    MACHANG_VILLAGE,
    MAOCHANG,
    MAOCHANG_VILLAGE,
    client_for,
)

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
SHANGHAI = ZoneInfo("Asia/Shanghai")


#: The archive's query budget, whatever the number of snapshots, workers and history rows: the
#: page's own queries, plus up to two per timeline source the apps register (cases, visits,
#: orders, grades...). It grows with the kinds of record, never with their number.
def _archive_max_queries() -> int:
    from laborgrid.employers.timeline import _SOURCES

    return 15 + 2 * len(_SOURCES)


def _url(employer: Employer, **params: str) -> str:
    url = reverse("employers:employer_detail", args=[employer.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _reveal_url(employer: Employer) -> str:
    return reverse("employers:contact_reveal", args=[employer.pk])


def _text(response: Any) -> str:
    """The page as a person reads it: tags and scripts dropped, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body)


def _chart(response: Any) -> dict[str, Any]:
    m = re.search(
        r'<script id="archive-chart-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        flags=re.S,
    )
    assert m, "chart data block missing"
    return json.loads(m.group(1))


def _page_title(response: Any) -> str:
    m = re.search(r'<h2 class="page-title">(.*?)</h2>', response.content.decode(), flags=re.S)
    assert m
    return re.sub(r"<[^>]+>", " ", m.group(1))


def _available_actions(employer: Employer) -> list[str]:
    """The write pages that exist in this build (they are written in another module)."""
    urls = []
    for name in (
        "employers:employer_edit",
        "employers:snapshot_create",
        "employers:employer_merge",
        "employers:employer_split",
    ):
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(name, args=[employer.pk]))
    return urls


def _withdraw_links(employer: Employer) -> list[str]:
    """The withdraw page of each valid snapshot, if that page exists in this build."""
    urls = []
    for snapshot in employer.snapshots.filter(withdrawn_at__isnull=True):
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse("employers:snapshot_withdraw", args=[employer.pk, snapshot.pk]))
    return urls


def _backdate(employer: Employer, when: datetime) -> None:
    """Pretend the record was created at ``when`` (tests cannot wait a year)."""
    Employer.objects.filter(pk=employer.pk).update(created_at=when)
    employer.history.filter(history_type="+").update(history_date=when)
    employer.refresh_from_db()


@pytest.fixture
def archived() -> Employer:
    """A 猫场社区 employer with codes, a phone, two snapshots and a small roster."""
    grid = Grid.objects.get(code=MAOCHANG)
    MinimumWage.objects.create(
        area=grid,
        area_path=grid.path,
        tier="二类",
        monthly=Decimal("1890"),
        effective_from="2024-01-01",
        document="黔府发〔2023〕测试号",
    )
    employer = make_employer(
        MAOCHANG_VILLAGE,
        name="猫场镇档案测试有限公司",
        uscc=make_uscc(4242),
        legal_rep="王法人",
        contact_person="李联系",
        contact_phone=PHONE,
        address="大方县猫场镇猫场社区1号",
        lat="27.1",
        lng="105.6",
        established_on="2015-05-20",
        registered_capital="500.5",
    )
    make_snapshot(employer, collected_on="2025-01-10", employees=8, contracts_signed=8)
    make_snapshot(
        employer,
        collected_on=timezone.localdate().isoformat(),
        employees=10,
        contracts_signed=7,
        insured_pension=5,
        insured_medical=10,
        lowest_monthly_wage="1500",
        arrears=True,
        arrears_amount="12000",
        arrears_workers=3,
        arrears_months=2,
        hours_system="standard",
        rules_filed=False,
        is_construction=True,
        wage_account=True,
    )
    today = timezone.localdate()
    make_worker(employer, name="甲", is_migrant=True)
    make_worker(
        employer,
        name="乙",
        contract_term="fixed",
        contract_end=(today + timedelta(days=10)).isoformat(),
    )
    make_worker(employer, name="丙", left_on="2025-01-01")
    return employer


# --- what the page shows ----------------------------------------------------------------------


def test_archive_shows_identity_grid_facts_history_and_roster(archived: Employer) -> None:
    response = client_for("maochang").get(_url(archived))
    assert response.status_code == 200
    text = _text(response)
    # identity
    for expected in (
        "猫场镇档案测试有限公司",
        archived.uscc or "",
        archived.org_code,
        "王法人",
        "李联系",
        "大方县猫场镇猫场社区1号",
        "2015年5月20日",
        "500.5",
        "在营",
        "企业",
        "制造业",
        "人工录入",
    ):
        assert expected in text, expected
    # the phone masked, never in full
    assert "138****5678" in text and PHONE not in response.content.decode()
    # grid: breadcrumb, placement, responsible staff with phones as on the grid page
    assert "猫场社区居民委员会" in text and "人工指定" in text
    assert "陈志刚" in text and 'href="tel:' in response.content.decode()
    # current facts and derived indicators
    assert "70.0%" in text  # contract-signing rate 7/10
    assert "50.0%" in text and "100.0%" in text  # pension 5/10, medical 10/10
    assert "低于最低工资标准" in text and "1890" in text and "二类" in text
    assert "12000" in text and "涉及 3 人" in text
    assert "工程建设项目" in text and "农民工工资专用账户" in text
    for flag in ("未签劳动合同", "拖欠工资", "低于最低工资", "未参加社会保险"):
        assert flag in text, flag
    assert "超过6个月未采集" not in text and "从未采集" not in text
    # history: chart data for the script, and the snapshot table
    chart = _chart(response)
    assert chart["dates"] == ["2025-01-10", timezone.localdate().isoformat()]
    assert chart["employees"] == [8, 10] and chart["contracts"] == [8, 7]
    assert chart["pension"] == [None, 5]
    assert "employer-archive.js" in response.content.decode()
    assert "echarts.min.js" in response.content.decode()
    assert "2025年1月10日" in text
    # roster summary: 乙 and 甲 on the roster (丙 left), one migrant, one contract ending soon
    assert re.search(r"在册职工 2 其中农民工 1 .*30 天内合同到期 1", text)
    # no inline code anywhere (CSP)
    assert not re.search(r"<script>(?!\s*</script>)", response.content.decode())
    assert " onclick=" not in response.content.decode()


def test_never_collected_and_stale(archived: Employer) -> None:
    fresh = make_employer(MAOCHANG_VILLAGE)
    text = _text(client_for("maochang").get(_url(fresh)))
    assert "从未采集" in text and "archive-chart-data" not in text
    old = make_employer(MAOCHANG_VILLAGE)
    make_snapshot(old, collected_on="2024-01-01")
    assert "超过6个月未采集" in _text(client_for("maochang").get(_url(old)))


def test_withdrawn_snapshot_is_struck_through_with_reason(archived: Employer) -> None:
    first = archived.snapshots.order_by("collected_on").first()
    assert first is not None
    services.withdraw_snapshot(
        actor=User.objects.get(username="maochang"), snapshot=first, reason="录入错误"
    )
    response = client_for("maochang").get(_url(archived))
    assert "<del>2025年1月10日</del>" in response.content.decode()
    assert "已撤回：录入错误" in _text(response)
    assert _chart(response)["dates"] == [timezone.localdate().isoformat()]  # valid ones only


def test_timeline_shows_creation_and_an_edit_with_before_and_after(archived: Employer) -> None:
    services.update_employer(
        actor=User.objects.get(username="maochang"),
        employer=archived,
        data={"legal_rep": "赵新法人"},
        expected_version=archived.version,
        reason="法人变更",
    )
    response = client_for("maochang").get(_url(archived))
    text = _text(response)
    assert "建立档案" in text and "修改档案" in text and "法人变更" in text
    assert re.search(r"法定代表人（负责人） 王法人 赵新法人", text)
    assert "陈志刚" in text  # the editor
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", text)  # Chinese date and time


# --- as of a past date --------------------------------------------------------------------------


def test_as_of_shows_the_old_name_and_the_older_snapshot(archived: Employer) -> None:
    _backdate(archived, datetime(2024, 12, 1, 9, 0, tzinfo=SHANGHAI))
    services.update_employer(
        actor=User.objects.get(username="maochang"),
        employer=archived,
        data={"name": "猫场镇档案测试新名称有限公司"},
        expected_version=archived.version,
    )
    client = client_for("maochang")
    today = client.get(_url(archived))
    assert "新名称" in _page_title(today)

    response = client.get(_url(archived, as_of="2025-02-01"))
    assert response.status_code == 200
    text = _text(response)
    assert "这是 2025年2月1日 的档案状态" in text
    assert reverse("employers:employer_detail", args=[archived.pk]) in response.content.decode()
    title = _page_title(response)
    assert "猫场镇档案测试有限公司" in title and "新名称" not in title
    assert "曾用名 —" in text  # the former name came with the rename
    # facts from the snapshot of 2025-01-10, the one current on that day
    assert "2025年1月10日 内业录入" in text and "超过6个月未采集" not in text
    assert _chart(response)["dates"] == ["2025-01-10"]
    assert "查看完整号码" not in text  # the reveal is about today's record
    assert all(label not in text for label in ("采集劳动用工信息", "拆分"))


def test_as_of_before_the_record_existed(archived: Employer) -> None:
    _backdate(archived, datetime(2024, 12, 1, 9, 0, tzinfo=SHANGHAI))
    client = client_for("maochang")
    text = _text(client.get(_url(archived, as_of="2024-11-30")))
    assert "该日期尚未建档" in text
    assert "王法人" not in text and "archive-chart-data" not in text
    # the day of creation counts to its end (Asia/Shanghai)
    assert "该日期尚未建档" not in _text(client.get(_url(archived, as_of="2024-12-01")))


def test_as_of_before_a_move_from_another_township() -> None:
    """The record came from 马场镇: a 猫场镇 user sees the old state without that grid's staff."""
    employer = make_employer(MACHANG_VILLAGE, name="迁入测试有限公司")
    _backdate(employer, datetime(2024, 12, 1, 9, 0, tzinfo=SHANGHAI))
    services.update_employer(
        actor=User.objects.get(username="county"),
        employer=employer,
        data={},
        expected_version=employer.version,
        grid=Grid.objects.get(code=MAOCHANG_VILLAGE),
        grid_reason="实际经营地在猫场镇",
    )
    client = client_for("maochang")
    now = _text(client.get(_url(employer)))
    assert "实际经营地在猫场镇" in now and "陈志刚" in now
    response = client.get(_url(employer, as_of="2025-01-01"))
    assert response.status_code == 200
    text = _text(response)
    assert "迁入测试有限公司" in text and "该日期所在的网格不在您的辖区内" in text
    assert "赵德明" not in text  # 马场镇's squadron leader


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "日期格式不正确"),
        ("2025-02-30", "日期不存在"),
        ("2025-2-3", "日期格式不正确"),
        ("9999-12-31", "不能查看今天以后的档案状态"),
        ("0001-01-01", "该日期尚未建档"),
    ],
)
def test_invalid_as_of_shows_a_message(archived: Employer, value: str, message: str) -> None:
    response = client_for("maochang").get(_url(archived), {"as_of": value})
    assert response.status_code == 200
    assert message in _text(response)


# --- revealing the contact phone ----------------------------------------------------------------


def test_reveal_with_a_reason_shows_the_number_once_and_is_audited(archived: Employer) -> None:
    client = client_for("maochang")
    page = _text(client.get(_url(archived)))
    assert "查看完整号码" in page
    response = client.post(_reveal_url(archived), {"reason": "电话通知整改"})
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="pii_reveal", object_id=str(archived.pk))
    assert event.detail["reason"] == "电话通知整改"
    assert event.actor.username == "maochang"  # type: ignore[union-attr]
    # not kept anywhere: the next page shows the mask again, the session does not hold it
    assert PHONE not in client.get(_url(archived)).content.decode()
    assert PHONE not in json.dumps(dict(client.session.items()), default=str)


def test_reveal_without_a_reason_is_refused_with_a_message(archived: Employer) -> None:
    client = client_for("maochang")
    for reason in ("", "  "):
        response = client.post(_reveal_url(archived), {"reason": reason})
        assert response.status_code == 200
        assert "请填写查看完整号码的理由" in _text(response)
        assert PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii_reveal").exists()


def test_assistant_cannot_reveal(archived: Employer) -> None:
    client = client_for("maochang-a1")
    response = client.get(_url(archived))
    assert response.status_code == 200 and "查看完整号码" not in _text(response)
    assert client.post(_reveal_url(archived), {"reason": "想看看"}).status_code == 403
    assert not AuditEvent.objects.filter(action="pii_reveal").exists()


def test_reveal_needs_post(archived: Employer) -> None:
    assert client_for("maochang").get(_reveal_url(archived)).status_code == 405


# --- who sees what ------------------------------------------------------------------------------


def test_writers_get_the_action_buttons_and_the_leader_does_not(archived: Employer) -> None:
    available = _available_actions(archived)
    writer = client_for("maochang").get(_url(archived))
    assert [a["url"] for a in writer.context["actions"]] == available
    available += _withdraw_links(archived)
    for url in available:
        assert f'href="{url}"' in writer.content.decode()
    leader = client_for("leader").get(_url(archived))
    assert leader.status_code == 200 and "猫场镇档案测试有限公司" in _text(leader)
    assert leader.context["actions"] == []
    for url in available:
        assert f'href="{url}"' not in leader.content.decode()
    assert "查看完整号码" not in _text(leader)
    assert client_for("leader").post(_reveal_url(archived), {"reason": "看看"}).status_code == 403


def test_other_township_gets_404_and_anonymous_is_sent_to_login() -> None:
    machang = make_employer(MACHANG_VILLAGE, contact_phone=PHONE)
    maochang = client_for("maochang")
    assert maochang.get(_url(machang)).status_code == 404
    assert maochang.post(_reveal_url(machang), {"reason": "越权"}).status_code == 404
    assert client_for("machang").get(_url(machang)).status_code == 200
    anonymous = client_for("maochang").__class__()
    for response in (anonymous.get(_url(machang)), anonymous.post(_reveal_url(machang))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action="pii_reveal").exists()


def test_merged_record_shows_a_banner_to_its_target(archived: Employer) -> None:
    duplicate = make_employer(MAOCHANG_VILLAGE, name="猫场镇档案测试有限公司（重复）")
    services.merge_employers(
        actor=User.objects.get(username="maochang"),
        source=duplicate,
        target=archived,
        reason="重复登记",
    )
    response = client_for("maochang").get(_url(duplicate))
    assert response.status_code == 200
    text = _text(response)
    assert "已并入 猫场镇档案测试有限公司" in text
    assert f'href="{archived.get_absolute_url()}"' in response.content.decode()
    assert response.context["actions"] == []
    target = client_for("maochang").get(_url(archived))
    assert "并入本单位的记录" in _text(target)
    assert f'href="{duplicate.get_absolute_url()}"' in target.content.decode()


# --- performance --------------------------------------------------------------------------------


def test_every_insurance_kind_has_a_label() -> None:
    assert set(_INSURANCE_LABELS) == set(INSURANCE_KINDS)


def _queries_for(employer: Employer) -> int:
    client = client_for("county")
    client.get(_url(employer))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(employer)).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_snapshots_workers_or_history(
    django_assert_max_num_queries: Any,
) -> None:
    small = make_employer(MAOCHANG_VILLAGE)
    for month in (1, 2):
        make_snapshot(small, collected_on=f"2025-{month:02d}-01")
    make_worker(small)

    big = make_employer(MAOCHANG_VILLAGE, contact_phone=PHONE)
    county = User.objects.get(username="county")
    for k in range(20):
        make_snapshot(
            big,
            collected_on=f"{2024 + k // 12}-{k % 12 + 1:02d}-01",
            employees=10 + k,
            insured_pension=k,
        )
    for k in range(15):
        make_worker(big, name=f"职工{k}", is_migrant=bool(k % 2))
    for k in range(10):
        big.refresh_from_db()
        services.update_employer(
            actor=county,
            employer=big,
            data={"legal_rep": f"法人{k}"},
            expected_version=big.version,
        )

    client = client_for("county")
    client.get("/")
    with django_assert_max_num_queries(_archive_max_queries()):
        client.get(_url(small))
    with django_assert_max_num_queries(_archive_max_queries()):
        response = client.get(_url(big))
    assert len(_chart(response)["dates"]) == 20
    assert _queries_for(big) == _queries_for(small)
    with django_assert_max_num_queries(_archive_max_queries()):
        client.get(_url(big, as_of="2025-01-15"))
