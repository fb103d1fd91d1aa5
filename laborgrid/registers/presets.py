"""Source presets: which column headers each department's register exports use, and matching.

A preset maps each target field (the employer fields an import can fill, plus two input-only
helpers) to the header aliases real exports use, most preferred first. :func:`match_headers`
turns a file's header row into a *mapping*: a plain ``{header as written: field or None}`` dict
in file order, which is JSON-serialisable so that a person can adjust it in the UI and save it as
a new preset. Every column appears in it: a column nobody recognises maps to ``None`` and is listed
in ``unknown`` so that the import reports it — columns are never dropped silently.

Header names are a data format, not interface text: a Chinese file is read the same whatever the
user's interface language, so aliases are plain strings here, not ``gettext``. Field labels and
messages are shown to people and are translated.

Matching ignores what people vary without meaning to: full-width versus half-width characters,
spaces, the kind of brackets, a required-mark ``*``, a trailing colon, and hints in brackets such as
``（必填）`` or ``（万元）`` — the latter is kept as a *unit hint* for the capital column (a bare
``500`` under ``注册资本（万元）`` is 500万元; under ``注册资本（元）`` it is 500元).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from laborgrid.core.text import enumeration
from laborgrid.employers.choices import RegisterSource

__all__ = [
    "CODE_FIELDS",
    "FIELDS",
    "FIELD_LABELS",
    "IGNORED_HEADERS",
    "PRESETS",
    "HeaderMatch",
    "Preset",
    "check_mapping",
    "header_key",
    "header_score",
    "match_headers",
]

#: Target fields, in the order a mapping screen lists them. All but ``code`` and ``coordinates``
#: are fields of ``laborgrid.employers.models.Employer`` or, for ``registration_authority``
#: (登记机关, kept as raw text) and ``contact_phone`` (stored encrypted), of the import's record.
FIELD_LABELS: Final[Mapping[str, Promise]] = {
    "uscc": _("统一社会信用代码"),
    "reg_number": _("工商注册号"),
    "org_code": _("组织机构代码"),
    #: A column holding any of the three codes (``统一社会信用代码/注册号``): each value is
    #: classified by its shape and checksum (``laborgrid.lib.identifiers.identify``).
    "code": _("代码（信用代码或注册号）"),
    "name": _("单位名称"),
    "former_names": _("曾用名"),
    "legal_rep": _("法定代表人（负责人）"),
    "employer_type": _("单位类型"),
    "industry": _("行业门类"),
    "established_on": _("成立日期"),
    "registered_capital": _("注册资本"),
    "status": _("经营状态"),
    "address": _("地址"),
    "business_scope": _("经营范围"),
    "registration_authority": _("登记机关"),
    "contact_person": _("联系人"),
    "contact_phone": _("联系电话"),
    "lng": _("经度"),
    "lat": _("纬度"),
    #: Longitude and latitude in one cell (``106.12,27.13``), split by :mod:`normalise`.
    "coordinates": _("经纬度"),
}
FIELDS: Final = tuple(FIELD_LABELS)

#: Fields that identify an employer (DOMAIN A2); ``code`` is any of them.
CODE_FIELDS: Final = frozenset({"uscc", "reg_number", "org_code", "code"})

#: Headers every export has that carry nothing to import. They map to ``None`` and are listed as
#: ``ignored`` rather than ``unknown``, so the UI can show them as "not imported" without a
#: warning. ``核准日期`` is the date of the latest approval (of a change, say), not the founding
#: date, so it is deliberately *not* an alias of ``established_on``; a person may still map it.
IGNORED_HEADERS: Final = frozenset(
    {
        "序号",
        "编号",
        "行号",
        "核准日期",
        "发照日期",
        "营业期限自",
        "营业期限至",
        "经营期限自",
        "经营期限至",
        "营业期限",
        "经营期限",
        "备注",
    }
)

#: Aliases shared by every source, most preferred first within a field. A file column maps to the
#: field whose alias it matches; when two columns match one field, the one with the earlier alias
#: wins (then the leftmost) and the other is reported as a duplicate.
_COMMON: Final[Mapping[str, tuple[str, ...]]] = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "统一社会信用代码号"),
    "reg_number": ("注册号", "工商注册号", "营业执照注册号", "企业注册号", "原注册号"),
    "org_code": ("组织机构代码", "机构代码", "组织代码", "组织机构代码证号", "代码证号"),
    "code": (
        "统一社会信用代码/注册号",
        "统一社会信用代码(注册号)",
        "注册号/统一社会信用代码",
        "信用代码/注册号",
        "统一社会信用代码或注册号",
        "代码",
    ),
    "name": (
        "企业名称",
        "单位名称",
        "名称",
        "字号名称",
        "市场主体名称",
        "主体名称",
        "个体工商户名称",
        "社会组织名称",
        "学校名称",
        "机构名称",
        "组织名称",
        "用人单位名称",
    ),
    "former_names": ("曾用名", "曾用名称", "原名称", "历史名称", "变更前名称"),
    "legal_rep": (
        "法定代表人",
        "法定代表人(负责人)",
        "法定代表人/负责人",
        "法定代表人姓名",
        "法人代表",
        "法人",
        "经营者",
        "经营者姓名",
        "负责人",
        "投资人",
        "执行事务合伙人",
        "首席代表",
    ),
    "employer_type": (
        "企业类型",
        "市场主体类型",
        "主体类型",
        "单位类型",
        "类型",
        "企业类别",
        "社会组织类型",
        "组织类型",
        "办学类型",
        "机构类型",
        "经济类型",
        "经济性质",
        "组成形式",
    ),
    "industry": (
        "行业门类",
        "所属行业",
        "行业",
        "国民经济行业",
        "国民经济行业分类",
        "行业分类",
        "行业类别",
        "行业代码",
        "经济行业",
    ),
    "established_on": (
        "成立日期",
        "成立时间",
        "成立登记日期",
        "注册日期",
        "登记日期",
        "设立日期",
        "开业日期",
        "创办日期",
        "登记时间",
    ),
    "registered_capital": (
        "注册资本",
        "注册资金",
        "资金数额",
        "开办资金",
        "出资额",
        "出资总额",
        "成员出资总额",
        "认缴注册资本",
        "注册资本(金)",
    ),
    "status": (
        "登记状态",
        "经营状态",
        "企业状态",
        "主体状态",
        "存续状态",
        "单位状态",
        "办学状态",
        "状态",
    ),
    "address": (
        "住所",
        "住所(经营场所)",
        "住所/经营场所",
        "经营场所",
        "地址",
        "注册地址",
        "登记住所",
        "经营地址",
        "营业场所",
        "企业地址",
        "单位地址",
        "办学地址",
        "机构地址",
        "办公地址",
        "详细地址",
        "住址",
    ),
    "business_scope": ("经营范围", "业务范围", "宗旨和业务范围", "主营项目", "经营项目"),
    "registration_authority": (
        "登记机关",
        "登记管理机关",
        "登记机构",
        "发证机关",
        "审批机关",
    ),
    "contact_person": ("联系人", "联系人姓名"),
    "contact_phone": (
        "联系电话",
        "电话",
        "联系方式",
        "手机",
        "手机号码",
        "联系人电话",
        "固定电话",
        "办公电话",
    ),
    "lng": ("经度", "坐标经度", "lng", "lon", "longitude"),
    "lat": ("纬度", "坐标纬度", "lat", "latitude"),
    "coordinates": ("经纬度", "坐标", "地理坐标", "位置坐标"),
}


@dataclass(frozen=True)
class Preset:
    """The header aliases of one department's exports.

    ``source`` is a ``RegisterSource`` value; it also selects the source-specific defaults of
    :mod:`~laborgrid.registers.vocab` (the employer type a 教育 register implies, for one).
    ``aliases`` maps each field to its aliases, most preferred first.
    """

    source: str
    label: Promise | str
    aliases: Mapping[str, tuple[str, ...]]


def _preset(source: RegisterSource, first: Mapping[str, tuple[str, ...]]) -> Preset:
    """The common aliases with this source's own put first (they win a tie between columns)."""
    aliases = {
        f: tuple(dict.fromkeys((*first.get(f, ()), *_COMMON.get(f, ())))) for f in FIELD_LABELS
    }
    return Preset(source=source.value, label=source.label, aliases=aliases)


#: Built-in presets, by ``RegisterSource`` value.
PRESETS: Final[Mapping[str, Preset]] = {
    # 国家企业信用信息公示系统 / 登记注册系统 exports: enterprises and 个体工商户.
    "scjg": _preset(RegisterSource.SCJG, {}),
    # 社会组织登记管理 exports: 社会团体, 民办非企业单位 (社会服务机构), 基金会.
    "mz": _preset(
        RegisterSource.MZ,
        {
            "name": ("社会组织名称",),
            "employer_type": ("社会组织类型", "组织类型"),
            "registered_capital": ("注册资金", "开办资金"),
            "business_scope": ("宗旨和业务范围", "业务范围"),
            "registration_authority": ("登记管理机关",),
        },
    ),
    # 民办学校 / 培训机构 lists of the education bureau.
    "jy": _preset(
        RegisterSource.JY,
        {
            "name": ("学校名称", "机构名称"),
            "employer_type": ("办学类型", "学校类型", "机构类型"),
            "address": ("办学地址", "学校地址"),
            "registered_capital": ("开办资金", "注册资金"),
            "business_scope": ("办学内容", "办学层次", "业务范围"),
            "registration_authority": ("审批机关", "发证机关"),
            "legal_rep": ("法定代表人", "校长", "负责人"),
        },
    ),
    # 组织机构代码 registers (质监, before the USCC reform).
    "zj": _preset(
        RegisterSource.ZJ,
        {
            "name": ("机构名称", "单位名称"),
            "org_code": ("组织机构代码", "机构代码", "代码"),
            "employer_type": ("机构类型",),
            "address": ("机构地址", "地址"),
            "registration_authority": ("发证机关", "颁证单位"),
        },
    ),
}


#: Every alias of every preset, for finding the header row before the source is known.
_ANY_SOURCE: Final[Mapping[str, tuple[str, ...]]] = {
    f: tuple(dict.fromkeys(a for p in PRESETS.values() for a in p.aliases[f])) for f in FIELD_LABELS
}

# --------------------------------------------------------------------------- header keys

#: Bracket forms NFKC leaves alone, folded to ASCII parentheses.
_BRACKETS: Final = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_SPACES_AND_MARKS: Final = re.compile(r"[\s*:：]+")
_BRACKETED: Final = re.compile(r"\(([^()]*)\)")
#: A currency/unit hint in a header's brackets: ``（万元）``, ``(万美元)``, ``（元）``.
_UNIT_HINT: Final = re.compile(
    r"^(?:单位[:：]?)?((?:亿|万|千|百)?(?:元|美元|港元|欧元|日元|英镑)(?:人民币)?)$"
)


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """A header reduced for matching: ``"＊企业名称（必填）："`` → ``"企业名称(必填)"``.

    NFKC (full-width → half-width, ``（）`` → ``()``), the other bracket kinds folded to ``()``,
    whitespace, ``*`` and colons removed, Latin letters lower-cased. Bracketed hints are kept
    here; :func:`_lookup` retries without them.
    """
    folded = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    return _SPACES_AND_MARKS.sub("", folded).lower()


@lru_cache(maxsize=64)
def _alias_index(aliases: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, int]]:
    """Header key → (field, preference); the first field to claim a key keeps it."""
    index: dict[str, tuple[str, int]] = {}
    for name, names in aliases:
        for rank, alias in enumerate(names):
            index.setdefault(header_key(alias), (name, rank))
    return index


def _index_for(preset: Preset | None) -> dict[str, tuple[str, int]]:
    aliases = _ANY_SOURCE if preset is None else preset.aliases
    return _alias_index(tuple((f, tuple(a)) for f, a in aliases.items()))


def _lookup(
    text: str, index: Mapping[str, tuple[str, int]]
) -> tuple[str | None, int, str | None, bool]:
    """(field, preference, unit hint, ignored) for one header cell."""
    key = header_key(text)
    hint = None
    for inner in _BRACKETED.findall(key):
        unit = _UNIT_HINT.match(inner)
        if unit:
            hint = unit.group(1)
    if key in index:
        name, rank = index[key]
        return name, rank, hint, False
    bare = _BRACKETED.sub("", key)
    if bare in index:
        name, rank = index[bare]
        return name, rank, hint, False
    ignored = key in _IGNORED_KEYS or bare in _IGNORED_KEYS
    return None, 0, hint, ignored


_IGNORED_KEYS: Final = frozenset(header_key(h) for h in IGNORED_HEADERS)


def header_score(cells: Iterable[object], preset: Preset | None = None) -> int:
    """How many distinct fields a row's cells name: the header is the row that names the most.

    ``preset=None`` scores against the aliases of every built-in preset.
    """
    index = _index_for(preset)
    found = set()
    for cell in cells:
        if isinstance(cell, str) and cell and len(cell) <= 40:
            name = _lookup(cell, index)[0]
            if name is not None:
                found.add(name)
    return len(found)


# --------------------------------------------------------------------------- matching


@dataclass
class HeaderMatch:
    """The result of :func:`match_headers`.

    ``mapping`` — ``{header: field or None}`` for every column, in file order (JSON-ready).
    ``unknown`` — headers no alias matched (mapped to ``None``; the import must report them).
    ``ignored`` — headers known to carry nothing to import (``序号``, ``核准日期`` ...).
    ``duplicates`` — ``(field, kept header, dropped header)`` when two columns claim a field;
    the dropped one maps to ``None``.
    ``hints`` — ``{field: unit}`` from bracketed header hints, e.g. ``{"registered_capital": "万元"}``.
    ``missing`` — problems that make the file unusable with this mapping (translated messages):
    no name column, or no column to identify an employer by.
    """

    mapping: dict[str, str | None]
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, str]:
        """``{field: header}`` of the mapped columns."""
        return {f: h for h, f in self.mapping.items() if f is not None}


def match_headers(headers: Sequence[str], preset: Preset) -> HeaderMatch:
    """Map a file's header row to fields with ``preset``'s aliases.

    ``headers`` must be distinct (``RegisterFile.headers`` are: blank and repeated headers get
    a column number). Each field is claimed by at most one column: the one whose alias comes
    first in the preset's list, then the leftmost; the others are reported as duplicates.
    """
    index = _index_for(preset)
    mapping: dict[str, str | None] = {}
    best: dict[str, tuple[int, int, str]] = {}  # field → (preference, column, header)
    result = HeaderMatch(mapping=mapping)
    for column, header in enumerate(headers):
        name, rank, hint, ignored = _lookup(header, index)
        mapping[header] = None
        if name is None:
            (result.ignored if ignored else result.unknown).append(header)
            continue
        if hint and name == "registered_capital":
            result.hints[name] = hint
        current = best.get(name)
        if current is None or (rank, column) < current[:2]:
            if current is not None:
                result.duplicates.append((name, header, current[2]))
            best[name] = (rank, column, header)
        else:
            result.duplicates.append((name, current[2], header))
    for name, (_rank, _column, header) in best.items():
        mapping[header] = name
    result.missing = _missing(set(best))
    return result


def _missing(fields: set[str]) -> list[str]:
    problems: list[str] = []
    if "name" not in fields:
        problems.append(gettext("缺少单位名称列（如“企业名称”“名称”“单位名称”）"))
    if not (fields & CODE_FIELDS) and "address" not in fields:
        problems.append(
            gettext("缺少统一社会信用代码、注册号或组织机构代码列，也没有地址列，无法识别单位")
        )
    return problems


def check_mapping(headers: Sequence[str], mapping: Mapping[str, str | None]) -> list[str]:
    """Problems with a mapping a person edited or a saved preset brought (translated messages).

    Checks that every mapped header exists in the file, every field is a known target field and
    is claimed by at most one column, and that name and an identifying column are mapped.
    An empty list means the mapping can be used with these headers.
    """
    problems: list[str] = []
    present = set(headers)
    absent = [h for h in mapping if h not in present]
    if absent:
        problems.append(gettext("文件中没有这些列：%(cols)s") % {"cols": enumeration(absent)})
    claimed: dict[str, list[str]] = {}
    for header, name in mapping.items():
        if name is None:
            continue
        if name not in FIELD_LABELS:
            problems.append(
                gettext("列“%(col)s”对应的字段“%(field)s”不存在") % {"col": header, "field": name}
            )
            continue
        claimed.setdefault(name, []).append(header)
    for name, cols in claimed.items():
        if len(cols) > 1:
            problems.append(
                gettext("字段“%(field)s”对应了多列：%(cols)s，只能对应一列")
                % {"field": FIELD_LABELS[name], "cols": enumeration(cols)}
            )
    problems.extend(_missing({n for n, c in claimed.items() if c}))
    return problems


# --------------------------------------------------------------------------- project lists

#: The project lists (在建工程项目清单) the housing and transport departments send (保障农民工
#: 工资支付条例 Art. 38: project, permit and contractor data shared with 人社). They list
#: projects, not employers: ``laborgrid.projects.importing`` reads them with this module's reader
#: and header matching and registers projects whose contractors are in the employer registry.
#: Fields are the project's (``laborgrid.projects.models.Project``) plus the contractors' codes.
PROJECT_FIELD_LABELS: Final[Mapping[str, Promise]] = {
    "name": _("项目名称"),
    "code": _("项目编号"),
    "address": _("项目地址"),
    "client_name": _("建设单位"),
    "client_uscc": _("建设单位统一社会信用代码"),
    "contractor_name": _("施工总承包单位"),
    "contractor_uscc": _("施工总承包单位统一社会信用代码"),
    "contract_sum": _("合同金额"),
    "starts_on": _("开工日期"),
    "ends_on": _("计划竣工日期"),
    "labour_officer": _("劳资专管员"),
    "labour_officer_phone": _("劳资专管员电话"),
    "lng": _("经度"),
    "lat": _("纬度"),
}

_PROJECT_COMMON: Final[Mapping[str, tuple[str, ...]]] = {
    "name": ("项目名称", "工程名称", "建设项目名称", "工程项目名称"),
    "code": ("施工许可证号", "施工许可证编号", "项目编号", "项目代码", "工程编号"),
    "address": ("项目地址", "工程地址", "建设地点", "工程地点", "项目所在地"),
    "client_name": ("建设单位", "建设单位名称", "业主单位", "项目法人", "招标人"),
    "client_uscc": ("建设单位统一社会信用代码", "建设单位信用代码"),
    "contractor_name": (
        "施工总承包单位",
        "施工单位",
        "总承包单位",
        "施工总承包单位名称",
        "中标单位",
        "施工单位名称",
    ),
    "contractor_uscc": (
        "施工总承包单位统一社会信用代码",
        "施工单位统一社会信用代码",
        "总承包单位统一社会信用代码",
        "施工单位信用代码",
        "中标单位统一社会信用代码",
    ),
    "contract_sum": ("合同金额", "合同价", "中标金额", "中标价", "工程造价", "合同价款"),
    "starts_on": ("开工日期", "实际开工日期", "计划开工日期", "开工时间"),
    "ends_on": ("计划竣工日期", "竣工日期", "合同竣工日期", "完工日期"),
    "labour_officer": ("劳资专管员", "劳资专管员姓名"),
    "labour_officer_phone": ("劳资专管员电话", "劳资专管员联系电话"),
    "lng": ("经度",),
    "lat": ("纬度",),
}


def _project_preset(source: str, label: Promise, first: Mapping[str, tuple[str, ...]]) -> Preset:
    aliases = {
        f: tuple(dict.fromkeys((*first.get(f, ()), *_PROJECT_COMMON.get(f, ()))))
        for f in PROJECT_FIELD_LABELS
    }
    return Preset(source=source, label=label, aliases=aliases)


#: Presets of the project lists, by the regulator (``projects.choices.Department`` value).
PROJECT_LIST_PRESETS: Final[Mapping[str, Preset]] = {
    # 住房和城乡建设: 房屋建筑和市政基础设施工程 (施工许可 list).
    "housing": _project_preset("housing", _("住建部门在建项目清单"), {}),
    # 交通运输: 公路、水运工程 (their lists name 项目法人 and 中标单位).
    "transport": _project_preset(
        "transport",
        _("交通部门在建项目清单"),
        {
            "code": ("项目代码", "项目编号"),
            "client_name": ("项目法人", "项目业主"),
            "contractor_name": ("中标单位", "施工单位"),
            "contract_sum": ("中标金额", "合同金额"),
            "address": ("建设地点", "路线起讫点"),
        },
    ),
}


def map_columns(headers: Sequence[str], preset: Preset) -> tuple[dict[str, int], dict[str, str]]:
    """``({field: column index}, {field: unit hint})`` of a project list's header row, each
    field claimed by its most preferred alias (then the leftmost column)."""
    index = _index_for(preset)
    best: dict[str, tuple[int, int]] = {}
    hints: dict[str, str] = {}
    for column, header in enumerate(headers):
        name, rank, hint, _ignored = _lookup(header, index)
        if name is None:
            continue
        if hint:
            hints[name] = hint
        if name not in best or (rank, column) < best[name]:
            best[name] = (rank, column)
    return {f: c for f, (_r, c) in best.items()}, hints
