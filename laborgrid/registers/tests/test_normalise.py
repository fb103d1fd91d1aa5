"""Per-value normalisers: real-world spellings, refusals with a reason, and property tests that
the fast paths give exactly what ``laborgrid.lib.identifiers`` and ``unicodedata`` give."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

from laborgrid.lib import identifiers as ids
from laborgrid.registers import normalise as norm
from laborgrid.registers.normalise import Capital, NormaliseError
from laborgrid.testing.employers import make_uscc

TODAY = date(2026, 5, 1)


def outcome(fn: Callable[[Any], Any], value: Any) -> tuple[Any, ...]:
    """("ok", result) or ("error", code, message): what a caller can observe."""
    try:
        return ("ok", fn(value))
    except (ids.InvalidIdentifier, NormaliseError) as exc:
        return ("error", exc.code, exc.message)


def code_of(fn: Callable[[Any], Any], value: Any) -> str:
    with pytest.raises(NormaliseError) as info:
        fn(value)
    return info.value.code


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  大方县  猫场镇\u3000新街村 ", "大方县 猫场镇 新街村"),
        ("ＡＢＣ１２３", "ABC123"),
        ("贵州\u00a0大方", "贵州 大方"),
        ("某某\u200b公司\ufeff", "某某公司"),
        ("第一行\n第二行\r\n第三行", "第一行 第二行 第三行"),
        ("无", None),
        (" -- ", None),
        ("NULL", None),
        ("", None),
        ("   ", None),
        (12, "12"),
        (12.0, "12"),
        (True, "是"),
    ],
)
def test_clean_text(raw: Any, clean: str | None) -> None:
    assert norm.clean_text(raw) == clean


def test_clean_text_refuses_undecodable_bytes_and_overlong_values() -> None:
    assert code_of(norm.clean_text, "大方\ufffd县") == "encoding"
    assert norm.clean_text("甲" * 200, max_length=200) == "甲" * 200
    with pytest.raises(NormaliseError) as info:
        norm.clean_text("甲" * 201, max_length=200)
    assert info.value.code == "too_long" and "201" in info.value.message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "大方县某某（贵州）有限公司",
            "大方县某某(贵州)有限公司",
        ),  # one bracket form: the registry's
        ("大方县 某某 商店", "大方县某某商店"),
        ("张　三", "张三"),
        ("John  Smith", "John Smith"),
        ("买买提·吐尔逊", "买买提·吐尔逊"),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert norm.clean_name(raw) == clean


def test_clean_names_list() -> None:
    assert norm.clean_names_list("甲公司；乙公司、甲公司\n丙 公司") == "甲公司\n乙公司\n丙公司"
    assert norm.clean_names_list("无") is None


def _registry_clean(value: str, name: bool) -> str:
    """What ``employers.services`` does to a name or address before saving it."""
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if name and any("\u4e00" <= c <= "\u9fff" for c in text):
        text = text.replace(" ", "")
    return text


CJK_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from(
            "大方县猫场镇（）【】、。：；\u3000\u00a0\u200b\ufeff\t\n\x1f\u2028 ①ⅢＡｶﾞ-/无"
        ),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    ),
    max_size=40,
)


@given(CJK_TEXT)
@settings(max_examples=400)
def test_fold_is_exactly_nfkc(text: str) -> None:
    assert norm.fold(text) == unicodedata.normalize("NFKC", text)


def _reference_clean(text: str, nfkc: bool) -> str | None:
    """clean_text written the slow, obvious way."""
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        text = text.replace(ch, "")
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    return None if norm.is_blank(text) else text


@given(CJK_TEXT, st.booleans())
@settings(max_examples=600)
def test_clean_text_shortcuts_change_nothing(text: str, nfkc: bool) -> None:
    assume("\ufffd" not in text)
    assert norm.clean_text(text, nfkc=nfkc) == _reference_clean(text, nfkc)


@given(CJK_TEXT)
@settings(max_examples=400)
def test_cleaned_text_is_what_the_registry_stores(text: str) -> None:
    """The registry's own cleaning leaves a cleaned value unchanged (no churn on update)."""
    name = norm.clean_name(text)
    if name is not None:
        assert _registry_clean(name, name=True) == name
    address = norm.clean_text(text)
    if address is not None:
        assert _registry_clean(address, name=False) == address


# --------------------------------------------------------------------------- codes


def test_code_text_unwraps_and_refuses_lost_digits() -> None:
    uscc = make_uscc(1)
    assert norm.code_text(f'="{uscc}"') == uscc
    assert norm.code_text(f"'{uscc}") == uscc
    assert norm.code_text(f"\t{uscc} ") == uscc
    assert norm.code_text(520521000012345) == "520521000012345"
    assert norm.code_text(520521000012345.0) == "520521000012345"
    assert norm.code_text("/") is None
    for lost in (9.15205211234568e17, 915205211234567890.0, "9.15205E+17", "9.1520521123457E+17"):
        assert code_of(norm.code_text, lost) == "lost_digits"
    assert code_of(norm.code_text, date(2015, 3, 7)) == "type"
    # A USCC may contain E: not scientific notation.
    assert norm.code_text("915205210E10413908") == "915205210E10413908"


def test_clean_uscc_examples() -> None:
    uscc = make_uscc(7)
    assert norm.clean_uscc(uscc) == uscc
    assert norm.clean_uscc(f" {uscc.lower()} ") == uscc
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc)
    assert norm.clean_uscc(full_width) == uscc
    assert norm.clean_uscc("") is None
    assert code_of(norm.clean_uscc, uscc[:-1] + ("0" if uscc[-1] != "0" else "1")) == "checksum"
    assert code_of(norm.clean_uscc, uscc[:17]) == "length"
    # Authority codes A, N and Y are valid (DOMAIN A2); stdnum's validate refuses them.
    for prefix in ("N2520521", "Y1520521", "A1520521"):
        code = make_uscc(3, prefix=prefix)
        assert norm.clean_uscc(code) == code


def test_clean_org_code_and_reg_number() -> None:
    assert norm.clean_org_code("60003734-1") == "600037341"
    assert norm.clean_org_code("600037341") == "600037341"
    assert code_of(norm.clean_org_code, "600037342") == "checksum"
    # Excel dropped the leading zero of a numeric organisation code: padded, then checked.
    body = "01234567"
    code = body + ids.org_code_check_digit(body)
    assert norm.clean_org_code(int(code)) == code
    assert code_of(norm.clean_org_code, str(int(code))) == "length"  # text is taken as written
    reg = "110108000000016"
    assert ids.validate_registration_number(reg) == reg
    assert norm.clean_reg_number(reg) == reg
    assert norm.clean_reg_number(float(reg)) == reg
    assert code_of(norm.clean_reg_number, "110108000000017") == "checksum"


USCC_LIKE = st.one_of(
    st.integers(min_value=0, max_value=99_999_999).map(lambda n: make_uscc(n)),
    st.tuples(
        st.integers(min_value=0, max_value=99_999_999),
        st.sampled_from(["91520521", "92520521", "N2520521", "Y1520521", "51520521", "A9520521"]),
    ).map(lambda t: make_uscc(t[0], prefix=t[1])),
    st.text(alphabet=ids.USCC_ALPHABET + "IOZSVabc -－０１２３", min_size=16, max_size=19),
)


def _mutate(code: str, data: st.DataObject) -> str:
    if not code or not data.draw(st.booleans()):
        return code
    i = data.draw(st.integers(0, len(code) - 1))
    c = data.draw(st.sampled_from(ids.USCC_ALPHABET + "IO x\u3000Ｘ"))
    return code[:i] + c + code[i + 1 :]


@given(USCC_LIKE, st.data())
@settings(max_examples=1500)
@example("91520521MA6DXXXXXX", None)
def test_clean_uscc_is_validate_uscc(code: str, data: st.DataObject | None) -> None:
    if data is not None:
        code = _mutate(code, data)
    assume(not norm.is_blank(code) and not code.strip().startswith(("'", '="')))
    assert outcome(norm.clean_uscc, code) == outcome(ids.validate_uscc, code)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_the_fast_path_takes_every_valid_uscc(n: int) -> None:
    assert norm._uscc_fast(make_uscc(n))


ORG_LIKE = st.one_of(
    st.text(alphabet="0123456789")
    .map(lambda body: body[:8].zfill(8))
    .map(lambda body: body + ids.org_code_check_digit(body)),
    st.text(alphabet="0123456789ABCDEFXYZ-x ", min_size=7, max_size=11),
)


@given(ORG_LIKE, st.data())
@settings(max_examples=800)
def test_clean_org_code_is_validate_org_code(code: str, data: st.DataObject) -> None:
    code = _mutate(code, data)
    assume(not norm.is_blank(code) and not code.strip().startswith(("'", '="')))
    assert outcome(norm.clean_org_code, code) == outcome(ids.validate_org_code, code)


@given(st.text(alphabet="0123456789", min_size=14, max_size=14), st.data())
@settings(max_examples=800)
def test_clean_reg_number_is_validate_registration_number(body: str, data: st.DataObject) -> None:
    from stdnum.iso7064 import mod_11_10

    code = _mutate(body + mod_11_10.calc_check_digit(body), data)
    assume(not norm.is_blank(code) and not code.strip().startswith(("'", '="')))
    assert outcome(norm.clean_reg_number, code) == outcome(ids.validate_registration_number, code)


# --------------------------------------------------------------------------- telephones


def test_clean_phones() -> None:
    assert norm.clean_phones("13812345678") == ["13812345678"]
    assert norm.clean_phones(13812345678) == ["13812345678"]
    assert norm.clean_phones("0857-1234567/13812345678") == ["0857-1234567", "13812345678"]
    assert norm.clean_phones("138 1234 5678；0857 1234567") == ["13812345678", "0857-1234567"]
    assert norm.clean_phones("无") is None
    assert norm.clean_phones("0") is None
    with pytest.raises(NormaliseError) as info:
        norm.clean_phones("7654321")
    assert info.value.code == "area_code" and "7654321" not in info.value.message
    assert not info.value.fatal
    with pytest.raises(NormaliseError) as info:
        norm.clean_phones("|")  # separators only (found by test_rows' fuzzing on PostgreSQL)
    assert not info.value.fatal


@given(st.from_regex(r"1[0-9]\d{9}", fullmatch=True))
def test_mobile_fast_path_is_validate_phone(mobile: str) -> None:
    expected = outcome(ids.validate_phone, mobile)
    got = outcome(norm.clean_phones, mobile)
    assert got == (("ok", [expected[1]]) if expected[0] == "ok" else expected)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw",
    [
        "2015-03-07",
        "2015/3/7",
        "2015.3.7",
        "2015年3月7日",
        "2015年03月07日",
        "2015 年 3 月 7 日",
        "2015-3-7号",
        "20150307",
        20150307,
        20150307.0,
        "2015-03-07 00:00:00",
        "2015/3/7 8:30",
        "2015-03-07T08:30:00",
        "２０１５－０３－０７",
        42070,
        42070.75,
        "42070",
        date(2015, 3, 7),
        datetime(2015, 3, 7, 12, 30),  # noqa: DTZ001 -- Excel date-times are naive
    ],
)
def test_parse_date_spellings(raw: Any) -> None:
    assert norm.parse_date(raw, today=TODAY) == date(2015, 3, 7)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2015-02-29", "date_impossible"),
        ("2015-13-01", "date_impossible"),
        ("20151301", "date_impossible"),
        ("2015", "date_year_only"),
        (2015, "date_year_only"),
        ("2015-03", "date_format"),
        ("15-3-7", "date_format"),
        ("07/03/2015", "date_format"),
        ("三月七日", "date_format"),
        (60, "date_impossible"),  # Excel's 1900-02-29
        ("2026-05-02", "date_future"),
        (20300101, "date_future"),
        ("1899-12-31", "date_too_early"),
        (0, "date_format"),
        (-5, "date_format"),
        (True, "date_format"),
        (time(8, 30), "date_format"),
        (timedelta(days=3), "date_format"),
    ],
)
def test_parse_date_refusals(raw: Any, code: str) -> None:
    with pytest.raises(NormaliseError) as info:
        norm.parse_date(raw, today=TODAY)
    assert info.value.code == code
    assert info.value.message


def test_parse_date_blank_and_bounds() -> None:
    assert norm.parse_date("", today=TODAY) is None
    assert norm.parse_date(" 无 ", today=TODAY) is None
    assert norm.parse_date(None, today=TODAY) is None
    assert norm.parse_date("2026-05-01", today=TODAY) == TODAY
    assert norm.parse_date("1900-01-01", today=TODAY) == norm.EARLIEST_DATE


def test_excel_serials_of_early_1900() -> None:
    assert norm.excel_serial_date(1) == date(1900, 1, 1)
    assert norm.excel_serial_date(59) == date(1900, 2, 28)
    assert norm.excel_serial_date(61) == date(1900, 3, 1)
    with pytest.raises(ValueError):
        norm.excel_serial_date(60)


@given(st.integers(min_value=61, max_value=60000))
def test_excel_serial_dates_agree_with_openpyxl(serial: int) -> None:
    expected = from_excel(serial).date()
    assume(expected <= TODAY)
    assert norm.excel_serial_date(serial) == expected
    assume(not 1000 <= serial <= 2999)  # read as a bare year, on purpose
    assert norm.parse_date(serial, today=TODAY) == expected
    assert norm.parse_date(float(serial) + 0.5, today=TODAY) == expected
    if serial >= 10000:
        assert norm.parse_date(str(serial), today=TODAY) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_every_spelling_of_a_date_reads_back(day: date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        f"{day.isoformat()} 00:00:00",
    ):
        assert norm.parse_date(text, today=TODAY) == day


# --------------------------------------------------------------------------- capital


@pytest.mark.parametrize(
    ("raw", "hint", "amount", "currency"),
    [
        ("500万元人民币", "", "500", "CNY"),
        ("500万元", "", "500", "CNY"),
        ("500万", "", "500", "CNY"),
        ("500.5万", "", "500.5", "CNY"),
        ("人民币500万元", "", "500", "CNY"),
        ("500万人民币", "", "500", "CNY"),
        ("(人民币)500 万元整", "", "500", "CNY"),
        ("５００万元", "", "500", "CNY"),
        ("5000000元", "", "500", "CNY"),
        ("5,000,000元", "", "500", "CNY"),
        ("1.2亿元", "", "12000", "CNY"),
        ("3千元", "", "0.3", "CNY"),
        ("500万美元", "", "500", "USD"),
        ("50万港元", "", "50", "HKD"),
        ("USD 100万", "", "100", "USD"),
        ("100万欧元", "", "100", "EUR"),
        ("壹佰万元", "", "100", "CNY"),
        ("伍拾万元整", "", "50", "CNY"),
        ("一亿二千万元", "", "12000", "CNY"),
        ("0", "", "0", "CNY"),
        ("500", "", "500", "CNY"),  # a bare number is 万元 unless the header says otherwise
        ("500", "万元", "500", "CNY"),
        ("5000000", "元", "500", "CNY"),
        ("500", "万美元", "500", "USD"),
        ("500万元", "元", "500", "CNY"),  # the cell's own unit wins over the header's
        (500, "", "500", "CNY"),
        (500.5, "", "500.5", "CNY"),
        (5000000, "元", "500", "CNY"),
        ("1元", "", "0.0001", "CNY"),
    ],
)
def test_parse_capital(raw: Any, hint: str, amount: str, currency: str) -> None:
    assert norm.parse_capital(raw, hint=hint) == Capital(Decimal(amount), currency)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-500万元", "capital_negative"),
        ("五百多万", "capital_format"),
        ("待定", "capital_format"),
        ("500万元/年", "capital_format"),
        ("1000000000000万元", "capital_too_large"),
        (True, "capital_format"),
    ],
)
def test_parse_capital_refusals(raw: Any, code: str) -> None:
    with pytest.raises(NormaliseError) as info:
        norm.parse_capital(raw)
    assert info.value.code == code


def test_parse_capital_blank() -> None:
    assert norm.parse_capital("") is None
    assert norm.parse_capital("无") is None
    assert norm.parse_capital(None) is None


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False))
def test_capital_in_wan_round_trips(amount: Decimal) -> None:
    assert norm.parse_capital(f"{amount}万元") == Capital(amount.quantize(Decimal("0.0001")), "CNY")
    yuan = (amount * 10000).quantize(Decimal(1))
    assert norm.parse_capital(f"{yuan}元") == Capital(yuan / 10000, "CNY")


# --------------------------------------------------------------------------- coordinates


@pytest.mark.parametrize(
    ("raw", "degrees"),
    [
        (106.12, 106.12),
        ("106.12", 106.12),
        ("106.12°", 106.12),
        ("E106.12", 106.12),
        ("东经106.12", 106.12),
        ("27.13N", 27.13),
        ("106°7'12\"", 106.12),
        ("１０６.１２", 106.12),
        (0, None),
        ("", None),
    ],
)
def test_parse_degrees(raw: Any, degrees: float | None) -> None:
    result = norm.parse_degrees(raw)
    assert result == pytest.approx(degrees) if degrees is not None else result is None


def test_parse_degrees_refusal_is_not_fatal() -> None:
    with pytest.raises(NormaliseError) as info:
        norm.parse_degrees("大方县")
    assert info.value.code == "coordinate" and not info.value.fatal


def test_parse_coordinates_in_either_order() -> None:
    assert norm.parse_coordinates("106.12,27.13") == (106.12, 27.13)
    assert norm.parse_coordinates("27.13, 106.12") == (106.12, 27.13)
    assert norm.parse_coordinates("106.12 27.13") == (106.12, 27.13)
    assert norm.parse_coordinates("106.12，27.13") == (106.12, 27.13)
    assert norm.parse_coordinates("0,0") is None
    with pytest.raises(NormaliseError) as info:
        norm.parse_coordinates("2.35,48.85")  # Paris
    assert info.value.code == "coordinate_outside" and not info.value.fatal
    with pytest.raises(NormaliseError):
        norm.parse_coordinates("106.12")
