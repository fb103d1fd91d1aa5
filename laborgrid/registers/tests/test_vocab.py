"""Register words to employer vocabularies: status, type, industry."""

from __future__ import annotations

from typing import Any

import pytest

from laborgrid.employers.choices import EmployerStatus, EmployerType
from laborgrid.registers.normalise import NormaliseError
from laborgrid.registers.vocab import (
    parse_employer_type,
    parse_industry,
    parse_status,
    type_from_uscc,
)
from laborgrid.testing.employers import make_uscc

S = EmployerStatus
T = EmployerType


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("存续", S.OPERATING),
        ("存续（在营、开业、在册）", S.OPERATING),
        ("存续(在营、开业、在册)", S.OPERATING),
        ("在业", S.OPERATING),
        (" 开业 ", S.OPERATING),
        ("在营", S.OPERATING),
        ("正常", S.OPERATING),
        ("登记成立", S.OPERATING),
        ("确立", S.OPERATING),
        ("停业", S.SUSPENDED),
        ("歇业", S.SUSPENDED),
        ("注销", S.DEREGISTERED),
        ("已注销", S.DEREGISTERED),
        ("撤销登记", S.DEREGISTERED),
        ("吊销，已注销", S.DEREGISTERED),
        ("吊销", S.REVOKED),
        ("吊销未注销", S.REVOKED),
        ("吊销，未注销", S.REVOKED),
        ("吊销,未注销", S.REVOKED),
        ("已吊销", S.REVOKED),
        ("迁出", S.MOVED_OUT),
        ("已迁出", S.MOVED_OUT),
    ],
)
def test_status_words(word: str, status: EmployerStatus) -> None:
    assert parse_status(word) == status


def test_unknown_status_lists_the_accepted_words() -> None:
    with pytest.raises(NormaliseError) as info:
        parse_status("清算中")
    assert info.value.code == "status" and info.value.fatal
    assert "清算中" in info.value.message and "存续" in info.value.message
    assert "吊销未注销" in info.value.message
    assert parse_status("") is None and parse_status("无") is None


@pytest.mark.parametrize(
    ("word", "source", "kind"),
    [
        ("有限责任公司(自然人投资或控股)", "scjg", T.ENTERPRISE),
        ("有限责任公司（自然人独资）", "scjg", T.ENTERPRISE),
        ("股份有限公司(非上市、自然人投资或控股)", "scjg", T.ENTERPRISE),
        ("个人独资企业", "scjg", T.ENTERPRISE),
        ("普通合伙企业", "scjg", T.ENTERPRISE),
        ("有限责任公司分公司(自然人投资或控股)", "scjg", T.ENTERPRISE),
        ("全民所有制", "scjg", T.ENTERPRISE),
        ("外商投资企业分支机构", "scjg", T.ENTERPRISE),
        ("某种新型公司", "scjg", T.ENTERPRISE),
        ("个体工商户", "scjg", T.INDIVIDUAL),
        ("个体", "scjg", T.INDIVIDUAL),
        ("个人经营", "scjg", T.INDIVIDUAL),
        ("家庭经营", "scjg", T.INDIVIDUAL),
        ("农民专业合作社", "scjg", T.COOPERATIVE),
        ("农民专业合作社分社", "scjg", T.COOPERATIVE),
        ("社会团体", "mz", T.SOCIAL_ORG),
        ("基金会", "mz", T.SOCIAL_ORG),
        ("民办非企业单位", "mz", T.PRIVATE_NON_ENTERPRISE),
        ("民办非企业单位（法人）", "mz", T.PRIVATE_NON_ENTERPRISE),
        ("社会服务机构", "mz", T.PRIVATE_NON_ENTERPRISE),
        ("民办学校", "jy", T.PRIVATE_NON_ENTERPRISE),
        ("民办幼儿园", "jy", T.PRIVATE_NON_ENTERPRISE),
        ("幼儿园", "jy", T.PRIVATE_NON_ENTERPRISE),  # 教育 lists private schools
        ("公办幼儿园", "jy", T.PUBLIC_INSTITUTION),
        ("事业单位", "zj", T.PUBLIC_INSTITUTION),
        ("机关", "zj", T.STATE_ORGAN),
        ("宗教活动场所", "zj", T.OTHER),
        ("幼儿园", "scjg", T.OTHER),
    ],
)
def test_employer_type_words(word: str, source: str, kind: EmployerType) -> None:
    assert parse_employer_type(word, source) == kind


def test_blank_type_and_type_from_uscc() -> None:
    assert parse_employer_type("", "scjg") is None
    assert type_from_uscc(make_uscc(1, prefix="91520521")) == T.ENTERPRISE
    assert type_from_uscc(make_uscc(1, prefix="92520521")) == T.INDIVIDUAL
    assert type_from_uscc(make_uscc(1, prefix="93520521")) == T.COOPERATIVE
    assert type_from_uscc(make_uscc(1, prefix="52520521")) == T.PRIVATE_NON_ENTERPRISE
    assert type_from_uscc(make_uscc(1, prefix="N2520521")) is None


@pytest.mark.parametrize(
    ("raw", "section"),
    [
        ("C", "C"),
        ("c", "C"),
        ("C13", "C"),
        ("C1310 谷物磨制", "C"),
        ("(C)制造业", "C"),
        ("制造业", "C"),
        ("批发和零售业", "F"),
        ("农、林、牧、渔业", "A"),
        ("农林牧渔业", "A"),
        ("信息传输、软件和信息技术服务业", "I"),
        ("13", "C"),
        ("1310", "C"),
        (1310, "C"),
        (1310.0, "C"),
        ("01", "A"),
        ("83", "P"),
        ("96", "S"),
        ("97", "T"),
        ("", None),
    ],
)
def test_industry(raw: Any, section: str | None) -> None:
    assert parse_industry(raw) == section


@pytest.mark.parametrize("raw", ["C01", "99", "Z", "不知道", "cafe"])
def test_unknown_industry_is_a_warning(raw: str) -> None:
    with pytest.raises(NormaliseError) as info:
        parse_industry(raw)
    assert not info.value.fatal and info.value.code == "industry"
