"""Register words to employer vocabularies: status, employer type, industry section.

Registers write the same fact in many words (存续, 在业, 开业, 存续（在营、开业、在册）...). Each
parser here reduces a cell to a lookup key once (NFKC, no spaces, ASCII brackets) and caches the
answer: a million-row file holds a few dozen distinct status and type words, so nearly every call
is one dictionary hit.

A parser returns ``None`` for a blank cell and raises
:class:`~laborgrid.registers.normalise.NormaliseError` for a word it does not know, naming the
accepted words. Unknown *types* are not errors (registers invent new type names all the time):
they fall back to a per-source default, see :func:`parse_employer_type`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from django.utils.translation import gettext

from laborgrid.core.text import enumeration
from laborgrid.employers.choices import EmployerStatus, EmployerType, Industry
from laborgrid.registers.normalise import Cell, NormaliseError, is_blank

__all__ = [
    "STATUS_WORDS",
    "USCC_CATEGORY_TYPES",
    "default_employer_type",
    "parse_employer_type",
    "parse_industry",
    "parse_status",
    "type_from_uscc",
]

_KEY_DROP: Final = re.compile(r"[\s\u3000]+")


def _key(value: Cell) -> str:
    """``" 存续（在营、开业、在册） "`` → ``"存续(在营、开业、在册)"``."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", str(value))).lower()


_BRACKETED: Final = re.compile(r"\([^()]*\)")

# --------------------------------------------------------------------------- status

#: Register status words → lifecycle (``EmployerStatus``). 存续 is what the national enterprise
#: credit system shows for an operating business, often as 存续（在营、开业、在册）; the bracketed
#: part is dropped before lookup. 吊销，已注销 ends in deregistration; 吊销未注销 stays revoked.
#: 撤销登记 (registration annulled) ends the entity like 注销 does. 歇业 (市场主体登记管理条例
#: 2022, Art. 30) and 停业 are a pause, not an end.
STATUS_WORDS: Final[dict[str, EmployerStatus]] = {
    **dict.fromkeys(
        (
            "存续",
            "在业",
            "在营",
            "开业",
            "在册",
            "正常",
            "登记成立",
            "确立",
            "设立",
            "成立",
            "迁入",
            "有效",
            "正常办学",
            "营业",
            "存续在营",
        ),
        EmployerStatus.OPERATING,
    ),
    **dict.fromkeys(("停业", "歇业", "停办", "暂停营业", "停止营业"), EmployerStatus.SUSPENDED),
    **dict.fromkeys(
        (
            "注销",
            "已注销",
            "注销登记",
            "撤销登记",
            "撤销",
            "已撤销",
            "终止",
            "吊销已注销",
            "吊销,已注销",
            "吊销后注销",
        ),
        EmployerStatus.DEREGISTERED,
    ),
    **dict.fromkeys(
        (
            "吊销",
            "已吊销",
            "吊销未注销",
            "吊销,未注销",
            "吊销(未注销)",
            "吊销营业执照",
            "被吊销",
        ),
        EmployerStatus.REVOKED,
    ),
    **dict.fromkeys(("迁出", "已迁出", "迁移", "迁移异地", "迁往市外"), EmployerStatus.MOVED_OUT),
}
_STATUS_KEYS: Final = {_key(word): status for word, status in STATUS_WORDS.items()}
#: The words an error message offers (one or two per status, not the whole list).
_STATUS_SHOWN: Final = (
    "存续",
    "在业",
    "开业",
    "停业",
    "歇业",
    "注销",
    "吊销",
    "吊销未注销",
    "迁出",
)


@lru_cache(maxsize=4096)
def _status(value: Cell) -> EmployerStatus | None:
    """Cached on the cell as written: a file repeats a few spellings a million times."""
    key = _key(value)
    found = _STATUS_KEYS.get(key)
    if found is None:
        found = _STATUS_KEYS.get(_BRACKETED.sub("", key))
    return found


def parse_status(value: Cell) -> EmployerStatus | None:
    """A register status word as the employer lifecycle; ``None`` for a blank cell."""
    found = _status(value)
    if found is None:
        if is_blank(value):
            return None
        raise NormaliseError(
            gettext("“%(value)s”不是可识别的登记状态，可用：%(words)s")
            % {"value": str(value).strip()[:20], "words": enumeration(_STATUS_SHOWN)},
            code="status",
        )
    return found


# --------------------------------------------------------------------------- employer type

_E, _I, _C = EmployerType.ENTERPRISE, EmployerType.INDIVIDUAL, EmployerType.COOPERATIVE
_S, _P = EmployerType.SOCIAL_ORG, EmployerType.PRIVATE_NON_ENTERPRISE
_U, _G, _O = EmployerType.PUBLIC_INSTITUTION, EmployerType.STATE_ORGAN, EmployerType.OTHER

#: Whole words first. 个人经营 / 家庭经营 are the 组成形式 of a 个体工商户. 基金会 is a 民政
#: social organisation like a 社会团体 and is filed with them (the type list has no own entry).
_TYPE_WORDS: Final[dict[str, EmployerType]] = {
    _key(w): t
    for t, words in (
        (_I, ("个体工商户", "个体", "个体户", "个人经营", "家庭经营", "个体经营")),
        (_C, ("农民专业合作社", "农民专业合作社分社", "专业合作社", "合作社")),
        (_S, ("社会团体", "社团", "基金会", "社会组织")),
        (
            _P,
            (
                "民办非企业单位",
                "民办非企业",
                "民非",
                "社会服务机构",
                "民办学校",
                "民办幼儿园",
                "民办培训机构",
                "民办教育机构",
            ),
        ),
        (_U, ("事业单位", "公办", "公办学校", "公办幼儿园")),
        (_G, ("机关", "国家机关", "党政机关", "机关单位")),
        (_O, ("其他", "其它")),
    )
    for w in words
}

#: Then fragments, in order: the first one the word contains decides. Enterprise fragments come
#: after the others so that e.g. 民办非企业单位 (which contains 企业) is not an enterprise.
_TYPE_FRAGMENTS: Final[tuple[tuple[str, EmployerType], ...]] = (
    ("个体", _I),
    ("农民专业合作", _C),
    ("民办非企业", _P),
    ("社会服务机构", _P),
    ("民办", _P),
    ("社会团体", _S),
    ("基金会", _S),
    ("事业单位", _U),
    ("公办", _U),
    ("公司", _E),
    ("企业", _E),
    ("合伙", _E),
    ("独资", _E),
    ("全民所有制", _E),
    ("集体所有制", _E),
    ("股份合作", _E),
    ("联营", _E),
    ("外商投资", _E),
    ("外国(地区)", _E),
    ("分支机构", _E),
    ("合作社", _C),
    ("机关", _G),
)

#: What an unrecognised (or absent) type means, per source: 教育 lists private schools and
#: training bodies, whose "办学类型" column usually names the level (幼儿园, 小学 ...).
_SOURCE_DEFAULT: Final[dict[str, EmployerType]] = {"jy": _P}


@lru_cache(maxsize=4096)
def _employer_type(value: Cell, source: str) -> EmployerType | None:
    """Cached on the cell as written; ``None`` if blank."""
    if is_blank(value):
        return None
    key = _key(value)
    found = _TYPE_WORDS.get(key) or _TYPE_WORDS.get(_BRACKETED.sub("", key))
    if found is not None:
        return found
    for fragment, kind in _TYPE_FRAGMENTS:
        if fragment in key:
            return kind
    return _SOURCE_DEFAULT.get(source, _O)


def default_employer_type(source: str) -> EmployerType:
    """The type of a row whose type is blank and whose USCC says nothing (per source)."""
    return _SOURCE_DEFAULT.get(source, _O)


def parse_employer_type(value: Cell, source: str = "scjg") -> EmployerType | None:
    """A register type word as ``EmployerType``; ``None`` for a blank cell. Never raises.

    有限责任公司（自然人投资或控股）, 股份有限公司, 个人独资企业, 合伙企业, 分公司 → enterprise;
    个体工商户 → individual; 农民专业合作社 → cooperative; 社会团体, 基金会 → social_org;
    民办非企业单位, 社会服务机构, 民办学校/幼儿园 → private_non_enterprise; 事业单位 → public
    institution; 机关 → state organ. Any other word containing 公司 or 企业 is an enterprise;
    what is left is ``other`` (``private_non_enterprise`` for the 教育 source).
    """
    return _employer_type(value, source)


#: The 机构类别 of a USCC (positions 1–2, GB 32100) as an employer type, for rows whose type
#: column is blank or absent. Categories not listed here say nothing useful (→ ``None``).
USCC_CATEGORY_TYPES: Final[dict[str, EmployerType]] = {
    "11": _G,
    "12": _U,
    "51": _S,
    "52": _P,
    "53": _S,
    "91": _E,
    "92": _I,
    "93": _C,
}


def type_from_uscc(uscc: str) -> EmployerType | None:
    """The employer type a valid USCC's first two characters imply, if any."""
    return USCC_CATEGORY_TYPES.get(uscc[:2])


# --------------------------------------------------------------------------- industry

#: GB/T 4754-2017: each section (门类) covers a range of two-digit divisions (大类).
_DIVISION_RANGES: Final = (
    (1, 5, "A"),
    (6, 12, "B"),
    (13, 43, "C"),
    (44, 46, "D"),
    (47, 50, "E"),
    (51, 52, "F"),
    (53, 60, "G"),
    (61, 62, "H"),
    (63, 65, "I"),
    (66, 69, "J"),
    (70, 70, "K"),
    (71, 72, "L"),
    (73, 75, "M"),
    (76, 79, "N"),
    (80, 82, "O"),
    (83, 83, "P"),
    (84, 85, "Q"),
    (86, 90, "R"),
    (91, 96, "S"),
    (97, 97, "T"),
)
_SECTION_BY_LABEL: Final = {_key(str(label)): code for code, label in Industry.choices}
_SECTION_SHORT: Final = {
    _key(w): c
    for w, c in (
        ("农林牧渔业", "A"),
        ("农业", "A"),
        ("电力热力燃气及水生产和供应业", "D"),
        ("交通运输仓储和邮政业", "G"),
        ("信息传输软件和信息技术服务业", "I"),
        ("水利环境和公共设施管理业", "N"),
        ("居民服务修理和其他服务业", "O"),
        ("文化体育和娱乐业", "R"),
        ("公共管理社会保障和社会组织", "S"),
    )
}
_INDUSTRY_CODE: Final = re.compile(r"^\(?([a-t])\)?(\d{0,4})")
_DIVISION_CODE: Final = re.compile(r"^(\d{2})\d{0,2}$")


def _section_of_division(division: int) -> str | None:
    for low, high, section in _DIVISION_RANGES:
        if low <= division <= high:
            return section
    return None


@lru_cache(maxsize=2048)
def _industry(key: str) -> str | None:
    plain = key.replace("、", "").replace(",", "")
    if plain in _SECTION_SHORT:
        return _SECTION_SHORT[plain]
    if key in _SECTION_BY_LABEL:
        return _SECTION_BY_LABEL[key]
    code = _INDUSTRY_CODE.match(key)
    rest = key[code.end() :] if code else ""
    if code and not (rest[:1].isascii() and rest[:1].isalpha()):
        section = code.group(1).upper()
        digits = code.group(2)
        if len(digits) >= 2 and _section_of_division(int(digits[:2])) != section:
            return None
        return section
    division = _DIVISION_CODE.match(key)
    if division:
        return _section_of_division(int(division.group(1)))
    for label, section in _SECTION_BY_LABEL.items():
        if key.startswith(label):
            return section
    return None


def parse_industry(value: Cell) -> str | None:
    """An industry cell as a GB/T 4754-2017 section letter (``Industry``); ``None`` if blank.

    Accepts the letter (``C``), letter with division (``C13``, ``C1310 谷物磨制``), a division
    code alone (``13``, ``1310``: the section is the one whose range holds the division) and the
    section's name (``制造业``). A value it cannot place raises a *non-fatal* ``NormaliseError``:
    the industry is descriptive, so the row is imported without it and the problem is reported.
    """
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    found = _industry(_key(value))
    if found is None:
        raise NormaliseError(
            gettext("“%(value)s”不是可识别的行业门类，已留空（可填门类字母如 C，或“制造业”）")
            % {"value": str(value).strip()[:20]},
            code="industry",
            fatal=False,
        )
    return found
