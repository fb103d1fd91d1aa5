"""Create, edit, collect, withdraw, merge and split employers through the pages, as the personas do."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers import services
from laborgrid.employers.models import Employer, EmployerMerge, LabourSnapshot, MinimumWage, Worker
from laborgrid.grids.choices import LocateMethod
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import make_employer, make_snapshot, make_uscc, make_worker
from laborgrid.testing.personas import (
    COUNTY,
    MACHANG,
    MACHANG_VILLAGE,
    MAOCHANG,
    MAOCHANG_VILLAGE,
    client_for,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("employers:employer_create")


def user(name: str) -> User:
    return User.objects.get(username=name)


def employer_post(**changes: Any) -> dict[str, Any]:
    """What the create form posts for a plain new employer."""
    data = {
        "name": "大方县兴隆食品加工有限公司",
        "employer_type": "enterprise",
        "industry": "C",
        "status": "operating",
        "address": "贵州省大方县猫场镇兴隆路8号",
        "legal_rep": "王五",
        "contact_phone": "13800138000",
    }
    data.update(changes)
    return data


def edit_post(employer: Employer, **changes: Any) -> dict[str, Any]:
    """What the edit form posts: every field as loaded, plus ``changes``."""
    data: dict[str, Any] = {}
    for name in services.EMPLOYER_FIELDS:
        value = getattr(employer, name)
        data[name] = "" if value is None else value
    data["version"] = employer.version
    data.update(changes)
    return data


def snapshot_post(**changes: Any) -> dict[str, Any]:
    data = {
        "collected_on": timezone.localdate().isoformat(),
        "method": "office",
        "employees": "10",
        "contracts_signed": "10",
        "roster_kept": "true",
    }
    data.update(changes)
    return data


def errors(response: Any) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


# --- create -------------------------------------------------------------------------------------


def test_create_places_the_employer_by_its_address() -> None:
    client = client_for("county")
    before = Employer.objects.count()
    page = client.get(CREATE)
    assert page.status_code == 200
    body = page.content.decode()
    assert "自动（按坐标或地址）" in body and "猫场镇" in body
    assert Employer.objects.count() == before  # a GET writes nothing
    response = client.post(CREATE, employer_post(uscc=make_uscc()))
    employer = Employer.objects.get(name="大方县兴隆食品加工有限公司")
    assert response.status_code == 302
    assert response["Location"] == employer.get_absolute_url()
    assert employer.grid.code == MAOCHANG
    assert employer.grid_method == LocateMethod.ADDRESS
    assert employer.contact_phone_masked and "13800138000" not in employer.contact_phone_masked
    assert employer.org_code == employer.uscc[8:17]  # type: ignore[index]
    followed = client.get(response["Location"]).content.decode()
    assert "已登记" in followed


def test_a_chosen_grid_overrides_the_address_and_keeps_the_reason() -> None:
    client = client_for("county")
    response = client.post(
        CREATE,
        employer_post(name="大方县某某建材经营部", grid=MAOCHANG_VILLAGE, grid_reason="实地核实"),
    )
    assert response.status_code == 302
    employer = Employer.objects.get(name="大方县某某建材经营部")
    assert (employer.grid.code, employer.grid_method) == (MAOCHANG_VILLAGE, LocateMethod.MANUAL)
    assert employer.grid_note == "实地核实"


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"uscc": "91520521MA6DXXXXX1"}, "uscc", "统一社会信用代码"),
        ({"established_on": "2024-13-45"}, "established_on", "日期"),
        ({"established_on": "2999-01-01"}, "established_on", "不能晚于今天"),
        ({"lat": "200", "lng": "105"}, "lat", "90"),
        ({"registered_capital": "abc"}, "registered_capital", "数字"),
        ({"contact_phone": "12345"}, "contact_phone", ""),
        ({"employer_type": "spaceship"}, "employer_type", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    changes: dict[str, str], field: str, fragment: str
) -> None:
    client = client_for("county")
    before = Employer.objects.count()
    response = client.post(CREATE, employer_post(**changes))
    assert response.status_code == 200
    found = errors(response)
    assert field in found, found
    assert fragment in " ".join(found[field])
    assert Employer.objects.count() == before
    body = response.content.decode()
    assert "invalid-feedback" in body
    assert 'value="大方县兴隆食品加工有限公司"' in body or field == "name"  # typed values kept


def test_the_same_uscc_is_refused_with_a_link_to_the_existing_employer() -> None:
    code = make_uscc()
    existing = make_employer(MAOCHANG_VILLAGE, name="大方县老字号酒厂", uscc=code)
    client = client_for("county")
    before = Employer.objects.count()
    for confirm in ("", "on"):  # confirming does not help: same code = same legal entity
        response = client.post(
            CREATE, employer_post(name="另一个名字", uscc=code, confirm_not_duplicate=confirm)
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "该单位已登记" in body and "统一社会信用代码相同" in body
        assert existing.get_absolute_url() in body and "打开已有单位" in body
        assert 'name="confirm_not_duplicate"' not in body
    assert Employer.objects.count() == before


def test_the_same_name_in_the_county_asks_for_confirmation() -> None:
    existing = make_employer(MAOCHANG_VILLAGE, name="大方县兴隆食品加工有限公司")
    client = client_for("county")
    before = Employer.objects.count()
    response = client.post(CREATE, employer_post())
    body = response.content.decode()
    assert response.status_code == 200
    assert "可能已登记过这家单位" in body and "同一县内单位名称相同" in body
    assert existing.get_absolute_url() in body
    assert 'name="confirm_not_duplicate"' in body and "我已核实，这是另一家单位" in body
    assert Employer.objects.count() == before
    response = client.post(CREATE, employer_post(confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Employer.objects.count() == before + 1


def test_a_duplicate_in_another_township_is_reported_without_its_name() -> None:
    """The duplicate check searches the whole registry; it must not reveal 马场镇's records."""
    code = make_uscc()
    make_employer(MACHANG_VILLAGE, name="马场镇秘密煤矿有限公司", uscc=code)
    client = client_for("maochang")
    before = Employer.objects.count()
    response = client.post(CREATE, employer_post(name="猫场新公司", uscc=code))
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "该单位已登记" in body and "不在您的管辖范围内" in body and "联系县劳动保障监察大队" in body
    )
    assert "秘密煤矿" not in body and "马场镇" not in body and MACHANG not in body
    assert "统一社会信用代码相同" not in body  # not even which code matched
    assert 'value="猫场新公司"' in body  # what was typed stays
    assert Employer.objects.count() == before


def test_a_same_name_in_another_township_is_answered_like_a_new_name() -> None:
    """Issue 21 item 10 (existence oracle): a 马场镇 employer's name typed in 猫场镇 used to draw
    "可能已登记过这家单位" with a hidden row; now the answer is the one for a name nobody has."""
    make_employer(MACHANG_VILLAGE, name="马场镇探测名称有限公司")
    client = client_for("maochang")
    taken = client.post(CREATE, employer_post(name="马场镇探测名称有限公司"))
    free = client.post(CREATE, employer_post(name="无人使用的名称有限公司"))
    assert taken.status_code == free.status_code == 302


def test_a_township_assistant_can_only_create_in_their_township() -> None:
    client = client_for("maochang-a1")
    body = client.get(CREATE).content.decode()
    assert f'value="{MAOCHANG}"' in body and f'value="{MAOCHANG_VILLAGE}"' in body
    assert f'value="{MACHANG}"' not in body and f'value="{MACHANG_VILLAGE}"' not in body
    assert "马场镇" not in body and f'value="{COUNTY}"' not in body
    before = Employer.objects.count()
    # A forged choice of a 马场镇 grid is not a valid choice.
    response = client.post(CREATE, employer_post(grid=MACHANG_VILLAGE, grid_reason="伪造"))
    assert response.status_code == 200 and "grid" in errors(response)
    # An address in 马场镇 would place it there: refused, with a hint to choose a grid.
    response = client.post(CREATE, employer_post(address="大方县马场镇街上"))
    assert response.status_code == 200
    assert "不在您负责的范围内" in " ".join(errors(response)["grid"])
    assert Employer.objects.count() == before
    # In their own township it works.
    response = client.post(CREATE, employer_post())
    assert response.status_code == 302
    assert Employer.objects.get(name="大方县兴隆食品加工有限公司").grid.code == MAOCHANG


def test_people_without_work_write_cannot_create() -> None:
    for username in ("leader", "sysadmin", "auditor"):
        client = client_for(username)
        assert client.get(CREATE).status_code == 404, username
        assert client.post(CREATE, employer_post()).status_code == 404, username
    assert not Employer.objects.filter(name="大方县兴隆食品加工有限公司").exists()


# --- edit ---------------------------------------------------------------------------------------


def test_edit_changes_status_and_keeps_the_phone_unless_typed() -> None:
    employer = make_employer(MAOCHANG_VILLAGE, contact_phone="13900139000")
    masked = employer.contact_phone_masked
    url = reverse("employers:employer_edit", args=[employer.pk])
    client = client_for("maochang")
    page = client.get(url).content.decode()
    assert masked in page and "13900139000" not in page
    assert 'name="contact_phone"' in page and 'value="13900139000"' not in page
    assert f'name="version" value="{employer.version}"' in page
    response = client.post(
        url, edit_post(employer, status="deregistered", contact_phone="", reason="已注销")
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.status == "deregistered"
    assert employer.contact_phone_masked == masked  # empty input: unchanged
    assert employer.version == 2
    assert employer.history.first().history_change_reason == "已注销"
    response = client.post(url, edit_post(employer, clear_contact_phone="on"))
    employer.refresh_from_db()
    assert employer.contact_phone_masked == "" and employer.contact_phone_enc == ""


def test_an_unchanged_form_writes_nothing() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    url = reverse("employers:employer_edit", args=[employer.pk])
    response = client_for("county").post(url, edit_post(employer))
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.version == 1


def test_a_stale_edit_is_refused_and_keeps_what_was_typed() -> None:
    employer = make_employer(MAOCHANG_VILLAGE, name="大方县原名有限公司", address="猫场镇一号")
    loaded = edit_post(employer)
    services.update_employer(
        actor=user("maochang"),
        employer=employer,
        data={"address": "猫场镇二号"},
        expected_version=employer.version,
    )
    url = reverse("employers:employer_edit", args=[employer.pk])
    response = client_for("county").post(url, {**loaded, "name": "大方县新名有限公司"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "已被" in body and "陈志刚" in body and "修改" in body
    assert 'value="大方县新名有限公司"' in body  # nothing typed is lost
    assert "猫场镇二号" in body  # what the other person saved is shown beside it
    employer.refresh_from_db()
    assert (employer.name, employer.address, employer.version) == (
        "大方县原名有限公司",
        "猫场镇二号",
        2,
    )


def test_edit_errors_land_on_their_fields() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    url = reverse("employers:employer_edit", args=[employer.pk])
    client = client_for("county")
    assert "uscc" in errors(client.post(url, edit_post(employer, uscc="123")))
    assert "lat" in errors(client.post(url, edit_post(employer, lat="27.1")))  # lat without lng
    employer.refresh_from_db()
    assert employer.version == 1 and employer.uscc is None


def test_correcting_the_uscc_takes_the_new_organisation_code() -> None:
    employer = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc())
    corrected = make_uscc()
    url = reverse("employers:employer_edit", args=[employer.pk])
    response = client_for("county").post(url, edit_post(employer, uscc=corrected))
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.uscc, employer.org_code) == (corrected, corrected[8:17])


def test_moving_to_another_grid_needs_a_reason() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    url = reverse("employers:employer_edit", args=[employer.pk])
    client = client_for("maochang")
    response = client.post(url, edit_post(employer, grid=MAOCHANG))
    assert "grid_reason" in errors(response)
    response = client.post(url, edit_post(employer, grid=MAOCHANG, grid_reason="地址核实"))
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.grid.code == MAOCHANG and employer.grid_method == LocateMethod.MANUAL


# --- snapshots ----------------------------------------------------------------------------------


def test_a_snapshot_updates_the_employer_flags() -> None:
    county = Grid.objects.get(code=COUNTY)
    MinimumWage.objects.update_or_create(
        area=county,
        effective_from=date(2023, 2, 1),
        defaults={"monthly": Decimal("1660"), "area_path": county.path, "tier": "二类"},
    )
    employer = make_employer(MAOCHANG_VILLAGE)
    url = reverse("employers:snapshot_create", args=[employer.pk])
    client = client_for("maochang-a1")
    page = client.get(url).content.decode()
    assert "1660" in page and "最低工资标准" in page
    assert "社会保险" in page and "工程建设项目" in page
    assert not LabourSnapshot.objects.filter(employer=employer).exists()
    response = client.post(
        url,
        snapshot_post(
            employees="12",
            contracts_signed="9",
            insured_pension="5",
            lowest_monthly_wage="1500",
            arrears="on",
            arrears_amount="30000",
            arrears_workers="4",
        ),
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.employees == 12
    assert employer.flag_arrears and employer.flag_no_contracts
    assert employer.flag_below_min_wage and employer.flag_uninsured
    snap = employer.current_snapshot
    assert snap is not None and snap.minimum_wage == Decimal("1660.00")
    assert snap.collector == user("maochang-a1")
    # The next collection starts from these facts (but a new date and no note).
    page = client.get(url).content.decode()
    assert 'name="employees" value="12"' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employees": "5", "contracts_signed": "8"}, "contracts_signed"),
        ({"women": "-1"}, "women"),
        ({"collected_on": "2024-02-30"}, "collected_on"),
        ({"arrears": "on"}, "arrears_amount"),
        ({"hours_system": "flexible"}, "hours_approval_no"),
        ({"insured_injury": "11"}, "insured_injury"),
    ],
)
def test_bad_snapshots_are_refused_on_their_field(changes: dict[str, str], field: str) -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    url = reverse("employers:snapshot_create", args=[employer.pk])
    response = client_for("county").post(url, snapshot_post(**changes))
    assert response.status_code == 200
    assert field in errors(response)
    assert not LabourSnapshot.objects.filter(employer=employer).exists()


def test_withdrawing_a_snapshot_falls_back_to_the_previous_one() -> None:
    employer = make_employer(MAOCHANG_VILLAGE)
    today = timezone.localdate()
    old = make_snapshot(
        employer, collected_on=today - timedelta(days=30), employees=8, contracts_signed=8
    )
    new = make_snapshot(employer, collected_on=today, employees=20, contracts_signed=5)
    url = reverse("employers:snapshot_withdraw", args=[employer.pk, new.pk])
    client = client_for("maochang")
    page = client.get(url)
    assert page.status_code == 200 and "撤回理由" in page.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in errors(response)
    new.refresh_from_db()
    assert new.withdrawn_at is None  # neither the GET nor the empty reason withdrew it
    response = client.post(url, {"reason": "录入错误"})
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.current_snapshot == old and employer.employees == 8
    assert not employer.flag_no_contracts
    new.refresh_from_db()
    assert new.withdraw_reason == "录入错误"
    # A snapshot of another employer is not reachable through this one.
    other = make_snapshot(make_employer(MAOCHANG_VILLAGE))
    bad = reverse("employers:snapshot_withdraw", args=[employer.pk, other.pk])
    assert client.get(bad).status_code == 404


# --- merge / split ------------------------------------------------------------------------------


def test_merge_moves_snapshots_and_workers_and_revert_restores_them() -> None:
    source = make_employer(MAOCHANG_VILLAGE, name="大方县重复登记甲有限公司")
    target = make_employer(MAOCHANG_VILLAGE, name="大方县正式登记甲有限公司", uscc=make_uscc())
    snap = make_snapshot(source)
    worker = make_worker(source)
    url = reverse("employers:employer_merge", args=[source.pk])
    client = client_for("maochang")
    assert client.get(url).status_code == 200
    preview = client.get(url, {"target": str(target.uscc)})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert target.name in body and source.name in body
    assert "1 条劳动用工采集信息" in body and "1 名职工" in body
    assert LabourSnapshot.objects.get(pk=snap.pk).employer_id == source.pk  # preview wrote nothing
    # A target out of the user's grids is "not found", not a 404 page.
    machang = make_employer(MACHANG_VILLAGE)
    for odd in (machang.pk, "²", "abc", "9" * 40, source.pk):
        response = client.get(url, {"target": odd})
        assert response.status_code == 200, odd
        body = response.content.decode()
        assert "找不到该单位" in body or "不能将单位并入自身" in body, odd
    response = client.post(url, {"target": target.pk, "reason": ""})
    assert response.status_code == 200 and "reason" in errors(response)
    response = client.post(url, {"target": target.pk, "reason": "同一单位重复登记"})
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target
    assert LabourSnapshot.objects.get(pk=snap.pk).employer_id == target.pk
    assert Worker.objects.get(pk=worker.pk).employer_id == target.pk
    assert source.name in target.former_name_list
    merge = EmployerMerge.objects.get(source=source)
    page = client.get(url).content.decode()
    assert reverse("employers:merge_revert", args=[merge.pk]) in page
    revert = client.post(reverse("employers:merge_revert", args=[merge.pk]))
    assert revert.status_code == 302
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into is None
    assert LabourSnapshot.objects.get(pk=snap.pk).employer_id == source.pk
    assert Worker.objects.get(pk=worker.pk).employer_id == source.pk
    assert source.name not in target.former_name_list
    # Reverting twice is refused with a message, not an error page.
    again = client.post(reverse("employers:merge_revert", args=[merge.pk]), follow=True)
    assert "已撤销" in again.content.decode()


def test_merging_records_with_different_codes_is_refused() -> None:
    a = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc())
    b = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc())
    url = reverse("employers:employer_merge", args=[a.pk])
    response = client_for("county").post(url, {"target": b.pk, "reason": "看错了"})
    assert response.status_code == 200 and "不是同一单位" in response.content.decode()
    a.refresh_from_db()
    assert a.merged_into is None


def test_split_creates_a_new_employer_with_the_chosen_records() -> None:
    employer = make_employer(MAOCHANG_VILLAGE, name="大方县混合登记有限公司")
    today = timezone.localdate()
    keep = make_snapshot(employer, collected_on=today - timedelta(days=40), employees=30)
    move = make_snapshot(employer, collected_on=today, employees=4, contracts_signed=4)
    worker = make_worker(employer, name="李四")
    url = reverse("employers:employer_split", args=[employer.pk])
    client = client_for("maochang")
    page = client.get(url).content.decode()
    assert "李四" in page and worker.id_masked in page
    before = Employer.objects.count()
    response = client.post(url, {**employer_post(name="大方县拆分出来的小店"), "reason": "x"})
    assert response.status_code == 200  # nothing chosen
    assert Employer.objects.count() == before
    response = client.post(
        url,
        {
            **employer_post(name="大方县拆分出来的小店", address=""),
            "snapshots": [move.pk],
            "workers": [worker.pk],
            "reason": "两家单位被登记为一家",
        },
    )
    assert response.status_code == 302
    new = Employer.objects.get(name="大方县拆分出来的小店")
    assert response["Location"] == new.get_absolute_url()
    assert new.grid_id == employer.grid_id
    assert list(new.snapshots.values_list("pk", flat=True)) == [move.pk]
    assert list(new.workers.values_list("pk", flat=True)) == [worker.pk]
    employer.refresh_from_db()
    new.refresh_from_db()
    assert employer.current_snapshot == keep and employer.employees == 30
    assert new.current_snapshot == move


# --- gates --------------------------------------------------------------------------------------


def _urls(employer: Employer, snapshot: LabourSnapshot, merge: EmployerMerge) -> list[str]:
    return [
        reverse("employers:employer_edit", args=[employer.pk]),
        reverse("employers:snapshot_create", args=[employer.pk]),
        reverse("employers:snapshot_withdraw", args=[employer.pk, snapshot.pk]),
        reverse("employers:employer_merge", args=[employer.pk]),
        reverse("employers:employer_split", args=[employer.pk]),
        reverse("employers:merge_revert", args=[merge.pk]),
    ]


def _objects(grid_code: str) -> tuple[Employer, LabourSnapshot, EmployerMerge]:
    employer = make_employer(grid_code)
    snapshot = make_snapshot(employer)
    merge = services.merge_employers(
        actor=user("county"),
        source=make_employer(grid_code),
        target=make_employer(grid_code),
        reason="重复",
    )
    return employer, snapshot, merge


def _fingerprint() -> tuple[int, ...]:
    return (
        Employer.objects.count(),
        sum(Employer.objects.values_list("version", flat=True)),
        LabourSnapshot.objects.filter(withdrawn_at__isnull=True).count(),
        EmployerMerge.objects.filter(reverted_at__isnull=True).count(),
    )


def test_maochang_gets_404_for_every_machang_url() -> None:
    employer, snapshot, merge = _objects(MACHANG_VILLAGE)
    before = _fingerprint()
    for username in ("maochang", "maochang-a1"):
        client = client_for(username)
        for url in _urls(employer, snapshot, merge):
            if "revert" not in url:
                assert client.get(url).status_code == 404, (username, url)
            data = {**employer_post(), "target": employer.pk, "reason": "x", **snapshot_post()}
            assert client.post(url, data).status_code == 404, (username, url)
    assert _fingerprint() == before
    # …while 马场镇's own squadron leader reaches them.
    assert client_for("machang").get(_urls(employer, snapshot, merge)[0]).status_code == 200


def test_the_leader_gets_403_on_every_write() -> None:
    employer, snapshot, merge = _objects(MAOCHANG_VILLAGE)
    before = _fingerprint()
    client = client_for("leader")
    for url in _urls(employer, snapshot, merge):
        data = {**employer_post(), "target": employer.pk, "reason": "x", **snapshot_post()}
        assert client.post(url, data).status_code == 403, url
        if "revert" not in url:
            assert client.get(url).status_code == 403, url
    assert _fingerprint() == before


def test_anonymous_is_sent_to_login() -> None:
    employer, snapshot, merge = _objects(MAOCHANG_VILLAGE)
    client = Client()
    for url in [CREATE, *_urls(employer, snapshot, merge)]:
        response = client.post(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- in a browser -------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_snapshot_form_hints_while_typing(demo_server: str, page: Any) -> None:
    """Create an employer and record a snapshot in a real browser: the live hints work under the
    Content-Security-Policy (no console errors) and the forms save."""
    import os

    from django.conf import settings

    page.goto(demo_server + "/accounts/login/")
    page.fill("#id_username", "maochang")
    page.fill(
        "#id_password", os.environ.get("LABORGRID_DEMO_PASSWORD", settings.LABORGRID_DEMO_PASSWORD)
    )
    page.click("button[type=submit]")
    page.wait_for_url(demo_server + "/")
    page.goto(demo_server + CREATE)
    page.fill("#id_name", "浏览器测试食品有限公司")
    page.select_option("#id_employer_type", "enterprise")
    page.fill("#id_address", "大方县猫场镇浏览器路1号")
    page.click("form[method=post].card button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    pk = page.url.rstrip("/").split("/")[-1]
    page.goto(demo_server + reverse("employers:snapshot_create", args=[int(pk)]))
    hint = page.locator('[data-hint-for="contracts_signed"]')
    page.fill("#id_employees", "5")
    page.fill("#id_contracts_signed", "8")
    assert hint.is_visible() and "不能大于职工总数" in hint.inner_text()
    page.fill("#id_contracts_signed", "5")
    assert not hint.is_visible()
    page.check("#id_arrears")
    assert page.locator('[data-hint-for="arrears_amount"]').is_visible()
    page.fill("#id_arrears_amount", "1200")
    assert not page.locator('[data-hint-for="arrears_amount"]').is_visible()
    page.click("form[method=post].card button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith(f"/{pk}"))
