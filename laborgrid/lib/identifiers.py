"""Chinese identifiers: validation, normalisation, classification and display masking.

This module is deliberately framework-free (no Django imports) so that models, forms, API
schemas, importers and management commands share one implementation, and so that its tests
run without a database. DOMAIN.md A2 (employer identity), A6 (personal information) and B6
(identifiers and checksums) are binding for everything here.

Identifiers covered, with the standard each check comes from:

* 统一社会信用代码 (USCC), GB 32100-2015 with Amendment No. 1 (2016): the employer key.
  The check character is computed by ``stdnum.cn.uscc.calc_check_digit`` (GB/T 17710 /
  ISO 7064 style, MOD 31). ``stdnum.cn.uscc.validate`` is *not* used because it requires
  the first 8 characters to be digits and so refuses the authority codes A, N and Y
  (DOMAIN B6.1); village collective economic organisations (``N1``–``N3``) would be
  rejected. Positions 9–17 are the 组织机构代码 and are checked per GB 11714 as well.
* 组织机构代码, GB 11714-1997: legacy employer key, 8 body characters + 1 check character.
  python-stdnum has no module for it, so the weighted MOD 11 check is implemented here.
* 工商注册号 (15 digits), GS15-2006: legacy employer key from pre-USCC business licences,
  ISO 7064 MOD 11,10 check via ``stdnum.iso7064.mod_11_10``.
* 居民身份证号码 (RIC), GB 11643-1999: person key, ISO 7064 MOD 11-2 check via
  ``stdnum.cn.ric.calc_check_digit``. ``stdnum.cn.ric.validate`` is *not* used because its
  birthplace table rejects real IDs (e.g. the model county 大方县 520521 is stored as valid
  only from 2011) and raises ``KeyError`` for unknown county codes (DOMAIN B6.1); the
  birthplace is therefore advisory only. Legacy 15-digit IDs are upgraded to 18 digits.
* Mainland telephone numbers (MIIT 电信网编号计划): 11-digit mobiles and fixed lines with
  an area code.

Error messages are Simplified Chinese because they are shown to end users as-is; the
machine-readable ``InvalidIdentifier.code`` is for programs (importers, APIs, tests).
Messages never echo the submitted value: ID and phone numbers are sensitive personal
information (PIPL; DOMAIN A6) and exception text ends up in logs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final, Literal, NamedTuple, TypedDict
from zoneinfo import ZoneInfo

from stdnum import numdb
from stdnum.cn import ric as _stdnum_ric
from stdnum.cn import uscc as _stdnum_uscc
from stdnum.exceptions import ValidationError as _StdnumValidationError
from stdnum.iso7064 import mod_11_10 as _mod_11_10

__all__ = [
    "USCC_ALPHABET",
    "USCC_AUTHORITIES",
    "IdentifierKind",
    "InvalidIdentifier",
    "UsccAuthority",
    "UsccParts",
    "identify",
    "mask_phone",
    "mask_ric",
    "normalise_code",
    "org_code_check_digit",
    "ric_birth_date",
    "ric_birth_place",
    "ric_gender",
    "uscc_check_digit",
    "uscc_org_code",
    "uscc_parts",
    "validate_mobile",
    "validate_org_code",
    "validate_phone",
    "validate_registration_number",
    "validate_ric",
    "validate_uscc",
]


class InvalidIdentifier(ValueError):
    """An identifier failed validation.

    ``code`` is a stable machine-readable reason (``"length"``, ``"charset"``,
    ``"authority"``, ``"category"``, ``"region"``, ``"checksum"``, ``"org_checksum"``,
    ``"birth_date"``, ``"birth_date_future"``, ``"birth_date_too_early"``, ``"prefix"``,
    ``"area_code"``, ``"format"``, ``"empty"``, ``"type"``); ``message`` is a Simplified
    Chinese sentence for the end user. It subclasses ``ValueError`` so that pydantic and
    Django form validators treat it as an ordinary validation failure.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"InvalidIdentifier({self.code!r}, {self.message!r})"


# --------------------------------------------------------------------------- normalisation

#: Dash-like separators people and spreadsheets put inside codes. NFKC already maps the
#: full-width and small hyphen-minus (U+FF0D, U+FE63) to "-"; the others survive NFKC.
_DASHES: Final = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")

#: Invisible characters that arrive with copy-paste from web pages and Excel and are not
#: ``str.isspace()``: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

_ASCII_DIGITS: Final = frozenset("0123456789")

#: Birth dates in ID numbers are China Standard Time calendar dates, so "today" is taken in
#: Asia/Shanghai rather than with a naive ``date.today()`` that follows the server's zone.
_CHINA_TZ: Final = ZoneInfo("Asia/Shanghai")


def _nfkc(value: str) -> str:
    """Full-width → half-width (``１２Ａ`` → ``12A``, ``（`` → ``(``, ideographic space → space).

    NFKC is the Unicode compatibility normalisation; Chinese IMEs emit full-width Latin
    letters and digits, and these identifiers are defined over ASCII only.
    """
    return unicodedata.normalize("NFKC", value)


def normalise_code(value: str) -> str:
    """Canonical form of a code string: half-width, no whitespace or dashes, upper case.

    Applies NFKC (full-width → half-width), removes all whitespace (including the
    ideographic space and NBSP), invisible zero-width characters and dash separators
    (``60003734-1`` → ``600037341``), then upper-cases (``x`` → ``X`` in ID numbers).
    None of USCC, 组织机构代码, 工商注册号 or RIC contains a space or a dash as data, so
    removing them everywhere is safe; it is *not* meant for telephone numbers, whose
    separators carry structure (see ``validate_phone``). Does not validate anything.
    """
    text = _nfkc(value)
    return "".join(
        ch for ch in text if not ch.isspace() and ch not in _DASHES and ch not in _INVISIBLE
    ).upper()


def _is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts e.g. Arabic-Indic digits."""
    return bool(text) and all(ch in _ASCII_DIGITS for ch in text)


def _prepare(value: object, label: str) -> str:
    """Type and emptiness guard shared by the validators, then ``normalise_code``."""
    if not isinstance(value, str):
        raise InvalidIdentifier("type", f"{label}必须是文本")
    code = normalise_code(value)
    if not code:
        raise InvalidIdentifier("empty", f"请填写{label}")
    return code


# --------------------------------------------------------------------------- GB 11714

#: GB 11714-1997 weights for the 8 body characters of a 组织机构代码.
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS: Final = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ORG_LABEL: Final = "组织机构代码"


def org_code_check_digit(body: str) -> str:
    """GB 11714-1997 check character for an 8-character 组织机构代码 body.

    Character values: digit = itself, letter A→10 … Z→35; weights 3,7,9,10,5,8,4,2;
    C9 = 11 − (Σ mod 11), where 10 is written ``X`` and 11 is written ``0``. Verified
    against 60003734→1 and 55138508→2 (DOMAIN B6). Raises ``InvalidIdentifier`` for a body
    that is not 8 digits/upper-case letters.
    """
    if len(body) != 8:
        raise InvalidIdentifier("length", f"{_ORG_LABEL}本体应为 8 位")
    if any(ch not in _ORG_BODY_CHARS for ch in body):
        raise InvalidIdentifier("charset", f"{_ORG_LABEL}本体只能包含数字和大写英文字母")
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def validate_org_code(value: str) -> str:
    """Validate a 组织机构代码 (GB 11714-1997); return the 9-character form without hyphen.

    Accepts ``XXXXXXXX-X`` (the printed form) and ``XXXXXXXXX``, with full-width characters,
    spaces and lower case tolerated. The 8 body characters are digits or upper-case letters
    and the check character is a digit or ``X``. Still the join key to legacy 质监 records,
    and embedded in positions 9–17 of every USCC (DOMAIN A2, B6).
    """
    code = _prepare(value, _ORG_LABEL)
    if len(code) != 9:
        raise InvalidIdentifier("length", f"{_ORG_LABEL}应为 9 位（8 位本体代码 + 1 位校验码）")
    body, check = code[:8], code[8]
    check_ok = check in _ASCII_DIGITS or check == "X"
    if not check_ok or any(ch not in _ORG_BODY_CHARS for ch in body):
        raise InvalidIdentifier(
            "charset", f"{_ORG_LABEL}前 8 位只能是数字或大写英文字母，校验码只能是数字或 X"
        )
    if org_code_check_digit(body) != check:
        raise InvalidIdentifier("checksum", f"{_ORG_LABEL}校验码不正确，请核对是否输错")
    return code


# --------------------------------------------------------------------------- GB 32100 (USCC)

#: GB 32100-2015 character set: digits and upper-case letters without I, O, Z, S, V
#: (31 symbols; the check is MOD 31). Same alphabet as ``stdnum.cn.uscc``.
USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_CHARS: Final = frozenset(USCC_ALPHABET)
_USCC_LABEL: Final = "统一社会信用代码"


class UsccAuthority(NamedTuple):
    """A 登记管理部门 (position 1) and its permitted 机构类别 codes (position 2).

    ``categories`` is ``None`` when the standard places no restriction on position 2.
    """

    name: str
    categories: Mapping[str, str] | None


#: GB 32100-2015 (+ Amendment No. 1, 2016) position-1 登记管理部门码 → position-2 机构类别码,
#: as tabulated in DOMAIN B6 (secondary sources; B10 #11 asks for confirmation against the
#: standard's text). A pair not listed here is invalid. The names of 旅游 categories 1 and 2
#: are not in DOMAIN B6 and are the ones commonly reproduced from the standard.
USCC_AUTHORITIES: Final[Mapping[str, UsccAuthority]] = {
    "1": UsccAuthority(
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": UsccAuthority("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": UsccAuthority(
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": UsccAuthority("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": UsccAuthority(
        "民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}
    ),
    "6": UsccAuthority(
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": UsccAuthority("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": UsccAuthority("工会", {"1": "基层工会", "9": "其他"}),
    "9": UsccAuthority("工商/市场监管", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": UsccAuthority("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": UsccAuthority(
        "农业",
        {
            "1": "组级集体经济组织",
            "2": "村级集体经济组织",
            "3": "乡镇级集体经济组织",
            "9": "其他",
        },
    ),
    "Y": UsccAuthority("其他", None),
}


class UsccParts(TypedDict):
    """The four data segments of a USCC (GB 32100-2015)."""

    authority: str  #: position 1, 登记管理部门码
    category: str  #: position 2, 机构类别码
    region: str  #: positions 3–8, 登记管理机关行政区划码 (GB/T 2260)
    org_code: str  #: positions 9–17, 主体标识码 = 组织机构代码 (GB 11714), no hyphen


def uscc_check_digit(body: str) -> str:
    """GB 32100 check character (position 18) for a 17-character USCC body.

    Delegates to ``stdnum.cn.uscc.calc_check_digit`` (weights 3^(i−1) mod 31, check =
    alphabet[(31 − Σ mod 31) mod 31]), which is correct for every authority code even
    though stdnum's ``validate`` is not. The body is checked against the alphabet first,
    because stdnum raises a bare ``ValueError`` on foreign characters.
    """
    if len(body) != 17:
        raise InvalidIdentifier("length", f"{_USCC_LABEL}本体应为 17 位")
    if any(ch not in _USCC_CHARS for ch in body):
        raise InvalidIdentifier("charset", _uscc_charset_message())
    return _stdnum_uscc.calc_check_digit(body)


def _uscc_charset_message() -> str:
    return f"{_USCC_LABEL}只能包含数字和大写英文字母，且不使用字母 I、O、Z、S、V（请检查是否把数字 0、1 误写成字母 O、I）"


def validate_uscc(value: str) -> str:
    """Validate a 统一社会信用代码 (GB 32100-2015); return its normalised 18-character form.

    Checks, in order (the first failure is reported): length 18 → ``length``; alphabet →
    ``charset``; position 1 in 1–9, A, N, Y → ``authority``; position 2 allowed for that
    authority by ``USCC_AUTHORITIES`` → ``category``; positions 3–8 six digits →
    ``region``; position 18 check character → ``checksum``; positions 9–17 a valid GB 11714
    组织机构代码 → ``org_checksum``. The overall check comes first because a typo anywhere
    breaks it; a code that passes it but carries a bad embedded organisation code is
    malformed at the source, which deserves its own message.
    """
    code = _prepare(value, _USCC_LABEL)
    if len(code) != 18:
        raise InvalidIdentifier("length", f"{_USCC_LABEL}应为 18 位")
    if any(ch not in _USCC_CHARS for ch in code):
        raise InvalidIdentifier("charset", _uscc_charset_message())
    authority_code, category_code = code[0], code[1]
    authority = USCC_AUTHORITIES.get(authority_code)
    if authority is None:
        allowed = "、".join(USCC_AUTHORITIES)
        raise InvalidIdentifier(
            "authority",
            f"{_USCC_LABEL}第 1 位（登记管理部门码）“{authority_code}”无效，应为 {allowed} 之一",
        )
    if authority.categories is not None and category_code not in authority.categories:
        allowed = "、".join(authority.categories)
        raise InvalidIdentifier(
            "category",
            f"{_USCC_LABEL}第 2 位（机构类别码）“{category_code}”与登记管理部门“{authority.name}”"
            f"（{authority_code}）不匹配，应为 {allowed} 之一",
        )
    if not _is_digits(code[2:8]):
        raise InvalidIdentifier(
            "region", f"{_USCC_LABEL}第 3–8 位（登记管理机关行政区划码）应为 6 位数字"
        )
    if _stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        raise InvalidIdentifier("checksum", f"{_USCC_LABEL}校验码不正确，请核对是否输错")
    org = code[8:17]
    if org_code_check_digit(org[:8]) != org[8]:
        raise InvalidIdentifier(
            "org_checksum",
            f"{_USCC_LABEL}第 9–17 位（组织机构代码）校验不通过，该代码不符合 GB 11714，请核对原始证照",
        )
    return code


def uscc_parts(code: str) -> UsccParts:
    """Validate a USCC and split it into authority, category, region and org_code."""
    valid = validate_uscc(code)
    return UsccParts(authority=valid[0], category=valid[1], region=valid[2:8], org_code=valid[8:17])


def uscc_org_code(code: str) -> str:
    """Validate a USCC and return its embedded 9-character 组织机构代码 (no hyphen).

    Positions 9–17 of a USCC are the organisation's GB 11714 code, so this is the join key
    from a USCC to legacy 质监 organisation-code records (DOMAIN B6).
    """
    return validate_uscc(code)[8:17]


# --------------------------------------------------------------------------- GS15 (工商注册号)

_REG_LABEL: Final = "工商注册号"


def validate_registration_number(value: str) -> str:
    """Validate a 15-digit 工商注册号 (GS15-2006); return the 15 digits.

    6 digits of the first registering authority + 8 sequence digits + 1 check digit,
    checked with ISO 7064 MOD 11,10 (``stdnum.iso7064.mod_11_10``, DOMAIN B6). Older
    13-digit numbers (pre-2006) have no check and are not accepted here.
    """
    code = _prepare(value, _REG_LABEL)
    if not _is_digits(code):
        raise InvalidIdentifier("charset", f"{_REG_LABEL}只能包含数字")
    if len(code) != 15:
        raise InvalidIdentifier("length", f"{_REG_LABEL}应为 15 位数字")
    if not _mod_11_10.is_valid(code):
        raise InvalidIdentifier("checksum", f"{_REG_LABEL}校验位不正确，请核对是否输错")
    return code


# --------------------------------------------------------------------------- GB 11643 (RIC)

_RIC_LABEL: Final = "居民身份证号码"
_RIC_MIN_BIRTH: Final = date(1900, 1, 1)


def _china_today() -> date:
    return datetime.now(tz=_CHINA_TZ).date()


def _ric_check(body17: str) -> str:
    """MOD 11-2 check character for 17 digits via ``stdnum.cn.ric.calc_check_digit``.

    stdnum's function expects the full 18-character number and ignores its last character,
    so a placeholder is appended. ``body17`` must already be ASCII digits (stdnum parses it
    in base 13, which would silently accept ``A``–``C``).
    """
    return _stdnum_ric.calc_check_digit(body17 + "0")


def validate_ric(value: str, *, today: date | None = None) -> str:
    """Validate a 居民身份证号码 (GB 11643-1999); return the 18-character form.

    18 characters: 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence and
    the ISO 7064 MOD 11-2 check (0–9 or X; lower-case x accepted). A legacy 15-digit number
    (6 address + YYMMDD + 3 sequence, no check) is upgraded by inserting ``19`` before the
    year and computing the check (common practice; DOMAIN B6 marks it [inferred]). 15-digit
    numbers were issued only to people born in the 1900s, so "19" is always right.

    Hard checks: length/charset, check character, a real calendar birth date not before
    1900-01-01 and not after ``today`` (default: today in China Standard Time). The address
    code is deliberately *not* checked: python-stdnum's birthplace table rejects real IDs and
    raises ``KeyError`` for unknown counties (DOMAIN A2, B6.1); see ``ric_birth_place``.
    """
    code = _prepare(value, _RIC_LABEL)
    if len(code) == 15:
        if not _is_digits(code):
            raise InvalidIdentifier("charset", f"15 位{_RIC_LABEL}只能包含数字")
        body = code[:6] + "19" + code[6:]
        code = body + _ric_check(body)
    elif len(code) == 18:
        if not _is_digits(code[:17]) or not (code[17] in _ASCII_DIGITS or code[17] == "X"):
            raise InvalidIdentifier(
                "charset", f"{_RIC_LABEL}前 17 位只能是数字，最后一位只能是数字或 X"
            )
        if _stdnum_ric.calc_check_digit(code) != code[17]:
            raise InvalidIdentifier("checksum", f"{_RIC_LABEL}校验码不正确，请核对是否输错")
    else:
        raise InvalidIdentifier("length", f"{_RIC_LABEL}应为 18 位（或旧版 15 位）")
    try:
        birth = _stdnum_ric.get_birth_date(code)
    except _StdnumValidationError:
        raise InvalidIdentifier(
            "birth_date", f"{_RIC_LABEL}中的出生日期（第 7–14 位）不是有效日期"
        ) from None
    if birth < _RIC_MIN_BIRTH:
        raise InvalidIdentifier(
            "birth_date_too_early", f"{_RIC_LABEL}中的出生日期早于 1900 年，请核对"
        )
    if birth > (today if today is not None else _china_today()):
        raise InvalidIdentifier("birth_date_future", f"{_RIC_LABEL}中的出生日期晚于今天，请核对")
    return code


def ric_birth_date(value: str) -> date:
    """Validate a RIC and return the birth date it encodes (positions 7–14)."""
    return _stdnum_ric.get_birth_date(validate_ric(value))


def ric_gender(value: str) -> Literal["male", "female"]:
    """Validate a RIC and return the gender its sequence code encodes.

    GB 11643-1999: the 3-digit sequence (positions 15–17) is odd for men, even for women.
    """
    return "male" if int(validate_ric(value)[16]) % 2 else "female"


def ric_birth_place(value: str) -> str | None:
    """Advisory birthplace (address-code region name) of a RIC, e.g. ``"江西省德安县"``.

    Never raises: returns ``None`` for an invalid number or a code the table does not know,
    and only the province when the county is unknown (e.g. 110199 → ``"北京市"``). Use it for
    display hints only, never to reject a number (DOMAIN A2).

    ``stdnum.cn.ric.get_birth_place`` is tried first; it rejects codes whose recorded
    validity period does not cover the birth year (the model county 大方县 520521 is
    recorded from 2011, yet people born earlier receive it at first registration) and
    raises ``KeyError`` for unknown counties (DOMAIN B6.1). When it fails, the code is looked
    up directly in stdnum's bundled table (Wikipedia-derived GB/T 2260 history) ignoring
    the validity years, taking the name whose period is closest to the birth year.
    """
    try:
        code = validate_ric(value)
    except Exception:
        return None
    try:
        info = _stdnum_ric.get_birth_place(code)
        name = "".join(info.get(key, "") for key in ("province", "prefecture", "county"))
        if name:
            return name
    except Exception:  # noqa: S110 -- advisory lookup; fall back to the raw table below.
        pass
    try:
        return _birth_place_any_period(code[:6], int(code[6:10]))
    except Exception:
        return None


_PERIOD_RE: Final = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


def _birth_place_any_period(address: str, year: int) -> str | None:
    """Region name for a GB/T 2260 code from stdnum's ``cn/loc`` table, period-tolerant."""
    parts: dict[str, str] = {}
    for _prefix, props in numdb.get("cn/loc").info(address):
        parts.update(props)
    province = parts.get("province", "")
    best: tuple[int, str] | None = None
    for entry in parts.get("county", "").split(","):
        match = _PERIOD_RE.match(entry)
        if match is None:
            distance, name = 0, entry
        else:
            start, end, name = match.groups()
            distance = max(
                int(start) - year if start else 0,
                year - int(end) if end else 0,
                0,
            )
        if name and (best is None or distance < best[0]):
            best = (distance, name)
    result = province + (best[1] if best else "")
    return result or None


# --------------------------------------------------------------------------- telephones

_MOBILE_LABEL: Final = "手机号码"
_MOBILE_RE: Final = re.compile(r"1[3-9]\d{9}", re.ASCII)
_COUNTRY_PREFIX_RE: Final = re.compile(r"^(?:\+|00)86[\s\-]*", re.ASCII)

#: Area codes per the MIIT numbering plan: 010 and 02X are 3 digits, every other area code
#: is 4 digits starting 03–09. Knowing this splits unseparated input such as 01012345678
#: (010 + 12345678) versus 085712345678 (0857 + 12345678) unambiguously.
_LANDLINE_RE: Final = re.compile(
    r"""
    ^\(?(?P<area>010|02\d|0[3-9]\d{2})\)?   # area code, optionally in parentheses
    [\s\-]*
    (?P<number>\d{3,4}[\s\-]?\d{4})          # local number, 7–8 digits, may be split
    (?:\s*(?:[\s\-]|转|分机|ext\.?|x|\#)\s*(?P<ext>\d{1,6}))?  # optional extension
    $
    """,
    re.ASCII | re.IGNORECASE | re.VERBOSE,
)


def validate_mobile(value: str) -> str:
    """Validate a mainland China mobile number; return its 11 digits.

    11 digits starting 13–19 (MIIT 电信网编号计划: public mobile network numbers, including
    the 14x, 16x and 17x ranges of data cards and virtual operators). An international prefix ``+86``/``0086``, spaces and hyphens
    (``138-1234-5678``, ``+86 138 1234 5678``) and full-width digits are accepted.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("type", f"{_MOBILE_LABEL}必须是文本")
    text = _nfkc(value).strip()
    text = _COUNTRY_PREFIX_RE.sub("", text)
    digits = "".join(
        ch for ch in text if not ch.isspace() and ch not in _DASHES and ch not in _INVISIBLE
    )
    if not digits:
        raise InvalidIdentifier("empty", f"请填写{_MOBILE_LABEL}")
    if not _is_digits(digits):
        raise InvalidIdentifier("charset", f"{_MOBILE_LABEL}只能包含数字")
    if len(digits) != 11:
        raise InvalidIdentifier("length", f"{_MOBILE_LABEL}应为 11 位数字")
    if not _MOBILE_RE.fullmatch(digits):
        raise InvalidIdentifier("prefix", f"{_MOBILE_LABEL}应以 13–19 开头")
    return digits


def _parse_landline(value: str) -> tuple[str, str, str | None] | None:
    """(area, number, extension) of a fixed-line number, or None."""
    text = "".join(ch for ch in _nfkc(value).strip() if ch not in _INVISIBLE)
    text = "".join("-" if ch in _DASHES else ch for ch in text)
    match = _COUNTRY_PREFIX_RE.match(text)
    if match:
        # International form drops the trunk prefix 0: +86 857 1234567 = 0857-1234567.
        rest = text[match.end() :].lstrip("(")
        text = rest if rest.startswith("0") else "0" + rest
    found = _LANDLINE_RE.match(text)
    if found is None:
        return None
    number = re.sub(r"[\s\-]", "", found["number"])
    return found["area"], number, found["ext"]


def validate_phone(value: str) -> str:
    """Validate a contact telephone number: a mobile or a fixed line with area code.

    A mobile is returned as 11 digits (see ``validate_mobile``). A fixed line needs its
    area code (3–4 digits starting with 0: 010/02X are 3 digits, others 4) and a 7–8 digit
    local number; ``0857-1234567``, ``(0857)12345678``, ``085712345678``, ``0857 1234567``
    and ``+86 857 1234567`` are accepted, with an optional extension (``-123``, ``转123``,
    ``ext 123``). It is returned as ``AREA-NUMBER`` or ``AREA-NUMBER-EXT``.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("type", "电话号码必须是文本")
    if not normalise_code(value):
        raise InvalidIdentifier("empty", "请填写电话号码")
    try:
        return validate_mobile(value)
    except InvalidIdentifier:
        pass
    parsed = _parse_landline(value)
    if parsed is not None:
        area, number, ext = parsed
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    digits = normalise_code(value)
    if _is_digits(digits) and 7 <= len(digits) <= 8 and not digits.startswith("0"):
        raise InvalidIdentifier("area_code", "固定电话请填写区号，例如 0857-1234567")
    raise InvalidIdentifier(
        "format", "电话号码格式不正确：请填写 11 位手机号码，或带区号的固定电话（如 0857-1234567）"
    )


# --------------------------------------------------------------------------- masking

_RIC_SHAPE_RE: Final = re.compile(r"\d{17}[\dX]|\d{15}", re.ASCII)


def _mask_junk(text: str) -> str:
    """Everything but the last 2 characters; fully masked when 4 or fewer characters."""
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def _clean_for_mask(value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return normalise_code(text)


def mask_ric(value: str | None) -> str:
    """Mask an ID number for display, keeping the first 4 and last 4 characters.

    ``520521199001010019`` → ``5205**********0019`` (DOMAIN A6: sensitive personal
    information is shown masked; PIPL Art. 51 de-identification). Works on raw or already
    normalised values and on 15-digit legacy numbers; the checksum is not required, so a
    stored legacy error is masked the same way. Anything else is masked except its last 2
    characters. Never raises.
    """
    try:
        text = _clean_for_mask(value)
        if _RIC_SHAPE_RE.fullmatch(text):
            return text[:4] + "*" * (len(text) - 8) + text[-4:]
        return _mask_junk(text)
    except Exception:
        return ""


def mask_phone(value: str | None) -> str:
    """Mask a telephone number for display (DOMAIN A6). Never raises.

    Mobiles keep the first 3 and last 4 digits (``138****5678``), the usual practice in
    China; fixed lines keep the area code and the last 2 digits (``0857-*****67``), and an
    extension is masked entirely. Anything else is masked except its last 2 characters.
    """
    try:
        if value is None:
            return ""
        text = value if isinstance(value, str) else str(value)
        try:
            mobile = validate_mobile(text)
            return mobile[:3] + "****" + mobile[-4:]
        except InvalidIdentifier:
            pass
        parsed = _parse_landline(text)
        if parsed is not None:
            area, number, ext = parsed
            masked = f"{area}-" + "*" * (len(number) - 2) + number[-2:]
            return masked + ("-" + "*" * len(ext) if ext else "")
        return _mask_junk(_clean_for_mask(text))
    except Exception:
        return ""


# --------------------------------------------------------------------------- classification

IdentifierKind = Literal["uscc", "org_code", "registration_number", "unknown"]


def identify(value: str) -> tuple[IdentifierKind, str]:
    """Classify an employer code string as one of the three employer keys (DOMAIN A2).

    Returns ``("uscc" | "org_code" | "registration_number", normalised)`` for a code that
    validates as that key, else ``("unknown", normalise_code(value))``. Importers use it to
    match a record on whichever key it carries. The three formats have different lengths
    (18, 9, 15) so at most one can match. Never raises (non-text gives ``("unknown", "")``).
    """
    if not isinstance(value, str):
        return "unknown", ""
    code = normalise_code(value)
    try:
        return "uscc", validate_uscc(code)
    except InvalidIdentifier:
        pass
    try:
        return "org_code", validate_org_code(code)
    except InvalidIdentifier:
        pass
    try:
        return "registration_number", validate_registration_number(code)
    except InvalidIdentifier:
        pass
    return "unknown", code
