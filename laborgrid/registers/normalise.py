"""Per-value normalisers for register cells: text, codes, telephones, dates, capital, coordinates.

Each function takes one cell as :mod:`~laborgrid.registers.reading` yields it (``str`` from CSV;
``str``/``int``/``float``/``bool``/``date``/``datetime`` from Excel), returns the clean value or
``None`` for a blank cell, and raises :class:`NormaliseError` — a ``ValueError`` with a translated
message and a machine-readable ``code`` — when the value cannot be used. They run millions of
times per import, so they are written for speed: regular expressions and translation tables are
built once, ASCII-only text skips Unicode normalisation, values that repeat across rows (dates,
capital) are parsed once through ``lru_cache``, and the identity codes have a fast path that
proves a well-formed code valid with table lookups and hands anything else to
``laborgrid.lib.identifiers``, which owns the rules and the messages (DOMAIN A2). The fast paths
are tested to give exactly the library's result for any input.

Decisions (binding for importers):

* Text is folded the way the registry stores it (``employers.services``): NFKC — full-width
  letters, digits and punctuation to half-width, so a name's ``（）`` become ``()`` — whitespace
  runs (U+3000 and NBSP included) collapsed to one space, and in names and person names that
  contain Chinese the spaces removed altogether (``张　三`` → ``张三``). Zero-width characters are
  removed. A cleaned value is therefore unchanged when the registry cleans it again.
* A cell holding only a placeholder (``无``, ``-``, ``/``, ``暂无``, ``null`` ...) is blank.
* Dates must lie between :data:`EARLIEST_DATE` (1900-01-01: schools and associations founded
  before 1949 exist, anything before 1900 is a typo or an Excel artefact) and ``today``.
* Capital is returned in 万 of its currency, with the currency (ISO 4217). A bare number takes
  the unit of the column header's hint (``注册资本（元）``) and is otherwise in 万元, the unit of
  ``Employer.registered_capital`` and of the market regulator's exports.
* Excel keeps numbers as doubles with 15 significant digits: a code that arrives as a number of
  16 or more digits (or in scientific notation from a CSV saved by Excel) has lost digits and is
  refused with a message saying so; a numeric organisation code shorter than 9 digits is
  zero-padded (Excel drops leading zeros) and then checked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from operator import getitem
from typing import Final, NamedTuple

from django.utils.translation import gettext

from laborgrid.lib import identifiers as ids

__all__ = [
    "CHINA_LAT",
    "CHINA_LNG",
    "EARLIEST_DATE",
    "Capital",
    "Cell",
    "NormaliseError",
    "check_china",
    "clean_name",
    "clean_names_list",
    "clean_org_code",
    "clean_phones",
    "clean_reg_number",
    "clean_text",
    "clean_uscc",
    "code_text",
    "excel_serial_date",
    "fold",
    "is_blank",
    "parse_capital",
    "parse_coordinates",
    "parse_date",
    "parse_degrees",
]

#: What a cell can be: CSV gives ``str``; python-calamine gives the typed values (``time`` and
#: ``timedelta`` for time-of-day and duration cells, which no register field accepts).
Cell = str | int | float | bool | date | datetime | time | timedelta | None


class NormaliseError(ValueError):
    """A cell that cannot be used. ``message`` is translated; ``code`` is for programs.

    ``fatal=False`` marks advisory fields (telephone, industry, coordinates): the row is kept
    without the value and the problem is reported as a warning.
    """

    def __init__(self, message: str, *, code: str = "invalid", fatal: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fatal = fatal


# --------------------------------------------------------------------------- text

#: Cell contents that mean "nothing here".
_PLACEHOLDERS: Final = frozenset(
    {"无", "暂无", "空", "未知", "不详", "-", "--", "---", "—", "——", "/", "\\", "－", "／"}
    | {"null", "NULL", "Null", "none", "None", "NONE", "N/A", "n/a", "NA", "#N/A", "nan", "NaN"}
)
#: Zero-width space/joiners, word joiner, BOM, soft hyphen: pasted in from web pages, invisible,
#: and fatal to matching.
_INVISIBLE: Final = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CJK: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: U+FFFD is what the reader puts where the file's bytes were not valid in its encoding.
_REPLACEMENT: Final = "\ufffd"


def is_blank(value: Cell) -> bool:
    """``None``, an empty or whitespace-only string, or a placeholder such as ``无`` or ``-``."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text in _PLACEHOLDERS
    return False


def _cell_text(value: Cell) -> str:
    """A cell as text: whole floats without ``.0``, dates in ISO form, booleans as 是/否."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return "" if value is None else str(value)


#: Full-width ASCII (U+FF01–U+FF5E) and the ideographic space: by far the most frequent
#: characters NFKC changes in Chinese text, replaced directly (see :func:`fold`).
_FULL_WIDTH: Final = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH: Final = {
    chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)
} | {"\u3000": " "}


def fold(text: str) -> str:
    """NFKC, fast: exactly ``unicodedata.normalize("NFKC", text)``.

    Full NFKC of a string with a few full-width characters costs ~10 µs; replacing those
    characters by their NFKC image first (the same decomposition, so the same result) usually
    leaves a string that passes NFKC's quick check, and costs ~1 µs.
    """
    found = _FULL_WIDTH.findall(text)
    if found:
        for ch in set(found):
            text = text.replace(ch, _HALF_WIDTH[ch])
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


#: Anything in non-ASCII text that needs more than NFKC's quick check: U+FFFD, the invisible
#: characters, full-width ASCII and the ideographic space. One search answers for all of them.
_SUSPECT: Final = re.compile("[\ufffd\u200b\u200c\u200d\u2060\ufeff\u00ad\uff01-\uff5e\u3000]")

#: The same without full-width characters, for text that keeps them.
_UNREADABLE: Final = re.compile("[\ufffd\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _repair(text: str, nfkc: bool) -> str:
    if _REPLACEMENT in text:
        raise NormaliseError(
            gettext("含有无法识别的字符（文件中这部分的编码与其他部分不同），请核对原文件"),
            code="encoding",
        )
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return fold(text) if nfkc else text


def clean_text(value: Cell, *, max_length: int | None = None, nfkc: bool = True) -> str | None:
    """Fold and trim free text: NFKC, no zero-width characters, whitespace runs to one space.

    ``None`` for a blank or placeholder cell. Raises for a value longer than ``max_length`` and
    for text holding U+FFFD (bytes the reader could not decode: the file mixes encodings).
    ``nfkc=False`` keeps full-width punctuation (long prose such as a business scope reads
    better with Chinese punctuation, and nothing matches on it).
    """
    text = value if type(value) is str else _cell_text(value)
    if not text.isascii():
        if (_SUSPECT if nfkc else _UNREADABLE).search(text):
            text = _repair(text, nfkc)
        elif nfkc and not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    # Collapse whitespace only when there is something to collapse: isprintable() is False for
    # every whitespace character but the ASCII space, so one C scan settles the common case.
    if not (
        text.isprintable()
        and (" " not in text or ("  " not in text and text[0] != " " and text[-1] != " "))
    ):
        text = " ".join(text.split())
    if not text or text in _PLACEHOLDERS:
        return None
    if max_length is not None and len(text) > max_length:
        raise NormaliseError(
            gettext("内容过长（%(length)s 个字），最多 %(max)s 个字")
            % {"length": len(text), "max": max_length},
            code="too_long",
        )
    return text


def clean_name(value: Cell, *, max_length: int | None = None) -> str | None:
    """A unit or person name: :func:`clean_text`, and no spaces at all if it contains Chinese.

    Old systems pad two-character names (``张　三``) and people type spaces between characters;
    Latin names (``John Smith``) keep their single spaces. This is the registry's rule for names.
    """
    text = clean_text(value, max_length=max_length)
    if text is not None and " " in text and _CJK.search(text):
        text = text.replace(" ", "")
    return text


_NAME_LIST_SPLIT: Final = re.compile(r"[\r\n;；、|｜,，]+")


def clean_names_list(value: Cell) -> str | None:
    """Former names separated by newlines, semicolons, ``、`` or commas → one per line."""
    if is_blank(value):
        return None
    names = [clean_name(part) for part in _NAME_LIST_SPLIT.split(_cell_text(value))]
    kept = list(dict.fromkeys(n for n in names if n))
    return "\n".join(kept) or None


# --------------------------------------------------------------------------- codes

_SCIENTIFIC: Final = re.compile(r"^\d(?:\.\d+)?[eE]\+\d+$")


def _lost_digits() -> NormaliseError:
    return NormaliseError(
        gettext(
            "代码被 Excel 存成了数字，末几位已丢失（Excel 只保留 15 位有效数字）；"
            "请把该列设为“文本”格式后重新导出"
        ),
        code="lost_digits",
    )


def code_text(value: Cell) -> str | None:
    """A code cell as text, unwrapped from the tricks exports use to keep it text.

    ``="9152..."`` and a leading apostrophe are removed. A number is exact only up to 15
    digits in Excel: larger numbers and scientific notation (``9.15205E+17``) raise
    ``lost_digits``. ``None`` for a blank cell.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.startswith('="') and text.endswith('"'):
            text = text[2:-1].strip()
        elif text.startswith("'"):
            text = text[1:].strip()
        if not text or text in _PLACEHOLDERS:
            return None
        if _SCIENTIFIC.match(text):
            raise _lost_digits()
        return text
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NormaliseError(gettext("代码应为文本，不能是日期或是非值"), code="type")
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 1e15:
            raise _lost_digits()
        value = int(value)
    return str(value)


def _raise(exc: ids.InvalidIdentifier, *, fatal: bool = True) -> NormaliseError:
    return NormaliseError(exc.message, code=exc.code, fatal=fatal)


#: Every (登记管理部门, 机构类别) pair the standard allows.
_USCC_PREFIXES: Final = frozenset(
    a + c
    for a, authority in ids.USCC_AUTHORITIES.items()
    for c in (authority.categories or ids.USCC_ALPHABET)
)
_ORG_CHARS: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
#: GB 11714 weights folded into one table per position: char → value × weight.
_ORG_POSITIONS: Final = tuple({c: int(c, 36) * w for c in _ORG_CHARS} for w in _ORG_WEIGHTS)
_ORG_CHECK: Final = tuple(
    "X" if 11 - r == 10 else "0" if r == 0 else str(11 - r) for r in range(11)
)
#: Both USCC checks in one pass: per position, char → (GB 32100 value × 3^i mod 31) plus, for
#: positions 9–16 (the organisation code's body), (GB 11714 value × weight) << 16. The GB 32100
#: sum stays below 2^16 (17 × 30 × 30), so the low 16 bits and the rest are the two sums.
_USCC_POSITIONS: Final = tuple(
    {
        c: ids.USCC_ALPHABET.index(c) * pow(3, i, 31)
        + ((int(c, 36) * _ORG_WEIGHTS[i - 8]) << 16 if 8 <= i < 16 else 0)
        for c in ids.USCC_ALPHABET
    }
    for i in range(17)
)


def _uscc_fast(code: str) -> bool:
    """True only if ``code`` is a canonical, valid USCC; False means "ask the library"."""
    if len(code) != 18 or code[:2] not in _USCC_PREFIXES or not code[2:8].isdigit():
        return False
    try:
        total = sum(map(getitem, _USCC_POSITIONS, code))
    except KeyError:
        return False
    return (
        ids.USCC_ALPHABET[-(total & 0xFFFF) % 31] == code[17]
        and _ORG_CHECK[(total >> 16) % 11] == code[16]
    )


def _org_fast(code: str) -> bool:
    if len(code) != 9:
        return False
    try:
        total = sum(map(getitem, _ORG_POSITIONS, code))
    except KeyError:
        return False
    return _ORG_CHECK[total % 11] == code[8]


#: ISO 7064 MOD 11,10 as a transition table: state × digit → next state (state 0 stands for 10).
_MOD_11_10: Final = tuple(
    {str(d): ((((s or 10) * 2) % 11) + d) % 10 for d in range(10)} for s in range(10)
)


def _reg_fast(code: str) -> bool:
    if len(code) != 15:
        return False
    state = 5
    try:
        for ch in code:
            state = _MOD_11_10[state][ch]
    except KeyError:
        return False
    return state == 1


def clean_uscc(value: Cell) -> str | None:
    """A 统一社会信用代码, validated exactly as ``identifiers.validate_uscc`` does (DOMAIN A2)."""
    if type(value) is str and _uscc_fast(value):
        return value
    text = code_text(value)
    if text is None:
        return None
    if _uscc_fast(text):
        return text
    try:
        return ids.validate_uscc(text)
    except ids.InvalidIdentifier as exc:
        raise _raise(exc) from None


def clean_org_code(value: Cell) -> str | None:
    """A 组织机构代码 (9 characters, no hyphen), as ``identifiers.validate_org_code``.

    A numeric cell shorter than 9 digits is zero-padded first: Excel drops leading zeros.
    """
    text = code_text(value)
    if text is None:
        return None
    if not isinstance(value, str) and len(text) < 9:
        text = text.zfill(9)
    if _org_fast(text):
        return text
    try:
        return ids.validate_org_code(text)
    except ids.InvalidIdentifier as exc:
        raise _raise(exc) from None


def clean_reg_number(value: Cell) -> str | None:
    """A 15-digit 工商注册号, as ``identifiers.validate_registration_number``."""
    text = code_text(value)
    if text is None:
        return None
    if _reg_fast(text):
        return text
    try:
        return ids.validate_registration_number(text)
    except ids.InvalidIdentifier as exc:
        raise _raise(exc) from None


# --------------------------------------------------------------------------- telephones

_MOBILE: Final = re.compile(r"1[3-9]\d{9}", re.ASCII)
_PHONE_SPLIT: Final = re.compile(r"\s*(?:[/,;，；、|]|或)\s*")


def clean_phones(value: Cell) -> list[str] | None:
    """Every telephone number in a cell, each as ``identifiers.validate_phone`` returns it.

    Exports put several numbers in one cell (``0857-1234567/13812345678``); they are split on
    ``/ , ; 、 |`` and 或. Raises the first number's error, *non-fatal* (a contact number is
    advisory: the row is kept without it), when none is valid; ``None`` if blank. Messages never
    echo the number (personal information, DOMAIN A6).
    """
    if type(value) is str and _MOBILE.fullmatch(value):
        return [value]
    if is_blank(value) or value in (0, "0"):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not float(value).is_integer():
            raise NormaliseError(gettext("电话号码格式不正确"), code="format", fatal=False)
        value = str(int(value))
    text = str(value).strip()
    if _MOBILE.fullmatch(text):
        return [text]
    found: list[str] = []
    first_error: ids.InvalidIdentifier | None = None
    for part in _PHONE_SPLIT.split(text):
        if not part:
            continue
        try:
            found.append(ids.validate_phone(part))
        except ids.InvalidIdentifier as exc:
            first_error = first_error or exc
    if not found:
        if first_error is None:  # only separators ("|", "/")
            raise NormaliseError(gettext("电话号码格式不正确"), code="format", fatal=False)
        raise _raise(first_error, fatal=False)
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- dates

#: Dates before this are refused (see the module docstring).
EARLIEST_DATE: Final = date(1900, 1, 1)
#: Excel's day 0 in the 1900 date system, for serials from 61 (1900-03-01) on. Serials 1–59 are
#: one day later than this formula gives, because Excel counts a 1900-02-29 that never was
#: (serial 60, refused here).
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_EXCEL_LAST: Final = 2958465  # 9999-12-31

_DATE_TEXT: Final = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*(?:T|\s)\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_DIGITS8: Final = re.compile(r"\d{8}")
_SERIAL_TEXT: Final = re.compile(r"\d{5}(?:\.\d+)?")


def excel_serial_date(serial: int) -> date:
    """The date of an Excel serial number (1900 date system, as Windows Excel writes it)."""
    if serial == 60:
        raise ValueError("1900-02-29 does not exist")
    if not 1 <= serial <= _EXCEL_LAST:
        raise ValueError("serial out of range")
    if serial < 60:
        return _EXCEL_EPOCH + timedelta(days=serial + 1)
    return _EXCEL_EPOCH + timedelta(days=serial)


def _ymd(year: int, month: int, day: int) -> date | str:
    try:
        return date(year, month, day)
    except ValueError:
        return "impossible"


@lru_cache(maxsize=65536)
def _date_from_text(text: str) -> date | str | None:
    """A date, ``None`` if blank, or an error code (``format``, ``impossible``, ``year_only``).

    Cached on the cell as written: a register has at most a few tens of thousands of distinct
    dates, repeated over a million rows."""
    if is_blank(text):
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    match = _DATE_TEXT.fullmatch(text)
    if match:
        return _ymd(int(match[1]), int(match[2]), int(match[3]))
    if _DIGITS8.fullmatch(text):
        return _ymd(int(text[:4]), int(text[4:6]), int(text[6:8]))
    if _SERIAL_TEXT.fullmatch(text):
        return _date_from_number(int(float(text)))
    if text.isdigit() and len(text) == 4:
        return "year_only"
    return "format"


def _date_from_number(number: int) -> date | str:
    if 19000101 <= number <= 29991231:
        return _ymd(number // 10000, number // 100 % 100, number % 100)
    if 1000 <= number <= 2999:
        return "year_only"
    try:
        return excel_serial_date(number)
    except ValueError:
        return "impossible" if number == 60 else "format"


def parse_date(value: Cell, *, today: date) -> date | None:
    """A date cell in any form registers use; ``None`` if blank.

    Accepted: ``date``/``datetime`` cells; text ``2015-03-07``, ``2015/3/7``, ``2015.3.7``,
    ``2015年3月7日``, any of them followed by a time (``2015-03-07 00:00:00``, ``...T08:30``);
    ``20150307`` as text or number; Excel serial numbers (1900 date system, with its fictitious
    1900-02-29 refused) as numbers or 5-digit text. A bare year (``2015``) is refused rather
    than read as serial 2015. The date must lie in ``EARLIEST_DATE``..``today``.
    """
    if type(value) is str:
        result: date | str | None = _date_from_text(value)
        if type(result) is date and EARLIEST_DATE <= result <= today:
            return result
        if result is None:
            return None
    elif isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # NaN and infinities fail the range test.
        result = _date_from_number(int(value)) if 1 <= value < 1e9 else "format"
    elif value is None:
        return None
    else:
        result = "format"
    if not isinstance(result, date):
        shown = _cell_text(value).strip()[:20]
        if result == "year_only":
            message = gettext("“%(value)s”只有年份，请填写完整日期，如 2015-03-07")
        elif result == "impossible":
            message = gettext("“%(value)s”不是存在的日期")
        else:
            message = gettext("“%(value)s”不是可识别的日期，请写成 2015-03-07 或 2015年3月7日")
        raise NormaliseError(message % {"value": shown}, code=f"date_{result}")
    if result > today:
        raise NormaliseError(
            gettext("日期 %(date)s 晚于今天") % {"date": result.isoformat()}, code="date_future"
        )
    if result < EARLIEST_DATE:
        raise NormaliseError(
            gettext("日期 %(date)s 早于 1900 年，请核对") % {"date": result.isoformat()},
            code="date_too_early",
        )
    return result


# --------------------------------------------------------------------------- capital


class Capital(NamedTuple):
    """An amount of registered capital: ``amount`` in 万 (ten thousands) of ``currency``."""

    amount: Decimal
    currency: str


#: Currency words → (ISO 4217 code, what replaces the word). ``美元`` becomes ``元`` so that the
#: remaining text says the unit (``500万美元`` → ``500万元``); longest words first.
_CURRENCIES: Final = tuple(
    sorted(
        {
            "元人民币": ("CNY", "元"),
            "人民币元": ("CNY", "元"),
            "人民币": ("CNY", ""),
            "RMB": ("CNY", ""),
            "CNY": ("CNY", ""),
            "¥": ("CNY", ""),
            "美元": ("USD", "元"),
            "美金": ("USD", ""),
            "USD": ("USD", ""),
            "US$": ("USD", ""),
            "$": ("USD", ""),
            "港元": ("HKD", "元"),
            "港币": ("HKD", ""),
            "HKD": ("HKD", ""),
            "欧元": ("EUR", "元"),
            "EUR": ("EUR", ""),
            "日元": ("JPY", "元"),
            "JPY": ("JPY", ""),
            "英镑": ("GBP", ""),
            "GBP": ("GBP", ""),
            "新台币": ("TWD", "元"),
            "台币": ("TWD", ""),
            "澳门元": ("MOP", "元"),
            "澳元": ("AUD", "元"),
            "加拿大元": ("CAD", "元"),
            "加元": ("CAD", "元"),
            "新加坡元": ("SGD", "元"),
            "韩元": ("KRW", "元"),
            "瑞士法郎": ("CHF", ""),
        }.items(),
        key=lambda item: -len(item[0]),
    )
)
_CAPITAL_NOISE: Final = re.compile(r"[\s,()（）]|整|左右|约")
_CAPITAL_NUMBER: Final = re.compile(r"(\d+(?:\.\d+)?)(亿|万|千|百)?(元)?")
_UNIT_IN_WAN: Final = {
    "亿": Decimal(10000),
    "万": Decimal(1),
    "千": Decimal("0.1"),
    "百": Decimal("0.01"),
}
_YUAN_IN_WAN: Final = Decimal("0.0001")
_FOUR_PLACES: Final = Decimal("0.0001")
#: ``Employer.registered_capital`` is DECIMAL(16, 4): at most 12 digits before the point.
_CAPITAL_MAX: Final = Decimal(10) ** 12

_CN_DIGITS: Final = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二贰两", 2),
    **dict.fromkeys("三叁", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
    **{str(d): d for d in range(10)},
}
_CN_SMALL_UNITS: Final = {
    **dict.fromkeys("十拾", 10),
    **dict.fromkeys("百佰", 100),
    **dict.fromkeys("千仟", 1000),
}
_CN_BIG_UNITS: Final = {**dict.fromkeys("万萬", 10**4), **dict.fromkeys("亿億", 10**8)}


def _chinese_number(text: str) -> int | None:
    """``壹佰万`` → 1000000, ``一亿二千万`` → 120000000, ``五万零三百`` → 50300; else ``None``."""
    if not text:
        return None
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CN_SMALL_UNITS[ch]
            digit = None
        elif ch in _CN_BIG_UNITS:
            unit = _CN_BIG_UNITS[ch]
            value = section + (digit or 0)
            total = (total + value) * unit if unit > 10**4 else total + value * unit
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


@lru_cache(maxsize=8192)
def _capital_from_text(text: str, hint: str) -> Capital | str | None:
    """A capital, ``None`` if blank, or an error code; cached on the cell as written."""
    if is_blank(text):
        return None
    folded = _CAPITAL_NOISE.sub("", unicodedata.normalize("NFKC", text))
    currency = "CNY"
    for word, (code, replacement) in _CURRENCIES:
        if word in folded:
            currency = code
            folded = folded.replace(word, replacement)
            break
    if folded.startswith("-"):
        return "negative"
    match = _CAPITAL_NUMBER.fullmatch(folded)
    if match and not match[2] and not match[3] and hint:
        # A bare number: the header says the unit (and maybe the currency).
        hinted = _capital_from_text(folded + hint, "")
        if isinstance(hinted, Capital) and currency != "CNY":
            return Capital(hinted.amount, currency)
        return hinted
    if match:
        amount = Decimal(match[1])
        if match[2]:
            amount *= _UNIT_IN_WAN[match[2]]
        elif match[3]:
            amount *= _YUAN_IN_WAN
    else:
        number = _chinese_number(folded.removesuffix("元"))
        if number is None:
            return "format"
        amount = Decimal(number) * _YUAN_IN_WAN
    if amount >= _CAPITAL_MAX:  # checked before quantize, which fails beyond 28 digits
        return "too_large"
    amount = amount.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)
    if amount >= _CAPITAL_MAX:
        return "too_large"
    return Capital(amount, currency)


def parse_capital(value: Cell, *, hint: str = "") -> Capital | None:
    """Registered capital in 万 of its currency; ``None`` if blank.

    ``500万元人民币``, ``500万元``, ``500.5万``, ``人民币500万元``, ``500万美元`` (→ USD),
    ``5000000元``, ``1.2亿``, ``壹佰万元``, ``5,000,000`` with a header hint ``元``. A bare number
    is in the unit ``hint`` gives (from the header, e.g. ``万元``, ``元``, ``万美元``), else 万元.
    """
    if type(value) is str:
        result: Capital | str | None = _capital_from_text(value, hint)
        if result is None or type(result) is Capital:
            return result
    elif value is None:
        return None
    elif isinstance(value, bool) or not isinstance(value, int | float):
        result = "format"
    else:
        try:
            result = _capital_from_text(format(Decimal(repr(value)), "f"), hint)
        except InvalidOperation:
            result = "format"
    if isinstance(result, Capital):
        return result
    shown = _cell_text(value).strip()[:20]
    if result == "negative":
        message = gettext("注册资本不能为负数")
    elif result == "too_large":
        message = gettext("注册资本“%(value)s”超出可记录的范围")
    else:
        message = gettext("“%(value)s”不是可识别的金额，请写成 500万元、500万美元 或 5000000元")
    raise NormaliseError(message % {"value": shown}, code=f"capital_{result}")


# --------------------------------------------------------------------------- coordinates

#: Mainland China, Hainan and the islands, with a margin (WGS-84 / GCJ-02 degrees).
CHINA_LNG: Final = (73.4, 135.1)
CHINA_LAT: Final = (3.8, 53.6)
_DMS: Final = re.compile(
    r"(\d+(?:\.\d+)?)°(?:(\d+(?:\.\d+)?)['′])?(?:(\d+(?:\.\d+)?)(?:\"|″|'')?)?"
)
_HEMISPHERE: Final = re.compile(r"^[NSEW]|[NSEW]$|^(?:东经|北纬)|度$")
_COORD_SPLIT: Final = re.compile(r"\s*[,，;；/|]\s*|\s+")


def _bad_coordinate(value: Cell) -> NormaliseError:
    return NormaliseError(
        gettext("“%(value)s”不是可识别的经纬度（应为十进制度数，如 106.12）")
        % {"value": _cell_text(value).strip()[:30]},
        code="coordinate",
        fatal=False,
    )


def parse_degrees(value: Cell) -> float | None:
    """Degrees as a float: ``106.12``, ``106.12°``, ``E106.12``, ``106°7'12"``; ``None`` if blank
    or 0 (exports write 0 for "no position"). Range checks are the caller's (see
    :func:`check_china`), since a longitude and a latitude can only be told apart together."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise _bad_coordinate(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _HEMISPHERE.sub("", unicodedata.normalize("NFKC", str(value)).strip().upper())
        try:
            number = float(text)
        except ValueError:
            dms = _DMS.fullmatch(text.replace(" ", ""))
            if dms is None:
                raise _bad_coordinate(value) from None
            number = float(dms[1]) + float(dms[2] or 0) / 60 + float(dms[3] or 0) / 3600
    if number != number or number in (float("inf"), float("-inf")):
        raise _bad_coordinate(value)
    return None if number == 0 else number


def _in(number: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= number <= bounds[1]


def check_china(lng: float, lat: float) -> tuple[float, float, bool]:
    """``(lng, lat, swapped)`` inside China; raises (non-fatal) when outside.

    China's longitudes (73–135) and latitudes (4–54) do not overlap, so a pair given the wrong
    way round is recognised and put right (``swapped`` says so, for a warning).
    """
    if _in(lng, CHINA_LNG) and _in(lat, CHINA_LAT):
        return lng, lat, False
    if _in(lat, CHINA_LNG) and _in(lng, CHINA_LAT):
        return lat, lng, True
    raise NormaliseError(
        gettext("经纬度（%(lng)s, %(lat)s）不在中国境内，请核对") % {"lng": lng, "lat": lat},
        code="coordinate_outside",
        fatal=False,
    )


def parse_coordinates(value: Cell) -> tuple[float, float] | None:
    """A ``"lng,lat"`` (or ``"lat,lng"``) cell as ``(lng, lat)``; the order is told by range."""
    if is_blank(value):
        return None
    parts = [p for p in _COORD_SPLIT.split(_cell_text(value).strip()) if p]
    if len(parts) != 2:
        raise _bad_coordinate(value)
    first, second = parse_degrees(parts[0]), parse_degrees(parts[1])
    if first is None or second is None:
        return None
    lng, lat, _swapped = check_china(first, second)
    return lng, lat
