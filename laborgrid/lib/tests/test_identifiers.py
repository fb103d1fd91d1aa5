"""Tests for laborgrid.lib.identifiers: plain pytest, no Django, no database.

The check algorithms are re-implemented here from DOMAIN.md B6 (weights and check tables)
instead of being imported from the module under test, so that a wrong algorithm in the module
cannot also "prove" itself correct.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from laborgrid.lib import identifiers
from laborgrid.lib.identifiers import (
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    InvalidIdentifier,
    identify,
    mask_phone,
    mask_ric,
    normalise_code,
    org_code_check_digit,
    ric_birth_date,
    ric_birth_place,
    ric_gender,
    uscc_check_digit,
    uscc_org_code,
    uscc_parts,
    validate_mobile,
    validate_org_code,
    validate_phone,
    validate_registration_number,
    validate_ric,
    validate_uscc,
)

# --------------------------------------------------------------------------- reference algorithms

REF_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REF_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
REF_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ref_uscc_check(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, REF_USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def ref_org_check(body8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    c9 = 11 - sum(value(c) * w for c, w in zip(body8, REF_ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def ref_ric_check(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, REF_RIC_WEIGHTS, strict=True)) % 11]


def ref_mod_11_10_valid(number: str) -> bool:
    """ISO 7064 MOD 11,10 (hybrid system), written from the standard's description."""
    p = 10
    for ch in number[:-1]:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return (p + int(number[-1])) % 10 == 1


def make_uscc(authority: str, category: str, region: str, org_body: str) -> str:
    """A USCC with a correct embedded org-code check and a correct overall check."""
    body = authority + category + region + org_body + ref_org_check(org_body)
    return body + ref_uscc_check(body)


def make_ric(address: str, birth: date, sequence: int) -> str:
    body = f"{address}{birth:%Y%m%d}{sequence:03d}"
    return body + ref_ric_check(body)


def full_width(text: str) -> str:
    """ASCII → full-width forms, as Chinese input methods produce them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


CJK = re.compile(r"[\u4e00-\u9fff]")

# Verified examples from DOMAIN B6.
XIAOMI_BEIJING = "91110000600037341L"
XIAOMI = "91110108551385082Q"
RIC = "360426199101010071"

# Synthetic but well-formed codes for the authorities stdnum refuses (DOMAIN B6.1).
N_CODE = make_uscc("N", "2", "330100", "MA2A0B1C")  # village collective, org check 4
A_CODE = make_uscc("A", "1", "110000", "52052107")  # org check X
Y_CODE = make_uscc("Y", "Q", "520521", "52052128")  # Y: no category restriction; org check 0
DAFANG_RIC = make_ric("520521", date(1990, 1, 1), 1)  # 大方县, born before stdnum's 2011


# --------------------------------------------------------------------------- sanity of the fixtures


def test_reference_algorithms_match_the_verified_examples() -> None:
    assert ref_org_check("60003734") == "1"
    assert ref_org_check("55138508") == "2"
    assert ref_uscc_check(XIAOMI_BEIJING[:17]) == "L"
    assert ref_uscc_check(XIAOMI[:17]) == "Q"
    assert ref_ric_check(RIC[:17]) == "1"
    assert N_CODE[:17] == "N2330100MA2A0B1C4"
    assert N_CODE[17] == stdnum_uscc.calc_check_digit(N_CODE[:17])
    assert A_CODE[8:17] == "52052107X"
    assert Y_CODE[8:17] == "520521280"


# --------------------------------------------------------------------------- normalise_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("９１１１００００６０００３７３４１Ｌ", XIAOMI_BEIJING),
        ("91110000600037341l", XIAOMI_BEIJING),
        (" 9111 0000 6000 3734 1L\t\n", XIAOMI_BEIJING),
        ("9111\u30000000\u00a0600037341L", XIAOMI_BEIJING),  # ideographic space, NBSP
        ("\ufeff91110000\u200b600037341L", XIAOMI_BEIJING),  # BOM, zero-width space
        ("60003734-1", "600037341"),
        ("60003734－1", "600037341"),  # full-width hyphen
        ("60003734—1", "600037341"),  # em dash
        ("3604261991010100７ｘ", "3604261991010100" + "7X"),
        ("", ""),
    ],
)
def test_normalise_code(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


def test_normalise_code_is_idempotent() -> None:
    raw = " ９１１１００００-６０００３７３４１ｌ "
    assert normalise_code(normalise_code(raw)) == normalise_code(raw)


# --------------------------------------------------------------------------- USCC


@pytest.mark.parametrize("code", [XIAOMI_BEIJING, XIAOMI, N_CODE, A_CODE, Y_CODE])
def test_validate_uscc_accepts_valid_codes(code: str) -> None:
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    "raw",
    [
        "９１１１００００６０００３７３４１Ｌ",
        "91110000600037341l",
        "9111 0000 6000 3734 1L",
        "91110000-60003734-1L",
        "  91110000600037341L  ",
    ],
)
def test_validate_uscc_normalises(raw: str) -> None:
    assert validate_uscc(raw) == XIAOMI_BEIJING


def test_validate_uscc_accepts_what_stdnum_refuses() -> None:
    # DOMAIN B6.1: stdnum's validate() wants 8 leading digits; its check digit is still right.
    for code in (N_CODE, A_CODE, Y_CODE):
        assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]
        assert validate_uscc(code.lower()) == code


def test_validate_uscc_agrees_with_stdnum_on_numeric_authorities() -> None:
    for code in (XIAOMI_BEIJING, XIAOMI):
        assert stdnum_uscc.is_valid(code)


def test_every_authority_category_pair_in_the_table_validates() -> None:
    for authority, entry in USCC_AUTHORITIES.items():
        categories = entry.categories if entry.categories is not None else {"1": "", "X": ""}
        for category in categories:
            code = make_uscc(authority, category, "520521", "60003734")
            assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("9111000060003734", "length"),
        (XIAOMI_BEIJING + "0", "length"),
        ("91110000600O37341L", "charset"),  # letter O for zero
        ("9111000060003734IL", "charset"),  # letter I
        ("91110000600037341*", "charset"),
        ("B1110000600037341L", "authority"),
        ("0" + XIAOMI_BEIJING[1:], "authority"),
        ("94110000600037341L", "category"),  # 工商 has no category 4
        ("99110000600037341L", "category"),  # 工商 has no 9 (其他) either
        ("N4330100MA2A0B1C4X", "category"),
        ("5A110000600037341L", "category"),
        ("911100A0600037341L", "region"),
        ("91110000600037341K", "checksum"),
        ("91110000600037342L", "checksum"),
    ],
)
def test_validate_uscc_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(value)
    assert info.value.code == code
    assert CJK.search(info.value.message)
    assert str(info.value) == info.value.message


def test_validate_uscc_checks_the_embedded_org_code() -> None:
    # The synthetic code in DOMAIN B6.1 has a right USCC check but MA2A0B1C's GB 11714 check is 4.
    bad = "N2330100MA2A0B1C2R"
    assert stdnum_uscc.calc_check_digit(bad[:17]) == bad[17]
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(bad)
    assert info.value.code == "org_checksum"
    # The same for an ordinary enterprise code.
    body = "91520521" + "60003734" + "2"
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(body + ref_uscc_check(body))
    assert info.value.code == "org_checksum"


def test_validate_uscc_rejects_non_text() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(None)  # type: ignore[arg-type]
    assert info.value.code == "type"


def test_uscc_messages_name_the_allowed_values() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc("94110000600037341L")
    assert "1、2、3" in info.value.message
    assert "工商" in info.value.message


def test_uscc_parts_and_org_code() -> None:
    assert uscc_parts("９１１１０１０８５５１３８５０８２ｑ") == {
        "authority": "9",
        "category": "1",
        "region": "110108",
        "org_code": "551385082",
    }
    assert uscc_parts(N_CODE)["authority"] == "N"
    assert uscc_org_code(XIAOMI_BEIJING) == validate_org_code("60003734-1") == "600037341"
    assert uscc_org_code(XIAOMI) == validate_org_code("55138508-2")
    with pytest.raises(InvalidIdentifier):
        uscc_parts("91110000600037341K")


def test_uscc_check_digit() -> None:
    assert uscc_check_digit(XIAOMI_BEIJING[:17]) == "L"
    assert uscc_check_digit(N_CODE[:17]) == N_CODE[17]
    with pytest.raises(InvalidIdentifier) as info:
        uscc_check_digit("123")
    assert info.value.code == "length"
    with pytest.raises(InvalidIdentifier) as info:
        uscc_check_digit("9111000060003734O")
    assert info.value.code == "charset"


# --------------------------------------------------------------------------- 组织机构代码


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("60003734-1", "600037341"),
        ("600037341", "600037341"),
        ("55138508-2", "551385082"),
        ("６０００３７３４－１", "600037341"),
        ("52052107-x", "52052107X"),
        ("52052128-0", "520521280"),
        ("ma2a0b1c-4", "MA2A0B1C4"),
    ],
)
def test_validate_org_code(raw: str, expected: str) -> None:
    assert validate_org_code(raw) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("60003734", "length"),
        ("60003734-12", "length"),
        ("6000373*-1", "charset"),
        ("60003734-Y", "charset"),
        ("60003734-2", "checksum"),
        ("MA2A0B1C-2", "checksum"),
    ],
)
def test_validate_org_code_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_org_code(value)
    assert info.value.code == code


def test_org_code_check_digit_matches_reference_including_x_and_0() -> None:
    for body in ("60003734", "55138508", "52052107", "52052128", "MA2A0B1C", "ZZZZZZZZ"):
        assert org_code_check_digit(body) == ref_org_check(body)
    assert org_code_check_digit("52052107") == "X"
    assert org_code_check_digit("52052128") == "0"
    with pytest.raises(InvalidIdentifier):
        org_code_check_digit("1234567")
    with pytest.raises(InvalidIdentifier):
        org_code_check_digit("1234567a")


# --------------------------------------------------------------------------- 工商注册号


@pytest.mark.parametrize("number", ["520521000000016", "520521000000024", "110108000000008"])
def test_validate_registration_number(number: str) -> None:
    assert ref_mod_11_10_valid(number)
    assert validate_registration_number(number) == number
    assert validate_registration_number(full_width(number[:6]) + " " + number[6:]) == number


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("52052100000001A", "charset"),
        ("52052100000001", "length"),
        ("5205210000000160", "length"),
        ("520521000000017", "checksum"),
    ],
)
def test_validate_registration_number_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_registration_number(value)
    assert info.value.code == code


# --------------------------------------------------------------------------- 居民身份证号码

TODAY = date(2026, 6, 1)


def test_validate_ric_verified_example() -> None:
    assert validate_ric(RIC) == RIC
    assert stdnum_ric.is_valid(RIC)
    assert ric_birth_date(RIC) == date(1991, 1, 1)
    assert ric_gender(RIC) == "male"


def test_validate_ric_accepts_the_model_county_that_stdnum_rejects() -> None:
    # stdnum records 大方县 520521 only from 2011 (DOMAIN B6.1), so its validate() refuses adults.
    assert not stdnum_ric.is_valid(DAFANG_RIC)
    assert validate_ric(DAFANG_RIC) == DAFANG_RIC


def test_validate_ric_x_check_digit_and_case() -> None:
    ric = "52052119850615008X"
    assert ref_ric_check(ric[:17]) == "X"
    assert validate_ric(ric) == ric
    assert validate_ric(ric.lower()) == ric
    assert validate_ric(full_width(ric.lower())) == ric
    assert validate_ric("520521 19850615 008x") == ric


def test_validate_ric_upgrades_15_digit_ids() -> None:
    assert validate_ric("360426910101007") == RIC
    assert validate_ric("３６０４２６９１０１０１００７") == RIC
    legacy = "520521850615008"
    assert validate_ric(legacy) == "52052119850615008X"


def test_ric_gender_by_sequence_parity() -> None:
    assert ric_gender(make_ric("520521", date(1980, 5, 6), 123)) == "male"
    assert ric_gender(make_ric("520521", date(1980, 5, 6), 124)) == "female"
    assert ric_gender("520521800506124") == "female"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("36042619910101007", "length"),
        ("3604261991010100711", "length"),
        ("36042619910101007A", "charset"),
        ("3604261991A1010071", "charset"),
        ("36042691010100A", "charset"),
        ("360426199101010072", "checksum"),
        ("360426199101010170", "checksum"),  # transposition
        (make_ric("520521", date(1991, 1, 1), 1)[:10] + "0230" + "001" + "5", "birth_date"),
        ("360426911301007", "birth_date"),  # 15-digit, month 13
        (make_ric("520521", date(1899, 12, 31), 1), "birth_date_too_early"),
        (make_ric("520521", TODAY + timedelta(days=1), 1), "birth_date_future"),
    ],
)
def test_validate_ric_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_ric(value, today=TODAY)
    assert info.value.code == code
    assert CJK.search(info.value.message)
    if value:
        assert normalise_code(value) not in info.value.message  # no PII in messages or logs


def test_validate_ric_birth_date_fixture_really_has_a_valid_check() -> None:
    feb30 = make_ric("520521", date(1991, 1, 1), 1)[:10] + "0230" + "001" + "5"
    assert ref_ric_check(feb30[:17]) == "5"


def test_validate_ric_today_boundary_and_default() -> None:
    born_today = make_ric("520521", TODAY, 2)
    assert validate_ric(born_today, today=TODAY) == born_today
    china_today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    future = make_ric("520521", china_today + timedelta(days=2), 2)
    with pytest.raises(InvalidIdentifier) as info:
        validate_ric(future)
    assert info.value.code == "birth_date_future"
    assert validate_ric(make_ric("520521", date(1900, 1, 1), 2)) is not None


def test_ric_helpers_validate_first() -> None:
    with pytest.raises(InvalidIdentifier):
        ric_birth_date("360426199101010072")
    with pytest.raises(InvalidIdentifier):
        ric_gender("junk")


def test_ric_birth_place_known() -> None:
    assert ric_birth_place(RIC) == "江西省德安县"
    assert ric_birth_place("360426910101007") == "江西省德安县"


def test_ric_birth_place_falls_back_when_stdnum_rejects_the_year() -> None:
    assert ric_birth_place(DAFANG_RIC) == "贵州省大方县"


@pytest.mark.parametrize("address", ["110199", "460321"])
def test_ric_birth_place_unknown_county_never_raises(address: str) -> None:
    number = make_ric(address, date(1990, 1, 1), 1)
    # The stdnum bug this guards against (DOMAIN B6.1).
    with pytest.raises(KeyError):
        stdnum_ric.get_birth_place(number)
    assert validate_ric(number) == number  # never rejected on the birthplace
    place = ric_birth_place(number)
    assert place is None or place in {"北京市", "海南省"}


@pytest.mark.parametrize(
    "value", ["", "junk", "360426199101010072", "990000199001010011", None, 12]
)
def test_ric_birth_place_returns_none_for_junk(value: object) -> None:
    assert ric_birth_place(value) is None  # type: ignore[arg-type]


def test_ric_birth_place_survives_any_lookup_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("table missing")

    monkeypatch.setattr(identifiers._stdnum_ric, "get_birth_place", boom)
    assert ric_birth_place(DAFANG_RIC) == "贵州省大方县"  # the fallback still works
    monkeypatch.setattr(identifiers.numdb, "get", boom)
    assert ric_birth_place(DAFANG_RIC) is None
    assert validate_ric(DAFANG_RIC) == DAFANG_RIC


# --------------------------------------------------------------------------- telephones


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086-138-1234-5678",
        "１３８１２３４５６７８",
        "＋８６ １３８１２３４５６７８",
    ],
)
def test_validate_mobile(raw: str) -> None:
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_validate_mobile_prefixes(prefix: str) -> None:
    assert validate_mobile(prefix + "912345678") == prefix + "912345678"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("+86", "empty"),
        ("1381234567a", "charset"),
        ("138.1234.5678", "charset"),
        ("1381234567", "length"),
        ("138123456789", "length"),
        ("8613812345678", "length"),
        ("12812345678", "prefix"),
        ("23812345678", "prefix"),
    ],
)
def test_validate_mobile_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_mobile(value)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0857-1234567", "0857-1234567"),
        ("(0857)12345678", "0857-12345678"),
        ("（0857）12345678", "0857-12345678"),
        ("085712345678", "0857-12345678"),
        ("08571234567", "0857-1234567"),
        ("0857 1234567", "0857-1234567"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),  # 010 is a 3-digit area code, not 0101
        ("021 6123 4567", "021-61234567"),
        ("+86 857 1234567", "0857-1234567"),
        ("+86 10 12345678", "010-12345678"),
        ("0857-1234567-123", "0857-1234567-123"),
        ("0857-1234567转123", "0857-1234567-123"),
        ("0857-1234567 ext. 88", "0857-1234567-88"),
        ("0857-1234567#9", "0857-1234567-9"),
        ("０８５７－１２３４５６７", "0857-1234567"),
    ],
)
def test_validate_phone(raw: str, expected: str) -> None:
    assert validate_phone(raw) == expected
    assert validate_phone(expected) == expected  # canonical output is accepted unchanged


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "empty"),
        ("1234567", "area_code"),
        ("12345678", "area_code"),
        ("0857-123456", "format"),
        ("0857-123456789", "format"),
        ("2857-1234567", "format"),
        ("0157-1234567", "format"),
        ("12812345678", "format"),
        ("tel", "format"),
    ],
)
def test_validate_phone_errors(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_phone(value)
    assert info.value.code == code
    assert CJK.search(info.value.message)


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (RIC, "3604**********0071"),
        ("52052119850615008X", "5205**********008X"),
        ("52052119850615008x", "5205**********008X"),
        ("５２０５２１１９８５０６１５００８ｘ", "5205**********008X"),
        ("360426199101010072", "3604**********0072"),  # bad check: still masked as an ID
        ("360426910101007", "3604*******1007"),
        ("abcdef", "****EF"),
        ("12345", "***45"),
        ("1234", "****"),
        ("ab", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_ric(raw: str | None, expected: str) -> None:
    assert mask_ric(raw) == expected


def test_mask_ric_matches_domain_pattern_and_is_idempotent_in_shape() -> None:
    masked = mask_ric(DAFANG_RIC)
    assert re.fullmatch(r"5205\*{10}\d{3}[\dX]", masked)
    assert mask_ric(masked) == "*" * 16 + masked[-2:]  # masking twice never reveals more


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("0857-1234567", "0857-*****67"),
        ("(0857)12345678", "0857-******78"),
        ("0857-1234567-123", "0857-*****67-***"),
        ("hello world", "********LD"),  # normalised: spaces dropped, upper case
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(raw: str | None, expected: str) -> None:
    assert mask_phone(raw) == expected


@pytest.mark.parametrize("junk", [12345678, 3.5, object(), b"13812345678", ["x"]])
def test_masks_never_raise_on_non_text(junk: object) -> None:
    assert isinstance(mask_ric(junk), str)  # type: ignore[arg-type]
    assert isinstance(mask_phone(junk), str)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- identify


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (XIAOMI_BEIJING, ("uscc", XIAOMI_BEIJING)),
        ("９１１１００００６０００３７３４１ｌ", ("uscc", XIAOMI_BEIJING)),
        (N_CODE.lower(), ("uscc", N_CODE)),
        ("60003734-1", ("org_code", "600037341")),
        ("551385082", ("org_code", "551385082")),
        ("520521 000000016", ("registration_number", "520521000000016")),
        ("91110000600037341K", ("unknown", "91110000600037341K")),
        ("60003734-2", ("unknown", "600037342")),
        ("520521000000017", ("unknown", "520521000000017")),
        (RIC, ("unknown", RIC)),
        ("", ("unknown", "")),
        ("  大方县  ", ("unknown", "大方县")),
    ],
)
def test_identify(raw: str, expected: tuple[str, str]) -> None:
    assert identify(raw) == expected


def test_identify_non_text() -> None:
    assert identify(None) == ("unknown", "")  # type: ignore[arg-type]


def test_invalid_identifier_is_a_value_error() -> None:
    error = InvalidIdentifier("length", "长度不对")
    assert isinstance(error, ValueError)
    assert (error.code, error.message, str(error)) == ("length", "长度不对", "长度不对")
    assert "length" in repr(error)


# --------------------------------------------------------------------------- properties

# hypothesis is a pinned dev dependency; no example database (it would write .hypothesis/).
fast = settings(database=None, max_examples=200, deadline=None)

pairs = [
    (authority, category)
    for authority, entry in USCC_AUTHORITIES.items()
    for category in (entry.categories if entry.categories is not None else USCC_ALPHABET)
]
valid_usccs = st.builds(
    lambda pair, region, org: make_uscc(pair[0], pair[1], region, org),
    st.sampled_from(pairs),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=8, max_size=8),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
rics = st.builds(
    make_ric,
    st.text("0123456789", min_size=6, max_size=6),
    births,
    st.integers(0, 999),
)


@fast
@given(valid_usccs)
def test_property_constructed_usccs_validate(code: str) -> None:
    assert uscc_check_digit(code[:17]) == code[17]
    assert validate_uscc(code) == code
    assert validate_uscc(full_width(code.lower())) == code
    parts = uscc_parts(code)
    joined = parts["authority"] + parts["category"] + parts["region"] + parts["org_code"]
    assert joined + code[17] == code
    assert validate_org_code(parts["org_code"]) == parts["org_code"]
    assert identify(code) == ("uscc", code)
    if code[0].isdigit():
        assert stdnum_uscc.is_valid(code)


@fast
@given(valid_usccs, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_property_uscc_single_substitution_is_rejected(
    code: str, position: int, replacement: str
) -> None:
    if code[position] == replacement:
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_uscc(mutated)


@fast
@given(rics)
def test_property_constructed_rics_validate(number: str) -> None:
    assert validate_ric(number, today=TODAY) == number
    assert validate_ric(number.lower(), today=TODAY) == number
    assert ric_gender(number) == ("male" if int(number[16]) % 2 else "female")
    assert ric_birth_date(number).strftime("%Y%m%d") == number[6:14]
    assert re.fullmatch(r"\d{4}\*{10}\d{3}[\dX]", mask_ric(number))
    ric_birth_place(number)  # advisory: must not raise, whatever the county
    if number[6:8] == "19":
        assert validate_ric(number[:6] + number[8:17], today=TODAY) == number


@fast
@given(rics, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_property_ric_single_substitution_is_rejected(
    number: str, position: int, replacement: str
) -> None:
    if number[position] == replacement:
        return
    mutated = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_ric(mutated, today=TODAY)


@fast
@given(st.text(max_size=40))
def test_property_arbitrary_text_never_crashes(text: str) -> None:
    for validator in (
        validate_uscc,
        validate_org_code,
        validate_registration_number,
        validate_ric,
        validate_mobile,
        validate_phone,
    ):
        try:
            validator(text)
        except InvalidIdentifier as error:
            assert CJK.search(error.message)
    assert isinstance(mask_ric(text), str)
    assert isinstance(mask_phone(text), str)
    assert ric_birth_place(text) is None or isinstance(ric_birth_place(text), str)
    kind, normalised = identify(text)
    assert kind in {"uscc", "org_code", "registration_number", "unknown"}
    assert normalised == normalise_code(text)


@fast
@given(st.text(min_size=5, max_size=40))
def test_property_junk_masks_reveal_at_most_two_characters(text: str) -> None:
    cleaned = normalise_code(text)
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", cleaned, re.ASCII):
        return
    masked = mask_ric(text)
    assert masked.rstrip("*") == "" or masked[:-2] == "*" * (len(masked) - 2)
