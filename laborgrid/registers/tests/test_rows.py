"""Row normalising: every problem of a row collected with its column, the row rules, and the
whole path from a file to clean rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborgrid.employers.choices import EmployerStatus, EmployerType
from laborgrid.registers.presets import PRESETS, match_headers
from laborgrid.registers.reading import open_register
from laborgrid.registers.rows import FieldError, RowNormaliser, normalise_row
from laborgrid.registers.tests.files import HEADER, csv_text, scjg_rows, with_titles, write
from laborgrid.testing.employers import make_uscc

TODAY = date(2026, 5, 1)


def _row(**raw: Any) -> Any:
    return normalise_row(raw, "scjg", today=TODAY)


def test_a_good_row() -> None:
    uscc = make_uscc(1)
    result = _row(
        uscc=f" {uscc.lower()} ",
        name="大方县某某（贵州）商贸有限公司",
        legal_rep="张　三",
        employer_type="有限责任公司（自然人投资或控股）",
        established_on="2015年3月7日",
        registered_capital="500万元人民币",
        status="存续（在营、开业、在册）",
        address="贵州省毕节市大方县 猫场镇",
        business_scope="销售：建材；餐饮服务。",
        registration_authority="大方县市场监督管理局",
        contact_phone="13812345678",
        former_names="大方县某某商店；某某商行",
        industry="F",
        lng="105.61",
        lat="27.14",
    )
    assert result.ok and result.errors == [] and result.warnings == []
    assert result.clean == {
        "uscc": uscc,
        "org_code": uscc[8:17],
        "name": "大方县某某(贵州)商贸有限公司",
        "legal_rep": "张三",
        "employer_type": EmployerType.ENTERPRISE,
        "established_on": date(2015, 3, 7),
        "registered_capital": Decimal("500.0000"),
        "status": EmployerStatus.OPERATING,
        "address": "贵州省毕节市大方县 猫场镇",
        "business_scope": "销售：建材；餐饮服务。",
        "registration_authority": "大方县市场监督管理局",
        "contact_phone": "13812345678",
        "former_names": "大方县某某商店\n某某商行",
        "industry": "F",
        "lng": 105.61,
        "lat": 27.14,
    }


def test_blank_cells_are_absent() -> None:
    result = _row(uscc=make_uscc(2), name="某公司", legal_rep="", status="无", address=" ")
    assert result.ok
    assert set(result.clean) == {"uscc", "org_code", "name", "employer_type"}


def test_every_problem_is_collected_with_its_column() -> None:
    result = _row(
        uscc="91520521MA6DXXXXX1",
        name="",
        established_on="2031-01-01",
        registered_capital="五百多万",
        status="清算中",
        contact_phone="12345",
        industry="不知道",
    )
    assert [(e.field, e.code) for e in result.errors] == [
        ("uscc", "checksum"),
        ("established_on", "date_future"),
        ("registered_capital", "capital_format"),
        ("status", "status"),
        ("name", "required"),
    ]
    assert all(e.header and e.message for e in result.errors)
    assert {e.field for e in result.warnings} == {"contact_phone", "industry"}


def test_identity_is_required_except_for_an_individual_business_with_an_address() -> None:
    no_code = _row(name="大方县某某公司", employer_type="有限责任公司", address="猫场镇")
    assert [e.code for e in no_code.errors] == ["no_identity"]
    geti = _row(name="大方县张三小吃店", employer_type="个体工商户", address="猫场镇新街")
    assert geti.ok and geti.clean["employer_type"] == EmployerType.INDIVIDUAL
    geti_no_address = _row(name="大方县张三小吃店", employer_type="个体工商户")
    assert [e.code for e in geti_no_address.errors] == ["no_identity"]
    # A bad code is reported as itself, not also as a missing identity.
    bad = _row(name="某公司", uscc="123")
    assert [e.code for e in bad.errors] == ["length"]


def test_org_code_comes_from_the_uscc_and_must_agree() -> None:
    uscc = make_uscc(3)
    assert _row(name="甲", uscc=uscc, org_code=uscc[8:16] + "-" + uscc[16]).ok
    other = make_uscc(4)[8:17]
    result = _row(name="甲", uscc=uscc, org_code=other)
    assert [(e.field, e.code) for e in result.errors] == [("org_code", "org_conflict")]
    assert result.clean["org_code"] == uscc[8:17]


def test_a_column_holding_either_code() -> None:
    uscc = make_uscc(5)
    assert _row(name="甲", code=uscc).clean["uscc"] == uscc
    assert _row(name="甲", code="110108000000016").clean["reg_number"] == "110108000000016"
    assert _row(name="甲", code="60003734-1").clean["org_code"] == "600037341"
    assert [e.code for e in _row(name="甲", code="12345").errors] == ["length"]
    conflict = _row(name="甲", code=uscc, uscc=make_uscc(6))
    assert [e.code for e in conflict.errors] == ["code_conflict"]


def test_type_from_uscc_when_blank() -> None:
    assert _row(name="甲", uscc=make_uscc(7, prefix="92520521")).clean["employer_type"] == (
        EmployerType.INDIVIDUAL
    )
    assert _row(name="甲", reg_number="110108000000016").clean["employer_type"] == (
        EmployerType.OTHER
    )
    jy = normalise_row({"name": "某幼儿园", "org_code": "600037341"}, "jy", today=TODAY)
    assert jy.clean["employer_type"] == EmployerType.PRIVATE_NON_ENTERPRISE


def test_capital_rules() -> None:
    uscc = make_uscc(8)
    foreign = _row(name="甲", uscc=uscc, registered_capital="500万美元")
    assert foreign.ok and "registered_capital" not in foreign.clean
    assert foreign.clean["registered_capital_foreign"] == Decimal(500)
    assert foreign.clean["capital_currency"] == "USD"
    assert [w.code for w in foreign.warnings] == ["foreign_currency"]
    huge = _row(name="甲", uscc=uscc, registered_capital="5000000")
    assert huge.ok and huge.clean["registered_capital"] == Decimal(5000000)
    assert [w.code for w in huge.warnings] == ["capital_suspicious"]


def test_coordinates_rules() -> None:
    base = {"name": "甲", "uscc": make_uscc(9)}
    swapped = _row(**base, lng="27.14", lat="105.61")
    assert (swapped.clean["lng"], swapped.clean["lat"]) == (105.61, 27.14)
    assert [w.code for w in swapped.warnings] == ["coordinate_swapped"]
    half = _row(**base, lng="105.61")
    assert "lng" not in half.clean and [w.code for w in half.warnings] == ["coordinate_half"]
    outside = _row(**base, lng="2.35", lat="48.85")
    assert "lng" not in outside.clean and [w.code for w in outside.warnings] == [
        "coordinate_outside"
    ]
    pair = _row(**base, coordinates="27.14,105.61")
    assert (pair.clean["lng"], pair.clean["lat"]) == (105.61, 27.14) and pair.ok


def test_several_phones_keep_the_first() -> None:
    result = _row(name="甲", uscc=make_uscc(10), contact_phone="0857-1234567/13812345678")
    assert result.clean["contact_phone"] == "0857-1234567"
    assert [w.code for w in result.warnings] == ["several_phones"]
    assert "1234567" not in result.warnings[0].message


def test_overlong_values() -> None:
    result = _row(name="甲" * 201, uscc=make_uscc(11), legal_rep="乙" * 61)
    assert [(e.field, e.code) for e in result.errors] == [
        ("name", "too_long"),
        ("legal_rep", "too_long"),
    ]


def test_mapping_errors_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        RowNormaliser("scjg", ["甲"], {"甲": "nonsense"})
    with pytest.raises(ValueError, match="twice"):
        RowNormaliser("scjg", ["甲", "乙"], {"甲": "name", "乙": "name"})


VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.none(),
)


@given(st.fixed_dictionaries({}, optional={f: VALUES for f in PRESETS["scjg"].aliases}))
@settings(max_examples=300)
def test_never_raises_for_any_value(raw: dict[str, Any]) -> None:
    result = normalise_row(raw, "scjg", today=TODAY)
    assert all(isinstance(e, FieldError) and e.message for e in result.errors + result.warnings)
    assert result.ok == (not result.errors)


# --------------------------------------------------------------------------- from a file


def test_from_a_gbk_file_to_clean_rows(tmp_path: Path) -> None:
    rows = scjg_rows(4)
    rows[1][4] = "2015-02-30"  # impossible date
    rows[2][0] = ""  # no code, and not an individual business
    rows[3][7] = "猫场镇"
    rows[3].append("错位的列")  # a shifted row
    header = ["序号", *HEADER, "所属网格"]
    lines = [header] + [[str(i), *row] for i, row in enumerate(rows, 1)]
    lines[4][9:] = ["", "错位的列"]
    path = write(tmp_path, "r.csv", csv_text(with_titles(lines)).encode("gbk"))
    with open_register(path) as register:
        match = match_headers(register.headers, PRESETS["scjg"])
        assert match.unknown == ["所属网格"] and match.ignored == ["序号"]
        normaliser = RowNormaliser(
            "scjg", register.headers, match.mapping, hints=match.hints, today=TODAY
        )
        results = [(n, normaliser.normalise_cells(cells)) for n, cells in register.rows()]
    assert [n for n, _r in results] == [5, 6, 7, 8]
    assert results[0][1].ok
    assert results[0][1].clean["registered_capital"] == Decimal(500)
    assert [(e.header, e.code) for e in results[1][1].errors] == [("成立日期", "date_impossible")]
    assert [e.code for e in results[2][1].errors] == ["no_identity"]
    assert [e.code for e in results[3][1].errors] == ["extra_cells"]
    assert "11" in results[3][1].errors[0].message


def test_values_repeating_down_a_file_give_the_same_results() -> None:
    """A column's converted values are remembered within a file (its problems too); a column
    whose values are all different stops being remembered, and every row still comes out as
    it would alone."""
    headers = ["统一社会信用代码", "企业名称", "成立日期", "登记状态", "注册资本"]
    mapping = {"统一社会信用代码": "uscc", "企业名称": "name", "成立日期": "established_on"}
    mapping |= {"登记状态": "status", "注册资本": "registered_capital"}
    normaliser = RowNormaliser("scjg", headers, mapping, today=TODAY)
    for i in range(6000):
        cells = [make_uscc(i), f"大方县第{i}商行", "2031-01-01" if i % 2 else "2015/3/7"]
        cells += ["吊销，未注销" if i % 3 else "存续", "500万元人民币"]
        result = normaliser.normalise_cells(cells)
        assert result == normalise_row(
            dict(zip(mapping.values(), cells, strict=True)), "scjg", today=TODAY
        )
        if i % 2:
            assert [(e.field, e.header) for e in result.errors] == [("established_on", "成立日期")]
        else:
            assert result.ok and result.clean["established_on"] == date(2015, 3, 7)
    remembered = dict(
        zip([name for _i, name, _h, _c in normaliser.plan], normaliser.memo, strict=True)
    )
    assert remembered["uscc"] is None and remembered["name"] is None
    assert remembered["status"] is not None and len(remembered["status"]) == 2


def test_amounts_read_as_fixed_point_numbers() -> None:
    """Issue 23: the preview showed "注册资本：2E+2 → 5E+2" (Decimal.normalize() in repr form)."""
    from laborgrid.registers.pipeline import _json

    assert _json(Decimal("200.00")) == "200"
    assert _json(Decimal("500")) == "500"
    assert _json(Decimal("1.50")) == "1.5"
    huge = _row(name="甲", uscc=make_uscc(8), registered_capital="5000000")
    (warning,) = huge.warnings
    assert "5000000" in warning.message and "E+" not in warning.message
