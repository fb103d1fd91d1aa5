"""Source presets and header matching: real export headers of each department, spelling
variations, unit hints, duplicates, unknown columns reported, and a JSON-ready mapping."""

from __future__ import annotations

import json

import pytest

from laborgrid.employers.choices import RegisterSource
from laborgrid.employers.services import EMPLOYER_FIELDS
from laborgrid.registers.presets import (
    FIELDS,
    PRESETS,
    check_mapping,
    header_key,
    header_score,
    match_headers,
)

SCJG_HEADER = ["序号", "统一社会信用代码", "注册号", "企业名称", "法定代表人", "企业类型", "成立日期",
               "注册资本(万元)", "登记机关", "登记状态", "住所", "经营范围", "核准日期", "所属网格"]  # fmt: skip
GETI_HEADER = ["统一社会信用代码", "字号名称", "经营者", "组成形式", "注册日期", "资金数额", "经营场所",
               "经营范围", "登记机关", "经营状态"]  # fmt: skip
MZ_HEADER = ["统一社会信用代码", "社会组织名称", "社会组织类型", "法定代表人", "业务主管单位",
             "登记管理机关", "成立登记日期", "登记日期", "注册资金（万元）", "住所", "宗旨和业务范围"]  # fmt: skip
JY_HEADER = ["学校名称", "办学类型", "举办者", "校长", "办学地址", "审批机关", "办学许可证号",
             "统一社会信用代码", "联系电话"]  # fmt: skip
ZJ_HEADER = ["机构代码", "机构名称", "机构类型", "法定代表人", "机构地址", "经济行业", "颁证单位",
             "成立日期", "注册资金"]  # fmt: skip


def test_presets_cover_every_source_and_employer_fields() -> None:
    assert set(PRESETS) == {"scjg", "mz", "jy", "zj"}
    assert {p.source for p in PRESETS.values()} <= set(RegisterSource.values)
    importable = set(EMPLOYER_FIELDS) - {"employer_type", "industry"}
    assert importable <= set(FIELDS)
    for preset in PRESETS.values():
        assert set(preset.aliases) == set(FIELDS)
        assert all(preset.aliases[f] for f in FIELDS)


def test_scjg_export() -> None:
    match = match_headers(SCJG_HEADER, PRESETS["scjg"])
    assert match.fields == {
        "uscc": "统一社会信用代码",
        "reg_number": "注册号",
        "name": "企业名称",
        "legal_rep": "法定代表人",
        "employer_type": "企业类型",
        "established_on": "成立日期",
        "registered_capital": "注册资本(万元)",
        "registration_authority": "登记机关",
        "status": "登记状态",
        "address": "住所",
        "business_scope": "经营范围",
    }
    assert match.unknown == ["所属网格"]
    assert match.ignored == ["序号", "核准日期"]
    assert match.hints == {"registered_capital": "万元"}
    assert match.duplicates == [] and match.missing == []
    assert list(match.mapping) == SCJG_HEADER  # every column, in file order


def test_individual_business_export() -> None:
    match = match_headers(GETI_HEADER, PRESETS["scjg"])
    assert match.fields["name"] == "字号名称"
    assert match.fields["legal_rep"] == "经营者"
    assert match.fields["employer_type"] == "组成形式"
    assert match.fields["established_on"] == "注册日期"
    assert match.fields["registered_capital"] == "资金数额"
    assert match.fields["address"] == "经营场所"
    assert match.fields["status"] == "经营状态"
    assert match.unknown == []


def test_mz_export() -> None:
    match = match_headers(MZ_HEADER, PRESETS["mz"])
    assert match.fields["name"] == "社会组织名称"
    assert match.fields["employer_type"] == "社会组织类型"
    assert match.fields["registration_authority"] == "登记管理机关"
    assert match.fields["established_on"] == "成立登记日期"
    assert match.duplicates == [("established_on", "成立登记日期", "登记日期")]
    assert match.fields["business_scope"] == "宗旨和业务范围"
    assert match.hints == {"registered_capital": "万元"}
    assert match.unknown == ["业务主管单位"]


def test_jy_export() -> None:
    match = match_headers(JY_HEADER, PRESETS["jy"])
    assert match.fields["name"] == "学校名称"
    assert match.fields["employer_type"] == "办学类型"
    assert match.fields["legal_rep"] == "校长"
    assert match.fields["address"] == "办学地址"
    assert match.fields["registration_authority"] == "审批机关"
    assert match.fields["contact_phone"] == "联系电话"
    assert set(match.unknown) == {"举办者", "办学许可证号"}


def test_zj_export() -> None:
    match = match_headers(ZJ_HEADER, PRESETS["zj"])
    assert match.fields["org_code"] == "机构代码"
    assert match.fields["name"] == "机构名称"
    assert match.fields["registration_authority"] == "颁证单位"
    assert match.fields["industry"] == "经济行业"
    assert match.unknown == [] and match.missing == []


@pytest.mark.parametrize(
    "written",
    [
        "企业名称",
        " 企业名称 ",
        "企业 名称",
        "*企业名称",
        "企业名称*",
        "企业名称＊",
        "企业名称（必填）",
        "企业名称(必填)*",
        "企业名称【必填】",
        "企业名称：",
        "企业名称　",
    ],
)
def test_header_spelling_variations(written: str) -> None:
    assert match_headers([written], PRESETS["scjg"]).mapping == {written: "name"}


def test_header_key() -> None:
    assert header_key("＊企业名称（必填）：") == "企业名称(必填)"
    assert header_key("住所（经营场所）") == header_key("住所(经营场所)") == "住所(经营场所)"
    assert header_key("LNG") == "lng"


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("注册资本（万元）", "万元"),
        ("注册资本(元)", "元"),
        ("注册资本（万美元）", "万美元"),
        ("注册资本（单位：万元）", "万元"),
        ("注册资本", None),
    ],
)
def test_capital_unit_hints(header: str, hint: str | None) -> None:
    match = match_headers(["企业名称", header], PRESETS["scjg"])
    assert match.mapping[header] == "registered_capital"
    assert match.hints.get("registered_capital") == hint


def test_duplicates_keep_the_preferred_alias() -> None:
    headers = ["名称", "企业名称", "电话", "联系电话", "统一社会信用代码"]
    match = match_headers(headers, PRESETS["scjg"])
    assert match.mapping == {
        "名称": None,
        "企业名称": "name",
        "电话": None,
        "联系电话": "contact_phone",
        "统一社会信用代码": "uscc",
    }
    assert match.duplicates == [("name", "企业名称", "名称"), ("contact_phone", "联系电话", "电话")]
    # Same alias twice: the leftmost wins.
    match = match_headers(["企业名称", "电话", "电话（第3列）"], PRESETS["scjg"])
    assert match.mapping["电话"] == "contact_phone" and match.mapping["电话（第3列）"] is None
    assert match.duplicates == [("contact_phone", "电话", "电话（第3列）")]


def test_missing_name_or_identity() -> None:
    assert len(match_headers(["住所", "电话"], PRESETS["scjg"]).missing) == 1  # no name
    assert (
        len(match_headers(["企业名称", "电话"], PRESETS["scjg"]).missing) == 1
    )  # nothing to identify
    assert (
        match_headers(["字号名称", "经营场所"], PRESETS["scjg"]).missing == []
    )  # 个体: name + address
    assert len(match_headers(["备注"], PRESETS["scjg"]).missing) == 2


def test_code_column_holding_either_code() -> None:
    match = match_headers(["统一社会信用代码/注册号", "企业名称"], PRESETS["scjg"])
    assert match.fields == {"code": "统一社会信用代码/注册号", "name": "企业名称"}


def test_mapping_is_plain_json_and_can_be_checked() -> None:
    match = match_headers(SCJG_HEADER, PRESETS["scjg"])
    saved = json.loads(json.dumps(match.mapping, ensure_ascii=False))
    assert saved == match.mapping
    assert check_mapping(SCJG_HEADER, saved) == []
    # A person maps 所属网格 to nothing and 核准日期 to the founding date instead.
    edited = {**saved, "成立日期": None, "核准日期": "established_on"}
    assert check_mapping(SCJG_HEADER, edited) == []
    problems = check_mapping(
        ["企业名称", "住所"],
        {"企业名称": "name", "住所": "address", "别的列": "uscc", "成立日期": "founded"},
    )
    assert len(problems) == 2 and "别的列" in problems[0] and "founded" in problems[1]
    problems = check_mapping(["企业名称", "名称"], {"企业名称": "name", "名称": "name"})
    assert any("企业名称" in p and "名称" in p for p in problems)


def test_header_score() -> None:
    assert header_score(SCJG_HEADER) == 11
    assert header_score(["大方县市场主体登记信息导出"]) == 0
    assert header_score(["导出时间：2026-05-01", "共 3 条"]) == 0
    assert header_score(["学校名称", "校长", "办学地址"]) == 3  # aliases of every preset
    assert header_score(["企业名称", 1, None, 2.5]) == 1
