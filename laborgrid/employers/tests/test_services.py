"""The registry's rules, through its services: identity, duplicates, locking, facts, roster, merge."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.core import pii
from laborgrid.core.search import PhraseScan, plan_search
from laborgrid.employers import services
from laborgrid.employers.models import Employer, EmployerSource, LabourSnapshot, MinimumWage, Worker
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import (
    make_employer,
    make_ric,
    make_snapshot,
    make_uscc,
    make_worker,
)
from laborgrid.testing.personas import COUNTY, MACHANG, MACHANG_VILLAGE, MAOCHANG, MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db


def user(name: str) -> User:
    return User.objects.get(username=name)


# --- identity -------------------------------------------------------------------------------------


def test_codes_are_validated_and_normalised_and_the_org_code_comes_from_the_uscc() -> None:
    code = make_uscc()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    e = make_employer(MAOCHANG_VILLAGE, uscc=full_width)
    assert e.uscc == code
    assert e.org_code == code[8:17]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("uscc", "91520521MA6DXXXXX1", "统一社会信用代码"),
        ("org_code", "12345678-0", "组织机构代码"),
        ("reg_number", "520521000000001", "工商注册号"),
    ],
)
def test_a_bad_code_is_refused_naming_its_field(field: str, value: str, fragment: str) -> None:
    before = Employer.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_employer(MAOCHANG_VILLAGE, **{field: value})
    assert field in exc.value.message_dict
    assert fragment in " ".join(exc.value.message_dict[field])
    assert Employer.objects.count() == before


def test_an_org_code_that_disagrees_with_the_uscc_is_refused() -> None:
    code = make_uscc()
    other = make_uscc()
    with pytest.raises(ValidationError) as exc:
        make_employer(MAOCHANG_VILLAGE, uscc=code, org_code=other[8:17])
    assert "org_code" in exc.value.message_dict


def test_impossible_values_are_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        make_employer(
            MAOCHANG_VILLAGE,
            lat="200",
            lng="106",
            established_on=(timezone.localdate() + timedelta(days=3)).isoformat(),
            registered_capital="-5",
        )
    errors = exc.value.message_dict
    assert {"lat", "established_on", "registered_capital"} <= set(errors)


# --- duplicates and locking ---------------------------------------------------------------------------


def test_same_code_is_a_hard_duplicate_and_same_name_a_soft_one() -> None:
    code = make_uscc()
    first = make_employer(MAOCHANG_VILLAGE, uscc=code, name="大方县重名测试有限公司")
    county = user("county")
    with pytest.raises(services.DuplicateEmployer) as exc:
        services.create_employer(
            actor=county,
            data={"name": "别的名字有限公司", "employer_type": "enterprise", "uscc": code},
            confirm_not_duplicate=True,
        )
    assert exc.value.duplicates[0].employer == first and exc.value.duplicates[0].hard
    with pytest.raises(services.DuplicateEmployer) as exc:
        services.create_employer(
            actor=county,
            data={"name": "大方县 重名测试有限公司", "employer_type": "enterprise"},
            grid=Grid.objects.get(code=MACHANG_VILLAGE),
        )
    assert [(d.employer, d.hard) for d in exc.value.duplicates] == [(first, False)]
    second = services.create_employer(
        actor=county,
        data={"name": "大方县重名测试有限公司", "employer_type": "enterprise"},
        grid=Grid.objects.get(code=MACHANG_VILLAGE),
        confirm_not_duplicate=True,
    )
    assert second.pk != first.pk


def test_a_rename_onto_another_employers_name_asks_for_confirmation() -> None:
    make_employer(MAOCHANG_VILLAGE, name="大方县改名测试甲有限公司")
    other = make_employer(MACHANG_VILLAGE, name="大方县改名测试乙有限公司")
    county = user("county")
    with pytest.raises(services.DuplicateEmployer) as exc:
        services.update_employer(
            actor=county,
            employer=other,
            data={"name": "大方县改名测试甲有限公司"},
            expected_version=other.version,
        )
    assert not exc.value.duplicates[0].hard
    other.refresh_from_db()
    renamed = services.update_employer(
        actor=county,
        employer=other,
        data={"name": "大方县改名测试甲有限公司"},
        expected_version=other.version,
        confirm_not_duplicate=True,
    )
    assert renamed.name == "大方县改名测试甲有限公司"
    # An edit that leaves name and address alone is not stopped by the same soft match.
    renamed.refresh_from_db()
    services.update_employer(
        actor=county,
        employer=renamed,
        data={"name": renamed.name, "legal_rep": "王五"},
        expected_version=renamed.version,
    )


def test_similar_name_and_address_is_flagged() -> None:
    make_employer(
        MAOCHANG_VILLAGE, name="大方县鑫源煤矿机械有限公司", address="大方县猫场镇工业路18号"
    )
    dups = services.find_duplicates(
        uscc=None,
        org_code="",
        reg_number="",
        name="大方县鑫源煤矿机械有限责任公司",
        address="大方县猫场镇工业路18号附1号",
        county=Grid.objects.get(code=COUNTY),
    )
    assert [d.reason for d in dups] == ["名称和地址相近"]


def test_a_stale_edit_is_refused_with_who_and_when() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    services.update_employer(
        actor=user("maochang"), employer=e, data={"legal_rep": "李四"}, expected_version=1
    )
    with pytest.raises(services.ConcurrentEdit) as exc:
        services.update_employer(
            actor=user("county"), employer=e, data={"legal_rep": "王五"}, expected_version=1
        )
    assert "修改" in exc.value.messages[0]
    e.refresh_from_db()
    assert e.legal_rep == "李四" and e.version == 2


def test_a_rename_keeps_the_old_name_as_a_former_name_and_in_history() -> None:
    e = make_employer(MAOCHANG_VILLAGE, name="大方县旧名字商行")
    before = timezone.now()
    e = services.update_employer(
        actor=user("county"), employer=e, data={"name": "大方县新名字商行"}, expected_version=1
    )
    assert e.former_name_list == ["大方县旧名字商行"]
    assert e.history.as_of(before).name == "大方县旧名字商行"
    assert Employer.objects.filter(services.search_q("旧名")).filter(pk=e.pk).exists()


# --- scope ---------------------------------------------------------------------------------------


def test_a_township_user_cannot_write_in_another_township() -> None:
    e = make_employer(MACHANG_VILLAGE)
    with pytest.raises(PermissionDenied):
        services.update_employer(
            actor=user("maochang"), employer=e, data={"legal_rep": "x"}, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        make_employer(MACHANG_VILLAGE, actor="maochang")
    with pytest.raises(PermissionDenied):
        make_snapshot(e, actor="leader")


# --- grid placement --------------------------------------------------------------------------------


def test_placed_by_address_then_a_manual_override_needs_a_reason_and_sticks() -> None:
    county = user("county")
    e = services.create_employer(
        actor=county,
        data={
            "name": "大方县定位测试有限公司",
            "employer_type": "enterprise",
            "address": "贵州省大方县马场镇街上",
        },
    )
    assert e.grid.code.startswith(MACHANG) and e.grid_method == "address"
    target = Grid.objects.get(code=MAOCHANG_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        services.update_employer(actor=county, employer=e, data={}, expected_version=1, grid=target)
    assert "grid_reason" in exc.value.message_dict
    e = services.update_employer(
        actor=county,
        employer=e,
        data={},
        expected_version=1,
        grid=target,
        grid_reason="实际经营地在猫场",
    )
    assert (e.grid, e.grid_method, e.grid_note) == (target, "manual", "实际经营地在猫场")
    assert e.grid_path == target.path
    e = services.update_employer(
        actor=county, employer=e, data={"address": "大方县马场镇新街"}, expected_version=2
    )
    assert e.grid == target  # a person's choice is not undone by a new address


def test_unplaceable_lands_in_the_creators_grid_marked_unassigned() -> None:
    e = services.create_employer(
        actor=user("maochang"),
        data={"name": "无地址测试商行", "employer_type": "individual", "address": "不详"},
    )
    assert e.grid.code == MAOCHANG and e.grid_method == "unassigned"


# --- labour-use snapshots ---------------------------------------------------------------------------


def test_counts_are_checked_against_employees_naming_each_field() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        make_snapshot(
            e,
            employees="5",
            contracts_signed="8",
            insured_pension="6",
            women="-1",
            collected_on="2026-02-30",
        )
    errors = exc.value.message_dict
    assert {"contracts_signed", "insured_pension", "women", "collected_on"} <= set(errors)
    assert not LabourSnapshot.objects.filter(employer=e).exists()


def test_arrears_need_an_amount_and_special_hours_an_approval() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    with pytest.raises(ValidationError) as exc:
        make_snapshot(e, arrears=True, hours_system="comprehensive")
    assert {"arrears_amount", "hours_approval_no"} <= set(exc.value.message_dict)


def test_current_facts_and_flags_follow_the_latest_valid_snapshot() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    MinimumWage.objects.update_or_create(
        area=Grid.objects.get(code=COUNTY),
        effective_from=date(2023, 2, 1),
        defaults={"monthly": Decimal("1660"), "area_path": Grid.objects.get(code=COUNTY).path},
    )
    today = timezone.localdate()
    old = make_snapshot(
        e, collected_on=today - timedelta(days=400), employees=8, contracts_signed=8
    )
    new = make_snapshot(
        e,
        collected_on=today - timedelta(days=10),
        employees=12,
        contracts_signed=9,
        insured_pension=5,
        lowest_monthly_wage="1500",
        arrears=True,
        arrears_amount="30000",
        arrears_workers=4,
    )
    e.refresh_from_db()
    assert new.minimum_wage == Decimal("1660.00") and new.below_minimum_wage
    assert new.contract_rate == 0.75
    assert (e.employees, e.last_collected_on) == (12, new.collected_on)
    assert e.flag_no_contracts and e.flag_arrears and e.flag_below_min_wage and e.flag_uninsured
    assert not e.is_stale()
    services.withdraw_snapshot(actor=user("county"), snapshot=new, reason="录入错误")
    e.refresh_from_db()
    assert (e.employees, e.current_snapshot) == (8, old)
    assert not (e.flag_no_contracts or e.flag_arrears or e.flag_below_min_wage)
    assert e.is_stale()


def test_the_deepest_and_latest_minimum_wage_applies() -> None:
    county = Grid.objects.get(code=COUNTY)
    town = Grid.objects.get(code=MAOCHANG)
    for area, when, monthly in (
        (county, date(2019, 12, 1), "1570"),
        (county, date(2023, 2, 1), "1660"),
        (town, date(2023, 2, 1), "1760"),
    ):
        MinimumWage.objects.update_or_create(
            area=area, effective_from=when, defaults={"monthly": monthly, "area_path": area.path}
        )
    village = Grid.objects.get(code=MAOCHANG_VILLAGE)
    other = Grid.objects.get(code=MACHANG_VILLAGE)
    assert services.minimum_wage_for(village.path, date(2024, 1, 1)).monthly == Decimal("1760")  # type: ignore[union-attr]
    assert services.minimum_wage_for(other.path, date(2024, 1, 1)).monthly == Decimal("1660")  # type: ignore[union-attr]
    assert services.minimum_wage_for(other.path, date(2020, 1, 1)).monthly == Decimal("1570")  # type: ignore[union-attr]


# --- roster ---------------------------------------------------------------------------------------


def test_numbers_are_encrypted_masked_and_found_by_keyed_hash_across_employers() -> None:
    number = make_ric(321, birth="19851203")
    a = make_employer(MAOCHANG_VILLAGE)
    b = make_employer(MAOCHANG)
    c = make_employer(MACHANG_VILLAGE)
    w = make_worker(a, id_number=number.lower(), phone="139 0000 1111")
    make_worker(b, id_number=number, left_on="2025-01-01", started_on="2024-01-01")
    make_worker(c, id_number=number)
    row = Worker.objects.get(pk=w.pk)
    assert number not in row.id_enc and "13900001111" not in row.phone_enc
    assert pii.unseal(row.id_enc, context=services.WORKER_ID_CONTEXT) == number
    assert row.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert row.phone_masked == "139****1111"
    assert row.birth_date == date(1985, 12, 3) and row.gender == "male"
    found = {x.employer for x in services.employers_of_person(user("maochang"), "ric", number)}
    assert found == {a, b}  # not the 马场镇 one
    with pytest.raises(ValidationError):
        make_worker(a, id_number=number)  # already on the roster


def test_a_bad_id_number_and_child_labour_are_refused() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    bad = make_ric(5)[:-1] + ("0" if make_ric(5)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        make_worker(e, id_number=bad)
    assert "id_number" in exc.value.message_dict
    young = make_ric(6, birth=f"{timezone.localdate().year - 14}0101")
    with pytest.raises(ValidationError) as exc:
        make_worker(e, id_number=young, started_on=timezone.localdate().isoformat())
    assert "started_on" in exc.value.message_dict


def test_reveal_needs_the_capability_and_a_reason_and_is_audited() -> None:
    e = make_employer(MAOCHANG_VILLAGE)
    number = make_ric(77)
    w = make_worker(e, id_number=number)
    with pytest.raises(PermissionDenied):
        services.reveal_worker_number(
            actor=user("maochang-a1"), worker=w, field="id_number", reason="核对"
        )
    with pytest.raises(ValidationError):
        services.reveal_worker_number(
            actor=user("maochang"), worker=w, field="id_number", reason=""
        )
    before = AuditEvent.objects.filter(action="pii_reveal").count()
    value = services.reveal_worker_number(
        actor=user("maochang"), worker=w, field="id_number", reason="核对欠薪名单"
    )
    assert value == number
    event = AuditEvent.objects.filter(action="pii_reveal").latest("id")
    assert AuditEvent.objects.filter(action="pii_reveal").count() == before + 1
    assert event.detail["reason"] == "核对欠薪名单" and number not in str(event.detail)


# --- merge / unmerge / split --------------------------------------------------------------------------


def test_merge_moves_everything_and_unmerge_restores_it_exactly() -> None:
    code = make_uscc()
    target = make_employer(MAOCHANG_VILLAGE, name="大方县合并目标有限公司")
    source = make_employer(MAOCHANG_VILLAGE, name="大方县合并来源有限公司", uscc=code)
    s1 = make_snapshot(source, employees=30, contracts_signed=30)
    w1 = make_worker(source)
    county = user("county")
    merge = services.merge_employers(actor=county, source=source, target=target, reason="同一单位")
    target.refresh_from_db()
    source.refresh_from_db()
    assert source.merged_into == target and source.uscc is None
    assert target.uscc == code and "大方县合并来源有限公司" in target.former_name_list
    assert LabourSnapshot.objects.get(pk=s1.pk).employer == target
    assert Worker.objects.get(pk=w1.pk).employer == target
    assert target.employees == 30
    assert not Employer.objects.current().filter(pk=source.pk).exists()
    with pytest.raises(ValidationError):
        services.update_employer(actor=county, employer=source, data={}, expected_version=None)
    services.unmerge(actor=county, merge=merge)
    target.refresh_from_db()
    source.refresh_from_db()
    assert source.merged_into is None and source.uscc == code
    assert target.uscc is None and target.former_name_list == []
    assert LabourSnapshot.objects.get(pk=s1.pk).employer == source
    assert Worker.objects.get(pk=w1.pk).employer == source
    assert (target.employees, source.employees) == (0, 30)
    assert EmployerSource.objects.filter(employer=source).exists()


def test_employers_with_different_codes_cannot_be_merged() -> None:
    a = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc())
    b = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc())
    with pytest.raises(ValidationError):
        services.merge_employers(actor=user("county"), source=a, target=b, reason="x")


def test_split_moves_the_chosen_records_to_a_new_employer() -> None:
    e = make_employer(MAOCHANG_VILLAGE, name="大方县混合记录有限公司")
    keep = make_snapshot(e, collected_on="2025-01-01")
    move = make_snapshot(e, collected_on="2025-06-01", employees=3, contracts_signed=3)
    w = make_worker(e)
    new = services.split_employer(
        actor=user("county"),
        employer=e,
        data={"name": "大方县另一家商行", "employer_type": "individual"},
        snapshot_ids=[move.pk],
        worker_ids=[w.pk],
        reason="两家单位误录为一家",
    )
    e.refresh_from_db()
    assert new.employees == 3 and e.current_snapshot == keep
    assert Worker.objects.get(pk=w.pk).employer == new
    assert new.grid == e.grid


# --- search: the index and the scan agree -----------------------------------------------------------


@pytest.mark.parametrize("q", ["猫", "兴旺", "有限公", "z", "镇5"])
def test_the_scan_finds_exactly_what_the_index_finds(q: str) -> None:
    make_employer(MAOCHANG_VILLAGE, name="大方县兴旺z有限公司", address="猫场镇5号")
    by_index = set(Employer.objects.filter(services.search_q(q)).values_list("pk", flat=True))
    by_scan = set(Employer.objects.filter(search_text__phrase_scan=q).values_list("pk", flat=True))
    assert by_index == by_scan
    assert PhraseScan.lookup_name == "phrase_scan"


def test_adaptive_search_uses_the_scan_for_common_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    from laborgrid.core import search

    make_employer(MAOCHANG_VILLAGE, name="大方县常见字测试有限公司")
    monkeypatch.setattr(search, "SCAN_THRESHOLD", 0)
    plan = plan_search(Employer, "常见")
    q = plan.q
    assert plan.scan and "phrase_scan" in str(q)
    assert Employer.objects.filter(q).exists()
    monkeypatch.setattr(search, "SCAN_THRESHOLD", 10**9)
    plan = plan_search(Employer, "常见")
    q = plan.q
    assert not plan.scan and "phrase_scan" not in str(q) and "phrase" in str(q)
    assert Employer.objects.filter(q).exists()


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as exc:
        make_employer(
            MAOCHANG_VILLAGE,
            uscc="91520521XXXXXXXXX1",
            lat="26.9",
            established_on="2020-02-31",
            contact_phone="12",
        )
    assert {"uscc", "lat", "established_on", "contact_phone"} <= set(exc.value.message_dict)


@pytest.mark.parametrize("large", [0, 10**9])
def test_the_planned_list_scope_is_exactly_the_scope(
    monkeypatch: pytest.MonkeyPatch, large: int
) -> None:
    from laborgrid.employers import filters

    make_employer(MAOCHANG_VILLAGE)
    make_employer(MACHANG_VILLAGE)
    monkeypatch.setattr(
        filters, "LARGE_SUBTREE", {"sqlite": large, "postgresql": large}
    )  # every subtree "large", then none
    for name in ("county", "maochang", "machang", "leader", "sysadmin"):
        u = user(name)
        planned = set(filters.base_queryset(u).values_list("pk", flat=True))
        gated = set(Employer.objects.visible_to(u).current().values_list("pk", flat=True))
        assert planned == gated, name
