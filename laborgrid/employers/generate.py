"""Synthetic employers at scale: the data behind ``generate_employers``, the demo and ``bench/``.

Issue 3 asks for a registry that stays fast at a million employers; to show it, and to give the
demo a county that looks lived in, this module writes realistic synthetic employers quickly:

* **Realistic.** Valid codes (USCC per GB 32100 with its embedded GB 11714 organisation code,
  the prefix matching the employer type; RICs per GB 11643), Chinese names built the way real
  ones are (``大方县`` + 字号 + industry + legal form; ``大方县猫场镇张记餐馆`` for individual
  businesses), addresses inside the right township and village, a location inside the grid's
  outline, a rural county's mix of types and industries, and labour-use snapshots over the last
  two years with a plausible share of problems (arrears, missing contracts, wages under the
  minimum wage, missing insurance, stale or never collected).
* **Consistent with the services.** The employer's current facts and risk flags come from its
  latest snapshot through :func:`laborgrid.employers.services.snapshot_flags`, the minimum wage
  from the same table :func:`~laborgrid.employers.services.minimum_wage_for` reads, personal
  numbers are sealed with :mod:`laborgrid.core.pii` and indexed with
  :func:`~laborgrid.employers.services.worker_index`, and every employer and worker gets the
  creation row of its change history (django-simple-history), so the archive shows "建立档案".
* **Fast.** Rows are built in Python as tuples, a batch at a time, and written set-based: ``COPY``
  on PostgreSQL, ``executemany`` on SQLite, one transaction per batch. The ORM, model ``save()``
  and the services are never called per row: at a million employers that is hours instead of
  minutes. Ids for the whole run are reserved first, above the current maximum, and the sequences
  moved past them (snapshots point at employers and employers at their current snapshot within a
  batch; other writers' rows get ids after the range). So a batch can be generated before the
  previous one is written: on a machine with two cores a forked child process generates while
  this one writes. SQLite's character search index is fed in one statement per batch
  (:func:`laborgrid.core.search.bulk_insert`); PostgreSQL computes its ``tsvector`` itself.

Deterministic for a given seed, database content and day.
"""

from __future__ import annotations

import os
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from time import perf_counter
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from laborgrid.core import pii
from laborgrid.core.paths import path_codes
from laborgrid.employers import services
from laborgrid.employers.bulk import (
    GENERATED,
    Table,
    Writer,
    derived_columns,
    history_row,
    write_new,
)
from laborgrid.employers.models import (
    COLLECTION_STANDARD,
    Employer,
    EmployerSource,
    LabourSnapshot,
    MinimumWage,
    Worker,
)
from laborgrid.grids.choices import GridLevel, LocateMethod
from laborgrid.grids.models import Grid
from laborgrid.lib.identifiers import (
    mask_phone,
    mask_ric,
    org_code_check_digit,
    uscc_check_digit,
)

#: The change reason on the history rows the generator writes.
HISTORY_REASON = GENERATED
#: Employers per transaction: big enough for set-based writes to pay, small enough for memory.
BATCH_SIZE = 10000

# --- identifiers -------------------------------------------------------------------------------

#: USCC positions 1–2 (登记管理部门 + 机构类别, GB 32100) per employer type.
USCC_PREFIX = {
    "enterprise": "91",
    "individual": "92",
    "cooperative": "93",
    "private_non_enterprise": "52",
    "social_org": "51",
    "public_institution": "12",
    "state_organ": "11",
}

_ORG_SPACE = 100_000_000  # 8-digit organisation code bodies
# An odd multiplier not divisible by 5 is a bijection of the body space: consecutive sequence
# numbers give scattered (realistic-looking) but never repeated codes.
_ORG_MULTIPLIER = 48_271


def uscc(prefix: str, region: str, body8: str) -> str:
    """A valid USCC: ``prefix`` (2) + ``region`` (6) + organisation code (8 + check) + check."""
    body = prefix + region + body8 + org_code_check_digit(body8)
    return body + uscc_check_digit(body)


_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ric_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number (GB 11643).

    The same routine as ``laborgrid.lib.identifiers`` (stdnum), inlined because a roster of
    400,000 workers calls it that many times; the tests compare the two.
    """
    total = sum(int(c) * w for c, w in zip(body17, _RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def ric(area: str, birth: date, seq: int) -> str:
    """A valid 18-character RIC; ``seq`` (0–999) odd for men, even for women."""
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric_check(body)


# --- vocabulary --------------------------------------------------------------------------------


def _w(text: str) -> list[str]:
    """Words separated by spaces (keeps the long vocabularies below readable)."""
    return text.split()


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤安禄"
)
# The first surnames are the most common: drawn more often (a realistic skew).
_SURNAME_WEIGHTS = tuple(max(1.0, 30.0 / (1 + i * 0.35)) for i in range(len(SURNAMES)))
GIVEN = (
    "建国明华志刚德海燕红军伟芳丽强磊洋艳勇杰娟涛斌超秀英霞平桂兰玉梅文俊辉敏静婷雪丹凤鹏飞宇浩"
    "然子涵梓轩欣怡佳琪永福贵富成林发祥忠学兴春光荣昌顺德江川云龙义仁怀远亮波琴萍"
)
#: 字号: the distinctive part of a business name.
TRADE_NAMES = _w(
    "鑫源 兴旺 宏达 恒通 金鼎 华鑫 盛世 永兴 福源 顺发 隆盛 宏福 鼎盛 利民 惠民 黔兴 乌蒙 奢香 "
    "金山 银河 龙腾 凤凰 祥瑞 瑞丰 丰泽 泰和 和顺 康达 安康 佳禾 禾丰 绿源 青山 碧水 天成 天源 "
    "中兴 新城 东升 南山 北辰 明珠 金桥 宏远 远航 博达 诚信 信达 聚源 汇通 通达 广源 嘉禾 恒昌 "
    "昌盛 万家 万福 百顺 千禧 众鑫 鑫隆 鑫盛 金利 利源 富民 富源 荣达 荣昌 振兴 腾飞 宏图 卓越 "
    "同心 和谐 阳光 春晖 晨曦 金穗 红星 向阳 金鹏 宏鑫 永盛 永利 乌江 杜鹃 九洞 油杉 彝山 苗岭 "
    "黔韵 山城 古城 慕俄 星宇 鸿运 润丰 德顺 仁和 益民 兴隆 金凤 玉龙"
)
#: Industry words per GB/T 4754 section, as they appear in enterprise names.
INDUSTRY_WORDS = {
    "A": _w(
        "农业开发 生态农业 中药材种植 天麻种植 茶业 林业开发 食用菌 生猪养殖 肉牛养殖 蔬菜种植"
    ),
    "B": _w("煤业 矿业 煤炭洗选 石材开采 砂石"),
    "C": _w("食品 豆制品 酒业 漆器工艺 建材 木业 家具 服装 包装 农产品加工 水泥制品 机械制造 印刷"),
    "D": _w("电力 水务 燃气 新能源"),
    "E": _w("建筑工程 建筑劳务 装饰工程 路桥工程 水利工程 建设工程 土石方工程 钢结构工程"),
    "F": _w("商贸 贸易 百货 农资 医药 五金 建材销售 汽车销售 粮油 烟酒"),
    "G": _w("运输 物流 客运 货运"),
    "H": _w("酒店管理 餐饮管理 饮食服务"),
    "I": _w("网络科技 信息技术"),
    "J": _w("小额贷款"),
    "K": _w("房地产开发 物业管理"),
    "L": _w("劳务派遣 人力资源 广告 商务咨询 旅行社"),
    "M": _w("工程检测 勘察设计 技术服务"),
    "N": _w("环保 园林绿化 环境卫生"),
    "O": _w("家政服务 汽车维修"),
    "P": _w("教育咨询"),
    "Q": _w("医疗管理"),
    "R": _w("文化传媒 体育发展"),
    "S": _w("社会服务"),
}
#: Shops of individual businesses per section: (name ending, uses the owner's surname "张记").
SHOPS = {
    "F": _w(
        "超市 便利店 百货店 五金店 副食店 农资店 建材店 烟酒店 手机店 服装店 药店 商行 经营部 粮油店"
    ),
    "H": _w("餐馆 饭店 面馆 小吃店 烧烤店 米粉店 豆花饭馆 火锅店 农家乐 旅馆"),
    "O": _w("理发店 美发店 汽车修理厂 摩托车维修店 洗车店 家电维修部 照相馆 干洗店"),
    "C": _w("豆腐坊 粮油加工坊 木工坊 砖厂 酒坊"),
    "G": _w("货运部 搬家服务部"),
    "A": _w("养殖场 种植场"),
    "R": _w("茶楼 网吧"),
}
_SURNAME_SHOPS = frozenset(_w("餐馆 饭店 面馆 小吃店 米粉店 豆花饭馆 火锅店 豆腐坊 酒坊"))
PRODUCTS = (
    ("天麻", "种植"),
    ("辣椒", "种植"),
    ("中药材", "种植"),
    ("核桃", "种植"),
    ("茶叶", "种植"),
    ("食用菌", "种植"),
    ("蔬菜", "种植"),
    ("马铃薯", "种植"),
    ("刺梨", "种植"),
    ("猕猴桃", "种植"),
    ("生猪", "养殖"),
    ("肉牛", "养殖"),
    ("山羊", "养殖"),
    ("蜜蜂", "养殖"),
)
ASSOCIATIONS = _w(
    "个体劳动者协会 天麻产业协会 餐饮行业协会 建筑业协会 老年人体育协会 书法家协会 摄影家协会 "
    "商会 青年创业协会 辣椒产业协会 农村经纪人协会 志愿者协会"
)
PRIVATE_UNITS = {
    "P": _w("幼儿园 职业培训学校 艺术培训学校 驾驶员培训学校 托育中心"),
    "Q": _w("养老院 康复中心 诊所"),
    "O": _w("社会工作服务中心 社区服务中心"),
}
PUBLIC_UNITS = {
    "P": _w("中心学校 中学 小学 中心幼儿园"),
    "Q": _w("卫生院 计划生育服务站"),
    "N": _w("水务站 林业站"),
    "A": _w("农业服务中心 畜牧兽医站"),
    "R": _w("文化服务中心"),
}
STATE_ORGANS = _w("人民政府 财政所 司法所 派出所 自然资源所 社会事务办")
STREETS = _w(
    "建设路 人民路 新华路 解放路 顺德路 同心路 大关路 奢香路 红旗路 环城路 文化路 北门街 南门街 东门街 西街 中街 老街 府前路"
)
SCOPES = {
    "A": "农作物、中药材种植及销售；畜禽养殖及销售",
    "B": "煤炭开采、洗选及销售",
    "C": "产品生产、加工及销售",
    "D": "电力、热力生产和供应",
    "E": "房屋建筑工程、市政公用工程施工；建筑劳务分包",
    "F": "日用百货、五金交电、农资的批发与零售",
    "G": "道路普通货物运输；仓储服务",
    "H": "餐饮服务；住宿服务",
    "I": "软件开发；信息技术咨询服务",
    "J": "小额贷款业务",
    "K": "房地产开发经营；物业管理",
    "L": "劳务派遣；人力资源服务；商务信息咨询",
    "M": "工程技术咨询；检验检测服务",
    "N": "园林绿化工程；环境卫生管理",
    "O": "居民服务；机动车维修",
    "P": "学前教育；职业技能培训",
    "Q": "医疗服务；养老服务",
    "R": "文化活动策划；体育场馆服务",
    "S": "公共管理和社会服务",
}
#: Where RICs of the county's workers come from (毕节's districts, mostly Dafang itself).
RIC_AREAS = (
    ("520521", 70),
    ("520502", 6),
    ("520523", 4),
    ("520524", 4),
    ("520525", 4),
    ("520526", 3),
    ("520527", 3),
    ("520581", 6),
)
#: Address prefixes of provinces and prefectures above a county when the grid tree starts lower.
REGION_NAMES = {"52": "贵州省", "5205": "毕节市"}

# Employer type → (weight, USCC prefix, employees (mu, sigma, min), industry weights).
TYPE_MIX: dict[str, tuple[float, tuple[float, float, int], dict[str, float]]] = {
    "individual": (
        55.0,
        (0.7, 0.7, 1),
        {"F": 40, "H": 25, "O": 18, "G": 5, "C": 6, "A": 4, "R": 2},
    ),
    "enterprise": (
        28.0,
        (2.6, 1.0, 3),
        {
            "C": 20,
            "E": 22,
            "F": 16,
            "B": 5,
            "G": 6,
            "H": 5,
            "K": 4,
            "L": 6,
            "A": 6,
            "D": 2,
            "I": 2,
            "M": 2,
            "N": 2,
            "R": 1,
            "J": 1,
        },
    ),
    "cooperative": (8.0, (1.8, 0.7, 3), {"A": 100}),
    "private_non_enterprise": (3.0, (2.3, 0.7, 4), {"P": 70, "Q": 18, "O": 12}),
    "social_org": (1.5, (0.8, 0.6, 1), {"S": 100}),
    "public_institution": (3.0, (3.0, 0.7, 6), {"P": 45, "Q": 30, "A": 10, "N": 10, "R": 5}),
    "state_organ": (1.5, (3.0, 0.5, 8), {"S": 100}),
}
STATUS_MIX = (("operating", 86), ("suspended", 6), ("deregistered", 6), ("revoked", 2))
METHODS = (
    ("field_visit", "网格员实地采集", 60),
    ("written_review", "书面审查材料", 15),
    ("office", "单位报送", 15),
    ("inspection", "日常巡视检查", 10),
)
#: Shares of the problems in each snapshot (the latest one drives the list flags).
P_ARREARS = 0.08
P_NO_CONTRACTS = 0.15
P_BELOW_MIN_WAGE = 0.05
P_UNINSURED = 0.20
P_NEVER_COLLECTED = 0.05
#: Of the collected employers, the share whose latest collection is over 6 months old, so that
#: the list's "stale" filter (which includes the never collected) shows about a quarter.
P_STALE = 0.21
#: Reference wage when no minimum-wage row applies (Guizhou's lowest tier, 2023).
_DEFAULT_MIN_WAGE = 1660
_WINDOW_DAYS = 730  # snapshots spread over the last two years


# --- grids -------------------------------------------------------------------------------------


@dataclass
class Leaf:
    """A leaf grid (village, community, park) with what the generator needs about it."""

    id: int
    code: str
    path: str
    short_name: str
    level: str
    township: str  # the township's name ("猫场镇"); "" when the leaf is not under one
    county: str  # the county's name ("大方县")
    region: str  # six-digit administrative code for USCCs and RICs
    address_prefix: str  # "贵州省毕节市大方县猫场镇"
    weight: float
    lng: float | None
    lat: float | None
    shape: Any = None  # shapely geometry of the boundary, prepared; None without one
    wages: list[tuple[str, int, Decimal]] = field(default_factory=list)

    @property
    def is_urban(self) -> bool:
        return self.short_name.endswith("社区") or self.township.endswith("街道")


def leaf_grids(root: Grid) -> list[Leaf]:
    """The active leaf grids of ``root``'s subtree (``root`` itself if it has no children)."""
    import shapely
    from shapely.geometry import shape

    grids = list(Grid.objects.active().filter(path__under=root.path).order_by("path"))
    codes = {c for g in grids for c in path_codes(g.path)}
    by_code = {g.code: g for g in Grid.objects.filter(code__in=codes)}
    parents = {g.parent_id for g in grids if g.parent_id}
    leaves = [g for g in grids if g.code not in parents] or [root]
    wages = list(MinimumWage.objects.values_list("area_path", "effective_from", "monthly"))
    result = []
    for g in leaves:
        chain = [by_code[c] for c in path_codes(g.path) if c in by_code]
        township = next((a for a in chain if a.level == GridLevel.TOWNSHIP), None)
        county = next((a for a in chain if a.level == GridLevel.COUNTY), None)
        region = county.code if county is not None and len(county.code) == 6 else "520521"
        names = [a.name for a in chain if a.level in (GridLevel.PROVINCE, GridLevel.CITY)]
        if not names:
            names = [REGION_NAMES[p] for p in (region[:2], region[:4]) if p in REGION_NAMES]
        prefix = "".join(names) + "".join(
            a.name for a in chain if a.level in (GridLevel.COUNTY, GridLevel.TOWNSHIP)
        )
        geom = None
        if g.boundary:
            try:
                geom = shape(g.boundary)
                shapely.prepare(geom)
            except (ValueError, TypeError, AttributeError):
                geom = None
        lng, lat = g.centroid_lng, g.centroid_lat
        if lng is None or lat is None:
            anc = next((a for a in reversed(chain) if a.centroid_lng is not None), None)
            lng, lat = (anc.centroid_lng, anc.centroid_lat) if anc else (None, None)
        short = g.short_name
        urban = short.endswith("社区") or (township is not None and township.name.endswith("街道"))
        weight = 6.0 if g.level == GridLevel.PARK else (4.0 if urban else 1.0)
        applicable = sorted(
            ((eff.isoformat(), len(p), Decimal(m)) for p, eff, m in wages if g.path.startswith(p)),
            reverse=True,
        )
        result.append(
            Leaf(
                id=g.pk,
                code=g.code,
                path=g.path,
                short_name=short,
                level=g.level,
                township=township.name if township else "",
                county=county.name if county else "",
                region=region,
                address_prefix=prefix,
                weight=weight,
                lng=lng,
                lat=lat,
                shape=geom,
                wages=applicable,
            )
        )
    return result


def minimum_wage(leaf: Leaf, on: str) -> Decimal | None:
    """The monthly minimum wage at ``leaf`` on ``on`` (ISO date): the rule of
    :func:`laborgrid.employers.services.minimum_wage_for` (deepest area, then latest date),
    applied to the rows loaded once instead of one query per snapshot."""
    best: tuple[str, int, Decimal] | None = None
    for row in leaf.wages:  # newest first
        if row[0] <= on and (best is None or row[1] > best[1]):
            best = row
    return best[2] if best else None


# --- writing -----------------------------------------------------------------------------------


# --- the generator -----------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run wrote."""

    employers: int = 0
    snapshots: int = 0
    workers: int = 0
    sources: int = 0
    history: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.employers + self.snapshots + self.workers + self.sources + self.history

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Batch:
    employers: list[tuple[Any, ...]] = field(default_factory=list)
    snapshots: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    employer_history: list[tuple[Any, ...]] = field(default_factory=list)
    workers: list[tuple[Any, ...]] = field(default_factory=list)
    worker_history: list[tuple[Any, ...]] = field(default_factory=list)


def _cum(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class _Weighted:
    """A weighted choice by bisection on cumulative weights (``random.choices`` rebuilds them
    on every call; this is the generator's innermost loop)."""

    def __init__(self, items: Sequence[Any], weights: Iterable[float]) -> None:
        self.items = list(items)
        self.cum = _cum(weights)
        self.total = self.cum[-1]

    def __call__(self, r: Callable[[], float]) -> Any:
        return self.items[bisect_right(self.cum, r() * self.total)]


class Generator:
    """Builds batches of synthetic employers under ``root``; see :func:`generate_employers`."""

    def __init__(
        self,
        root: Grid,
        *,
        seed: int,
        snapshots_per_employer: int = 3,
        roster_share: float = 0.05,
        workers_per_roster: int = 8,
        today: date | None = None,
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.r = self.rng.random
        self.np = np.random.default_rng(seed)
        self.seed = seed
        self.leaves = leaf_grids(root)
        self.pick_leaf = _Weighted(self.leaves, (leaf.weight for leaf in self.leaves))
        self.k = max(0, snapshots_per_employer)
        # Never-collected employers have no snapshot; a few others get one more, so that the
        # total stays about K per employer.
        self.p_extra = (
            min(1.0, self.k * P_NEVER_COLLECTED / (1 - P_NEVER_COLLECTED)) if self.k else 0.0
        )
        self.roster_share = min(max(roster_share, 0.0), 1.0)
        self.workers_per_roster = max(0, workers_per_roster)
        self.today = today or timezone.localdate()
        self.today_ord = self.today.toordinal()
        self.pick_type = _Weighted(list(TYPE_MIX), (m[0] for m in TYPE_MIX.values()))
        self.pick_industry = {
            t: _Weighted(list(mix[2]), mix[2].values()) for t, mix in TYPE_MIX.items()
        }
        self.pick_status = _Weighted([s for s, _w in STATUS_MIX], (w for _s, w in STATUS_MIX))
        self.pick_surname = _Weighted(SURNAMES, _SURNAME_WEIGHTS)
        self.pick_area = _Weighted([a for a, _w in RIC_AREAS], (w for _a, w in RIC_AREAS))
        self.pick_method = _Weighted([(m, s) for m, s, _w in METHODS], (w for *_x, w in METHODS))
        self.names: set[str] = set()
        self.collectors = [self._person() for _ in range(60)]
        self.writer = Writer()
        self.tables = {
            "employer": Table(Employer),
            "snapshot": Table(LabourSnapshot),
            "source": Table(EmployerSource, skip={"id"}),
            "employer_history": Table(Employer.history.model, skip={"history_id"}),
            "worker": Table(Worker),
            "worker_history": Table(Worker.history.model, skip={"history_id"}),
        }
        self._iso: dict[int, str] = {}
        self._flags: dict[tuple[Any, ...], bool] = {}
        self._points: dict[int, list[tuple[float, float]]] = {}

    # --- small helpers ---------------------------------------------------------------------

    def ri(self, low: int, high: int) -> int:
        """A random integer in [low, high] (``randint`` costs four times as much)."""
        return low + int(self.r() * (high - low + 1))

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def stamp(self, ordinal: int) -> str:
        """A timestamp on that day during Chinese office hours (09:00–18:00 CST = 01–10 UTC)."""
        s = int(self.r() * 32400)
        return f"{self.iso(ordinal)} {1 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{self.writer.tz_suffix}"

    def _person(self) -> str:
        r = self.r
        given = GIVEN[int(r() * len(GIVEN))]
        if r() >= 0.35:
            given += GIVEN[int(r() * len(GIVEN))]
        return self.pick_surname(r) + given

    def _phone(self) -> str:
        r = self.r
        return f"{_MOBILE_HEADS[int(r() * len(_MOBILE_HEADS))]}{int(r() * 100_000_000):08d}"

    def _flags_of(self, snap: dict[str, Any]) -> dict[str, bool]:
        """The list flags of a snapshot by :func:`laborgrid.employers.services.snapshot_flags`.

        The service builds a model instance per call (~60 µs: a minute per million employers),
        so each flag is asked of it once per distinct combination of the fields its rule reads
        and remembered. The tests check the result against the service on whole snapshots, so a
        rule that starts reading another field is noticed.
        """
        memo, flags = self._flags, {}
        for flag, inputs in _FLAG_RULES:
            key = (flag, *(snap[k] for k in inputs))
            value = memo.get(key)
            if value is None:
                probe = {**_FLAG_NEUTRAL, **{k: snap[k] for k in inputs}}
                value = memo[key] = services.snapshot_flags(probe)[flag]
            flags[flag] = value
        return flags

    # --- one employer ----------------------------------------------------------------------

    def _unique_name(self, etype: str, industry: str, leaf: Leaf, rep: str) -> str:
        """A name not yet used in this run (a few tries: real registers refuse the same name
        in one county; the rare repeat left among public bodies is harmless)."""
        name = self._name(etype, industry, leaf, rep)
        for _ in range(4):
            if name not in self.names:
                break
            name = self._name(etype, industry, leaf, rep)
        self.names.add(name)
        return name

    def _name(self, etype: str, industry: str, leaf: Leaf, rep: str) -> str:
        r = self.r
        county, town = leaf.county, leaf.township
        trade = TRADE_NAMES[int(r() * len(TRADE_NAMES))]
        village = leaf.short_name if leaf.level == GridLevel.VILLAGE else ""
        if etype == "enterprise":
            words = INDUSTRY_WORDS.get(industry) or ["商贸"]
            word = words[int(r() * len(words))]
            x = r()
            suffix = "有限公司" if x < 0.78 else ("有限责任公司" if x < 0.96 else "股份有限公司")
            x = r()
            if x < 0.15:
                return f"贵州{trade}{word}{suffix}"
            if x < 0.35 and town:
                return f"{county}{town}{trade}{word}{suffix}"
            return f"{county}{trade}{word}{suffix}"
        if etype == "individual":
            shops = SHOPS.get(industry) or SHOPS["F"]
            shop = shops[int(r() * len(shops))]
            place = f"{county}{town}" if town and not town.endswith("街道") else county
            if shop in _SURNAME_SHOPS and r() < 0.6:
                return f"{place}{rep[0]}记{shop}"
            if village and r() < 0.25:
                return f"{place}{village}{trade}{shop}"
            return f"{place}{trade}{shop}"
        if etype == "cooperative":
            product, kind = PRODUCTS[int(r() * len(PRODUCTS))]
            if village and r() < 0.6:
                return f"{county}{town}{village}{product}{kind}农民专业合作社"
            return f"{county}{trade}{product}{kind}农民专业合作社"
        if etype == "private_non_enterprise":
            units = PRIVATE_UNITS.get(industry) or PRIVATE_UNITS["P"]
            unit = units[int(r() * len(units))]
            return f"{county}{town if r() < 0.4 else ''}{trade}{unit}"
        if etype == "social_org":
            assoc = ASSOCIATIONS[int(r() * len(ASSOCIATIONS))]
            return f"{county}{town if r() < 0.7 else ''}{assoc}"
        if etype == "public_institution":
            units = PUBLIC_UNITS.get(industry) or PUBLIC_UNITS["P"]
            unit = units[int(r() * len(units))]
            if unit == "小学" and village:
                return f"{county}{town}{village}小学"
            return f"{county}{town}{unit}"
        organ = STATE_ORGANS[int(r() * len(STATE_ORGANS))]
        return f"{county}{town}{organ}" if town else f"{county}{organ}"

    def _address(self, leaf: Leaf) -> str:
        r, ri = self.r, self.ri
        if leaf.level == GridLevel.PARK:
            return f"{leaf.address_prefix}{leaf.short_name}{ri(1, 60)}号"
        if leaf.is_urban:
            street = STREETS[int(r() * len(STREETS))]
            return f"{leaf.address_prefix}{leaf.short_name}{street}{ri(1, 300)}号"
        if r() < 0.5:
            return f"{leaf.address_prefix}{leaf.short_name}{ri(1, 12)}组{ri(1, 80)}号"
        return f"{leaf.address_prefix}{leaf.short_name}{ri(1, 12)}组"

    def _location(self, leaf: Leaf) -> tuple[float | None, float | None]:
        """A point near the grid's centre and inside its outline (when it has one).

        Points are drawn 256 at a time per grid and tested against the outline in one
        vectorised call (a call per point costs 40 µs)."""
        if leaf.lng is None or leaf.lat is None:
            return None, None
        pool = self._points.get(leaf.id)
        if not pool:
            pool = self._points[leaf.id] = self._draw_points(leaf)
        return pool.pop()

    def _draw_points(self, leaf: Leaf) -> list[tuple[float, float]]:
        import shapely

        if leaf.lng is None or leaf.lat is None:
            return [(None, None)] * 16  # type: ignore[list-item]
        for scale in (0.008, 0.004, 0.002, 0.001):
            lng = np.round(leaf.lng + self.np.normal(0, scale, 256), 6)
            lat = np.round(leaf.lat + self.np.normal(0, scale * 0.8, 256), 6)
            if leaf.shape is not None:
                inside = shapely.contains_xy(leaf.shape, lng, lat)
                lng, lat = lng[inside], lat[inside]
            if len(lng) >= 16:
                return list(zip(lng.tolist(), lat.tolist(), strict=True))
        return [(round(leaf.lng, 6), round(leaf.lat, 6))] * 16

    def _employees(self, etype: str) -> int:
        mu, sigma, low = TYPE_MIX[etype][1]
        return min(3000, low + int(self.rng.lognormvariate(mu, sigma)))

    def _snapshot_dates(self, established: int) -> list[int]:
        """Collection dates (ordinals, oldest first) of one employer; [] if never collected."""
        r, ri, today = self.r, self.ri, self.today_ord
        if self.k == 0 or r() < P_NEVER_COLLECTED:
            return []
        count = self.k + (1 if r() < self.p_extra else 0)
        window = max(0, min(_WINDOW_DAYS, today - established))
        stale = r() < P_STALE and window > 190
        latest = ri(190, window) if stale else ri(0, min(180, window))
        offsets = [latest] + [ri(latest, max(latest, window)) for _ in range(count - 1)]
        return sorted(today - o for o in offsets)

    def _snapshot(
        self, sid: int, eid: int, on: int, employees: int, leaf: Leaf, e: dict[str, Any]
    ) -> dict[str, Any]:
        r, ri = self.r, self.ri
        day = self.iso(on)
        method, source = self.pick_method(r)
        mw = minimum_wage(leaf, day)
        contracts = employees
        if employees and r() < P_NO_CONTRACTS:
            contracts = ri(0, employees - 1)
        insured: list[int | None]
        x = r()
        if x < 0.05:
            insured = [None] * 5
        elif employees and x < 0.05 + P_UNINSURED:
            insured = [ri(0, employees) for _ in range(5)]
            insured[(0, 1, 3)[int(r() * 3)]] = ri(0, employees - 1)  # pension/medical/injury
        else:
            insured = [employees, employees, ri(0, employees), employees, employees]
        base = mw if mw is not None else _DEFAULT_WAGE
        if r() < P_BELOW_MIN_WAGE:
            wage = max(_ZERO, base - _TENS[ri(5, 30)])
        else:
            wage = base + _TENS[ri(0, 180)]
        arrears = r() < P_ARREARS
        hours, approval = "standard", ""
        x = r()
        if x < 0.12:
            hours = "comprehensive" if x < 0.08 else "flexible"
            kind = "综" if x < 0.08 else "不定"
            approval = f"大人社{kind}〔{ri(2019, 2025)}〕{ri(1, 60)}号"
        construction = e["industry"] == "E"
        gps = method == "field_visit" and e["lat"] is not None
        individual = e["employer_type"] == "individual"
        return {
            "id": sid,
            "employer_id": eid,
            "collected_on": day,
            "collector_name": self.collectors[int(r() * len(self.collectors))],
            "method": method,
            "source": source,
            "standard": COLLECTION_STANDARD,
            "employees": employees,
            "migrant_workers": ri(0, employees),
            "women": ri(0, employees),
            "juveniles": 0,
            "dispatched": ri(0, employees // 10) if employees >= 10 else 0,
            "contracts_signed": contracts,
            "roster_kept": (r() < 0.85) if r() < 0.9 else None,
            "insured_pension": insured[0],
            "insured_medical": insured[1],
            "insured_unemployment": insured[2],
            "insured_injury": insured[3],
            "insured_maternity": insured[4],
            "pay_day": ri(1, 28),
            "pay_method": "cash"
            if individual and r() < 0.5
            else ("bank", "bank", "mixed")[ri(0, 2)],
            "lowest_monthly_wage": wage,
            "minimum_wage": mw,
            "arrears": arrears,
            "arrears_amount": Decimal(ri(2, 400) * 500) if arrears else None,
            "arrears_workers": ri(1, max(1, employees)) if arrears else None,
            "arrears_months": ri(1, 6) if arrears else None,
            "hours_system": hours,
            "hours_approval_no": approval,
            "rules_filed": (r() < 0.7) if not individual else None,
            "is_construction": construction,
            "real_name_register": (r() < 0.85) if construction else None,
            "wage_account": (r() < 0.8) if construction else None,
            "wage_deposit": (r() < 0.75) if construction else None,
            "rights_board": (r() < 0.8) if construction else None,
            "gps_lat": round(e["lat"] + (r() - 0.5) * 0.0006, 6) if gps else None,
            "gps_lng": round(e["lng"] + (r() - 0.5) * 0.0006, 6) if gps else None,
            "gps_accuracy": round(5 + r() * 45, 1) if gps else None,
            "created_at": self.stamp(on),
        }

    def _workers(
        self, batch: _Batch, wid: int, eid: int, e: dict[str, Any], leaf: Leaf, count: int
    ) -> int:
        """``count`` roster lines of employer ``eid`` (ids from ``wid``); returns the next id."""
        r, ri = self.r, self.ri
        today = self.today_ord
        worker_t, hist_t = self.tables["worker"], self.tables["worker_history"]
        established = date.fromisoformat(e["established_on"]).toordinal()
        seen: set[str] = set()
        for _ in range(count):
            birth = date.fromordinal(today - ri(18, 58) * 365 - ri(0, 364))
            area = self.pick_area(r)
            number = ric(area, birth, ri(0, 999))
            if number in seen:
                continue
            seen.add(number)
            male = int(number[16]) % 2 == 1
            # Started at 18 or older (never under 16: 劳动法 Art. 15), after the employer existed.
            earliest = max(birth.toordinal() + 18 * 366, established, today - 3650)
            started = ri(min(earliest, today - 1), today - 1)
            x = r()
            if x < 0.72:
                term, end = "fixed", self.iso(started + ri(1, 3) * 365)
            elif x < 0.87:
                term, end = "open_ended", None
            elif x < 0.93:
                term, end = "task", None
            else:
                term, end = "none", None
            left = self.iso(ri(started, today)) if r() < 0.05 else None
            phone = self._phone() if r() < 0.85 else ""
            created = self.stamp(max(started, today - _WINDOW_DAYS))
            form = "full_time" if r() < 0.9 else ("part_time", "dispatched", "other")[ri(0, 2)]
            values = {
                "id": wid,
                "employer_id": eid,
                "name": self._person(),
                "gender": "male" if male else "female",
                "id_kind": "ric",
                "id_enc": pii.seal(number, context=services.WORKER_ID_CONTEXT),
                "id_index": services.worker_index("ric", number),
                "id_masked": mask_ric(number),
                "birth_date": birth.isoformat(),
                "phone_enc": pii.seal(phone, context=services.WORKER_PHONE_CONTEXT)
                if phone
                else "",
                "phone_masked": mask_phone(phone) if phone else "",
                "hukou_address": f"{leaf.address_prefix}{leaf.short_name}{ri(1, 12)}组"
                if area == leaf.region
                else "",
                "current_address": e["address"] if r() < 0.3 else "",
                "employment_form": form,
                "is_migrant": r() < 0.6,
                "started_on": self.iso(started),
                "contract_term": term,
                "contract_end": end,
                "left_on": left,
                "created_at": created,
                "updated_at": created,
            }
            batch.workers.append(worker_t.row(values))
            values.update(
                history_date=created,
                history_type="+",
                history_change_reason=HISTORY_REASON,
                history_user_id=None,
            )
            batch.worker_history.append(hist_t.row(values))
            wid += 1
        return wid

    def _employer(self, eid: int, sid: int) -> tuple[dict[str, Any], list[dict[str, Any]], Leaf]:
        """One employer (its codes are added by :meth:`batch`) and its snapshots."""
        r, ri, today = self.r, self.ri, self.today_ord
        etype = self.pick_type(r)
        leaf: Leaf = self.pick_leaf(r)
        industry = self.pick_industry[etype](r)
        rep = self._person()
        name = self._unique_name(etype, industry, leaf, rep)
        address = self._address(leaf)
        lng, lat = self._location(leaf)
        if r() < 0.08:
            established = today - ri(30, _WINDOW_DAYS)
        else:
            years = 15 if etype == "individual" else 25
            established = today - ri(_WINDOW_DAYS + 1, years * 365)
        phone = self._phone()
        capitals = _CAPITALS.get(etype)
        former = ""
        if etype in ("enterprise", "individual") and r() < 0.03:
            words = INDUSTRY_WORDS.get(industry) or ["商贸"]
            trade = TRADE_NAMES[int(r() * len(TRADE_NAMES))]
            former = f"{leaf.county}{trade}{words[int(r() * len(words))]}有限公司"
        e: dict[str, Any] = {
            "id": eid,
            "name": name,
            "former_names": former,
            "employer_type": etype,
            "industry": industry,
            "legal_rep": rep,
            "contact_person": rep if r() < 0.6 else self._person(),
            "contact_phone_enc": pii.seal(phone, context=services.PHONE_CONTEXT),
            "contact_phone_masked": mask_phone(phone),
            "address": address,
            "lat": lat,
            "lng": lng,
            "established_on": self.iso(established),
            "registered_capital": capitals[int(r() * len(capitals))] if capitals else None,
            "business_scope": SCOPES.get(industry, ""),
            "status": self.pick_status(r),
            "grid_id": leaf.id,
            "grid_path": leaf.path,
            "grid_method": _LOCATED if leaf.shape is not None and lat is not None else _MANUAL,
            "grid_note": HISTORY_REASON,
            "version": 1,
            # The name key and core, the search text: the registry's one rule for them.
            **derived_columns(
                {"name": name, "former_names": former, "address": address, "legal_rep": rep}
            ),
        }
        dates = self._snapshot_dates(established)
        snaps = []
        base = self._employees(etype)
        last = len(dates) - 1
        for j, on in enumerate(dates):
            employees = base if j == last else max(1, round(base * (0.8 + 0.4 * r())))
            snaps.append(self._snapshot(sid, eid, on, employees, leaf, e))
            sid += 1
        first_day = dates[0] if dates else today - ri(0, _WINDOW_DAYS)
        created_day = max(established, first_day - ri(0, 60))
        e["created_at"] = e["updated_at"] = self.stamp(min(created_day, today))
        if snaps:
            latest = snaps[-1]
            e.update(self._flags_of(latest))
            e["current_snapshot_id"] = latest["id"]
            e["employees"] = latest["employees"]
            e["last_collected_on"] = latest["collected_on"]
        return e, snaps, leaf

    def batch(self, job: _Job) -> _Batch:
        """The rows of one batch: ``job.size`` employers with ids from ``job.eid`` (snapshots
        from ``job.sid``, workers from ``job.wid``) and the organisation codes ``job.bodies``."""
        r, ri, today = self.r, self.ri, self.today_ord
        out = _Batch()
        t_emp, t_snap = self.tables["employer"], self.tables["snapshot"]
        t_src, t_hist = self.tables["source"], self.tables["employer_history"]
        eid, sid, wid = job.eid, job.sid, job.wid
        for body in job.bodies:
            e, snaps, leaf = self._employer(eid, sid)
            region = _region_of(leaf.path)
            e["uscc"] = uscc(USCC_PREFIX[e["employer_type"]], region, body)
            e["org_code"] = body + org_code_check_digit(body)
            eid += 1
            sid += len(snaps)
            out.employers.append(t_emp.row(e))
            out.snapshots.extend(t_snap.row(snap) for snap in snaps)
            for source in _sources_for(e["uscc"], e["industry"], r):
                field_found = source == "field"
                out.sources.append(
                    t_src.row(
                        {
                            "employer_id": e["id"],
                            "source": source,
                            "reference": "" if field_found else e["uscc"],
                            "registered_status": "" if field_found else e["status"],
                            "first_seen_on": e["created_at"][:10],
                            "last_seen_on": self.iso(today - ri(0, 90)),
                        }
                    )
                )
            out.employer_history.append(history_row(t_hist, e, "+", HISTORY_REASON, None))
            if snaps and self.workers_per_roster and r() < self.roster_share:
                count = min(self.workers_per_roster, max(1, snaps[-1]["employees"]))
                wid = self._workers(out, wid, e["id"], e, leaf, count)
        return out


#: Each list flag of ``services.snapshot_flags`` and the snapshot fields its rule reads
#: (LabourSnapshot.has_no_contracts, the arrears field, below_minimum_wage, uninsured).
_FLAG_RULES = (
    ("flag_no_contracts", ("employees", "contracts_signed")),
    ("flag_arrears", ("arrears",)),
    ("flag_below_min_wage", ("lowest_monthly_wage", "minimum_wage")),
    ("flag_uninsured", ("employees", "insured_pension", "insured_medical", "insured_injury")),
)
#: Values that raise no flag, under the fields a rule is asked about.
_FLAG_NEUTRAL = {"employees": 0, "contracts_signed": 0, "arrears": False}
_MOBILE_HEADS = ("138", "139", "135", "136", "150", "151", "152", "158", "182", "187")
_ZERO = Decimal(0)
_DEFAULT_WAGE = Decimal(_DEFAULT_MIN_WAGE)
_TENS = [Decimal(i * 10) for i in range(181)]
_CAPITALS = {
    "enterprise": [Decimal(v) for v in (10, 50, 100, 200, 300, 500, 1000, 2000, 5000)],
    "individual": [Decimal(v) for v in (1, 2, 3, 5, 10, 20, 30, 50)],
    "cooperative": [Decimal(v) for v in (5, 10, 50, 100, 200, 500)],
}
_LOCATED = LocateMethod.LOCATION.value
_MANUAL = LocateMethod.MANUAL.value


def _region_of(grid_path: str) -> str:
    for code in path_codes(grid_path):
        if len(code) == 6 and code.isdigit():
            return code
    return "520521"


def _sources_for(code: str, industry: str, r: Callable[[], float]) -> list[str]:
    """The registers listing an employer: 市场监管 for 9x codes, 民政 for 5x (and 教育 for
    private schools), the organisation-code register for public bodies; some also found by
    grid staff in the field."""
    if code.startswith("9"):
        sources = ["scjg"]
    elif code.startswith("5"):
        sources = ["mz", "jy"] if industry == "P" else ["mz"]
    else:
        sources = ["zj"]
    if r() < 0.1:
        sources.append("field")
    return sources


def default_root() -> Grid:
    """The demo county (520521) if present, else the tree's root."""
    root = Grid.objects.filter(code="520521").first()
    if root is None:
        root = Grid.objects.active().order_by("depth", "path").first()
    if root is None:
        raise Grid.DoesNotExist("no grid")
    return root


def generate_employers(
    n: int,
    *,
    root: Grid | None = None,
    seed: int = 0,
    snapshots_per_employer: int = 3,
    roster_share: float = 0.05,
    workers_per_roster: int = 8,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, Summary], None] | None = None,
    today: date | None = None,
    parallel: bool | None = None,
) -> Summary:
    """Write ``n`` synthetic employers under ``root`` (default :func:`default_root`).

    One transaction per batch of ``batch_size`` employers; ``progress(done, summary)`` is called
    after each. Ids are reserved for the whole run first (explicit ids above the current
    maximum, the sequences moved past them), so that each batch can be generated before the one
    before it is written: with ``parallel`` (default: for runs of several batches on a machine
    with two cores or more) a forked child process generates batch *i + 1* while this process
    writes batch *i*. The child only computes (no database access); both paths give the same
    rows for the same seed.
    """
    started = perf_counter()
    root = root or default_root()
    batch_size = max(1, batch_size)
    gen = Generator(
        root,
        seed=seed,
        snapshots_per_employer=snapshots_per_employer,
        roster_share=roster_share,
        workers_per_roster=workers_per_roster,
        today=today,
    )
    writer = gen.writer
    per_snapshots = gen.k + 1
    per_workers = gen.workers_per_roster
    with transaction.atomic():
        writer.lock(Employer._meta.db_table, LabourSnapshot._meta.db_table, Worker._meta.db_table)
        e0 = writer.reserve(Employer, n)
        s0 = writer.reserve(LabourSnapshot, n * per_snapshots)
        w0 = writer.reserve(Worker, n * per_workers)
    codes = _Codes(writer, seed=seed, start=e0)

    def jobs() -> Iterator[_Job]:
        offset = 0
        for size in _chunks(n, batch_size):
            yield _Job(
                size=size,
                eid=e0 + offset,
                sid=s0 + offset * per_snapshots,
                wid=w0 + offset * per_workers,
                bodies=codes.take(size),
            )
            offset += size

    if parallel is None:
        parallel = n >= 4 * batch_size and (os.cpu_count() or 1) > 1
    summary = Summary()
    done = 0
    with writer.tuned():
        for job, batch in _pipeline(gen, jobs(), parallel=parallel):
            _write(gen, job, batch)
            done += job.size
            summary.employers += len(batch.employers)
            summary.snapshots += len(batch.snapshots)
            summary.workers += len(batch.workers)
            summary.sources += len(batch.sources)
            summary.history += len(batch.employer_history) + len(batch.worker_history)
            summary.seconds = perf_counter() - started
            if progress is not None:
                progress(done, summary)
    if connection.vendor == "postgresql" and n >= 50_000:
        # Fresh statistics, or the planner prices the new million rows as an empty table.
        with connection.cursor() as cursor:
            for model in (Employer, LabourSnapshot, Worker, EmployerSource):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    summary.seconds = perf_counter() - started
    return summary


@dataclass(frozen=True)
class _Job:
    size: int
    eid: int
    sid: int
    wid: int
    bodies: list[str]


class _Codes:
    """Organisation-code bodies for USCCs: a scrambled sequence (from the first reserved id),
    skipping those an employer in the database already has, checked a batch at a time."""

    def __init__(self, writer: Writer, *, seed: int, start: int) -> None:
        self.writer = writer
        self.seed = seed
        self.seq = start

    def take(self, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            bodies = []
            for _ in range(n - len(out)):
                self.seq += 1
                value = (self.seq * _ORG_MULTIPLIER + self.seed * 7_919) % _ORG_SPACE
                bodies.append(f"{value:08d}")
            orgs = [b + org_code_check_digit(b) for b in bodies]
            taken = _taken_org_codes(orgs)
            out.extend(b for b, o in zip(bodies, orgs, strict=True) if o not in taken)
        return out


def _taken_org_codes(codes: list[str]) -> set[str]:
    """Which of ``codes`` an employer in the database already has (USCCs embed them)."""
    found: set[str] = set()
    step = 500
    for i in range(0, len(codes), step):
        chunk = codes[i : i + step]
        found.update(Employer.objects.filter(org_code__in=chunk).values_list("org_code", flat=True))
    return found


#: The generator a forked child process works with (set before the fork; see _pipeline).
_CHILD: Generator | None = None


def _child_batch(job: _Job) -> _Batch:
    assert _CHILD is not None  # noqa: S101 - set before the pool forks
    return _CHILD.batch(job)


def _pipeline(
    gen: Generator, jobs: Iterator[_Job], *, parallel: bool
) -> Iterator[tuple[_Job, _Batch]]:
    """Each job with its rows, in order; in parallel the next batch is being generated while
    the caller writes this one. Jobs are drawn here, in the calling thread (they query the
    database for code collisions)."""
    if not parallel:
        for each in jobs:
            yield each, gen.batch(each)
        return
    global _CHILD
    import multiprocessing

    _CHILD = gen
    # fork: the child inherits the generator (grids, minimum wages, RNG state) without pickling
    # it, and never touches the database connection it inherits.
    pool = multiprocessing.get_context("fork").Pool(1)
    try:
        job: _Job | None = next(jobs, None)
        pending = pool.apply_async(_child_batch, (job,)) if job else None
        while job is not None and pending is not None:
            batch = pending.get()
            following: _Job | None = next(jobs, None)
            if following is not None:
                pending = pool.apply_async(_child_batch, (following,))
            yield job, batch
            job = following
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _CHILD = None


def _write(gen: Generator, job: _Job, batch: _Batch) -> None:
    """Write one batch in one transaction (employers first: the deferred foreign keys let them
    name their current snapshot, written next)."""
    writer, tables = gen.writer, gen.tables
    with transaction.atomic():
        writer.check_unused(Employer, job.eid)
        # Employers and their history rows through the registry's write path (search index
        # fed once per batch on SQLite).
        write_new(
            writer,
            tables["employer"],
            tables["employer_history"],
            batch.employers,
            batch.employer_history,
        )
        writer.insert(tables["snapshot"], batch.snapshots)
        writer.insert(tables["source"], batch.sources)
        writer.insert(tables["worker"], batch.workers)
        writer.insert(tables["worker_history"], batch.worker_history)


def _chunks(n: int, size: int) -> Iterator[int]:
    size = max(1, size)
    for start in range(0, n, size):
        yield min(size, n - start)


__all__ = [
    "BATCH_SIZE",
    "HISTORY_REASON",
    "USCC_PREFIX",
    "Generator",
    "Leaf",
    "Summary",
    "default_root",
    "generate_employers",
    "leaf_grids",
    "minimum_wage",
    "ric",
    "ric_check",
    "uscc",
]
