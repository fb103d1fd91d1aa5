"""The employer registry's part of the 大方县 demo: a minimum-wage table and employers.

``seed_employers`` is called at the end of ``laborgrid.site.demo.seed_demo``. It writes Guizhou's
minimum-wage tiers (demo values, see :data:`MINIMUM_WAGES`), a handful of hand-written employers
in 猫场镇 and 马场镇 — created through the services like a person would, so that demos and browser
tests have stable names with a story (arrears, a wage under the minimum, a stale cooperative) —
and ~3,000 generated employers spread over the county (``laborgrid.employers.generate``, seeded, so
the demo is the same every time on the same day). Idempotent: nothing is added once the demo
employers exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from time import perf_counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers import services
from laborgrid.employers.generate import generate_employers, ric, uscc
from laborgrid.employers.models import Employer, MinimumWage
from laborgrid.grids.models import Grid

COUNTY = "520521"
#: County-seat subdistricts (街道), 520521001–006.
SUBDISTRICTS = tuple(f"520521{n:03d}" for n in range(1, 7))
#: How many generated employers the demo has (besides the hand-written ones).
GENERATED = 3000
GENERATED_SEED = 520521

# Guizhou's minimum wage (贵州省最低工资标准), monthly and hourly, in yuan. DEMO VALUES: to be
# checked against the provincial government's current notice before anyone relies on them.
#   from 2023-02-01: 一类 1890 / 二类 1760 / 三类 1660 (hourly 19.6 / 18.3 / 17.2)
#   from 2019-12-01: 一类 1790 / 二类 1670 / 三类 1570 (hourly 18.6 / 17.5 / 16.5)
# ASSUMPTION for the demo: Dafang's county-seat subdistricts (街道) are 二类 and its towns and
# townships 三类; so the county grid carries 三类 and each 街道 grid 二类 (the deeper row wins:
# services.minimum_wage_for).
MINIMUM_WAGES: tuple[tuple[str, str, str, str, date], ...] = (
    # (tier, monthly, hourly, grids, effective from)
    ("三类", "1660", "17.2", "county", date(2023, 2, 1)),
    ("三类", "1570", "16.5", "county", date(2019, 12, 1)),
    ("二类", "1760", "18.3", "subdistricts", date(2023, 2, 1)),
    ("二类", "1670", "17.5", "subdistricts", date(2019, 12, 1)),
)
DOCUMENT = "演示数据：贵州省最低工资标准（{tier}，{day}起执行），以省政府现行通知为准"


def seed_minimum_wages(actor: User | None = None) -> int:
    """The demo minimum-wage table on 520521 and its 街道 (idempotent); returns rows added."""
    actor = actor or User.objects.get(username="county")
    county = Grid.objects.filter(code=COUNTY).first()
    if county is None:
        return 0
    subdistricts = list(Grid.objects.filter(code__in=SUBDISTRICTS).order_by("code"))
    existing = set(
        MinimumWage.objects.filter(area__code__in=[COUNTY, *SUBDISTRICTS]).values_list(
            "area__code", "effective_from"
        )
    )
    added = 0
    for tier, monthly, hourly, where, effective in MINIMUM_WAGES:
        for grid in [county] if where == "county" else subdistricts:
            if (grid.code, effective) in existing:
                continue
            services.save_minimum_wage(
                actor=actor,
                data={
                    "area": grid,
                    "tier": tier,
                    "monthly": monthly,
                    "hourly": hourly,
                    "effective_from": effective.isoformat(),
                    "document": DOCUMENT.format(
                        tier=tier, day=f"{effective.year}年{effective.month}月{effective.day}日"
                    ),
                },
            )
            added += 1
    return added


@dataclass
class _Named:
    """A hand-written demo employer: identity, snapshots (days ago, facts) and a small roster."""

    body: str  # organisation-code body (8 digits) of its USCC
    prefix: str
    grid: str
    data: dict[str, Any]
    snapshots: list[tuple[int, dict[str, Any]]]
    workers: list[dict[str, Any]] = field(default_factory=list)


def _worker(name: str, birth: str, seq: int, started: str, **extra: Any) -> dict[str, Any]:
    # The sequence code's parity is the gender (GB 11643: odd for men).
    if (seq % 2 == 1) != (extra.get("gender") == "male"):
        seq += 1
    number = ric("520521", date.fromisoformat(birth), seq)
    return {
        "name": name,
        "id_number": number,
        "started_on": started,
        "contract_term": extra.pop("contract_term", "open_ended"),
        **extra,
    }


#: Stable names for demos and browser tests. Their USCC bodies lie outside the range the
#: generator draws from first (it starts at the current maximum id), and it skips taken codes.
NAMED: tuple[_Named, ...] = (
    _Named(
        body="73520001",
        prefix="91",
        grid="520521102002",
        data={
            "name": "大方县猫场镇兴旺建筑劳务有限公司",
            "employer_type": "enterprise",
            "industry": "E",
            "legal_rep": "陈德海",
            "contact_person": "陈德海",
            "contact_phone": "13885710021",
            "address": "贵州省毕节市大方县猫场镇猫场社区建设路18号",
            "established_on": "2016-05-12",
            "registered_capital": "200",
            "business_scope": "建筑劳务分包；房屋建筑工程施工",
        },
        snapshots=[
            (400, {"employees": 36, "contracts_signed": 36, "lowest_monthly_wage": "2600"}),
            (200, {"employees": 42, "contracts_signed": 35, "lowest_monthly_wage": "2600"}),
            (
                20,
                {
                    "employees": 45,
                    "contracts_signed": 38,
                    "lowest_monthly_wage": "2800",
                    "arrears": True,
                    "arrears_amount": "186000",
                    "arrears_workers": 23,
                    "arrears_months": 3,
                    "is_construction": True,
                    "real_name_register": True,
                    "wage_account": False,
                    "wage_deposit": False,
                    "rights_board": True,
                    "note": "农民工反映春节前工资未结清，已约谈项目负责人。",
                },
            ),
        ],
        workers=[
            _worker("陈光明", "1982-03-14", 11, "2021-03-01", gender="male", is_migrant=True),
            _worker("罗德才", "1975-11-02", 31, "2022-04-15", gender="male", is_migrant=True),
            _worker(
                "杨秀英",
                "1990-07-21",
                42,
                "2023-06-01",
                gender="female",
                contract_term="fixed",
                contract_end="2026-05-31",
            ),
            _worker("王海", "1988-01-09", 53, "2024-02-20", gender="male", is_migrant=True),
        ],
    ),
    _Named(
        body="73520002",
        prefix="92",
        grid="520521102002",
        data={
            "name": "大方县猫场镇老街张记餐馆",
            "employer_type": "individual",
            "industry": "H",
            "legal_rep": "张桂兰",
            "contact_person": "张桂兰",
            "contact_phone": "15185720033",
            "address": "贵州省毕节市大方县猫场镇猫场社区老街56号",
            "established_on": "2012-09-01",
            "registered_capital": "5",
            "business_scope": "餐饮服务",
        },
        snapshots=[
            (300, {"employees": 4, "contracts_signed": 4, "lowest_monthly_wage": "1800"}),
            (30, {"employees": 5, "contracts_signed": 3, "lowest_monthly_wage": "1500"}),
        ],
        workers=[
            _worker("张小芳", "1995-05-05", 62, "2020-08-01", gender="female"),
            _worker("李春", "1979-12-12", 73, "2019-03-15", gender="male"),
            _worker("周丽", "2001-02-28", 84, "2024-07-01", gender="female"),
        ],
    ),
    _Named(
        body="73520003",
        prefix="93",
        grid="520521102206",
        data={
            "name": "大方县猫场镇箐口村天麻种植农民专业合作社",
            "employer_type": "cooperative",
            "industry": "A",
            "legal_rep": "罗永福",
            "contact_person": "罗永福",
            "contact_phone": "18285730045",
            "address": "贵州省毕节市大方县猫场镇箐口村3组",
            "established_on": "2015-03-20",
            "registered_capital": "50",
            "business_scope": "天麻种植、初加工及销售",
        },
        snapshots=[
            (500, {"employees": 12, "contracts_signed": 12}),
            (
                220,
                {
                    "employees": 15,
                    "contracts_signed": 15,
                    "insured_pension": 8,
                    "insured_medical": 15,
                    "insured_injury": 6,
                },
            ),
        ],
        workers=[
            _worker("罗永贵", "1968-04-10", 95, "2015-04-01", gender="male"),
            _worker("安美", "1985-09-18", 106, "2018-05-10", gender="female"),
            _worker("禄文忠", "1972-06-30", 117, "2016-03-01", gender="male"),
        ],
    ),
    _Named(
        body="73520004",
        prefix="91",
        grid="520521103002",
        data={
            "name": "大方县马场镇鑫达煤炭洗选有限公司",
            "employer_type": "enterprise",
            "industry": "B",
            "legal_rep": "赵德顺",
            "contact_person": "刘志远",
            "contact_phone": "13908572046",
            "address": "贵州省毕节市大方县马场镇马场社区工业路8号",
            "established_on": "2009-11-05",
            "registered_capital": "3000",
            "business_scope": "煤炭洗选、加工及销售",
        },
        snapshots=[
            (350, {"employees": 110, "contracts_signed": 110, "lowest_monthly_wage": "3200"}),
            (100, {"employees": 118, "contracts_signed": 118, "lowest_monthly_wage": "3300"}),
            (
                10,
                {
                    "employees": 120,
                    "contracts_signed": 120,
                    "insured_pension": 120,
                    "insured_medical": 120,
                    "insured_injury": 120,
                    "lowest_monthly_wage": "3400",
                    "hours_system": "comprehensive",
                    "hours_approval_no": "大人社综〔2024〕7号",
                },
            ),
        ],
        workers=[
            _worker("刘志远", "1980-10-01", 128, "2010-01-05", gender="male"),
            _worker("苏明", "1987-02-14", 139, "2015-07-01", gender="male"),
            _worker("赵燕", "1992-08-08", 142, "2019-09-01", gender="female"),
            _worker("韦强", "1978-12-25", 151, "2012-03-01", gender="male", is_migrant=True),
        ],
    ),
    _Named(
        body="73520005",
        prefix="92",
        grid="520521103002",
        data={
            "name": "大方县马场镇惠民超市",
            "employer_type": "individual",
            "industry": "F",
            "legal_rep": "吴春梅",
            "contact_person": "吴春梅",
            "contact_phone": "15285740057",
            "address": "贵州省毕节市大方县马场镇马场社区中街22号",
            "established_on": "2017-06-18",
            "registered_capital": "10",
            "business_scope": "日用百货零售",
        },
        snapshots=[
            (260, {"employees": 3, "contracts_signed": 3}),
            (
                60,
                {
                    "employees": 3,
                    "contracts_signed": 3,
                    "insured_pension": 1,
                    "insured_medical": 3,
                    "insured_injury": 0,
                },
            ),
        ],
        workers=[
            _worker("吴春梅", "1983-03-03", 162, "2017-06-18", gender="female"),
            _worker("孔德明", "1999-11-11", 173, "2022-10-01", gender="male"),
        ],
    ),
)


def named_uscc(named: _Named) -> str:
    return uscc(named.prefix, COUNTY, named.body)


def _create_named(named: _Named, actor: User, today: date) -> Employer:
    grid = Grid.objects.get(code=named.grid)
    data = {**named.data, "uscc": named_uscc(named), "status": "operating"}
    if grid.centroid_lat is not None and grid.centroid_lng is not None:
        data.update(lat=round(grid.centroid_lat, 6), lng=round(grid.centroid_lng, 6))
    employer = services.create_employer(
        actor=actor,
        data=data,
        grid=grid,
        grid_reason="演示数据",
        source="scjg",
        confirm_not_duplicate=True,
    )
    for days_ago, facts in named.snapshots:
        services.record_snapshot(
            actor=actor,
            employer=employer,
            data={"collected_on": (today - timedelta(days=days_ago)).isoformat(), **facts},
            method="field_visit",
            source="网格员实地采集",
        )
    for worker in named.workers:
        services.add_worker(actor=actor, employer=employer, data=worker)
    return employer


def seed_employers(log: Callable[[str], None] = print) -> None:
    """Minimum wages, the hand-written employers and ~3,000 generated ones (idempotent)."""
    if not Grid.objects.filter(code=COUNTY).exists():
        return
    started = perf_counter()
    actor = User.objects.get(username="county")
    added = seed_minimum_wages(actor)
    if added:
        log(f"最低工资标准：新增 {added} 条（演示数据，以贵州省现行通知为准）")
    if Employer.objects.filter(uscc=named_uscc(NAMED[0])).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        for named in NAMED:
            _create_named(named, actor, today)
        summary = generate_employers(
            GENERATED, root=Grid.objects.get(code=COUNTY), seed=GENERATED_SEED, today=today
        )
    log(
        f"用人单位：演示单位 {len(NAMED)} 家，模拟单位 {summary.employers} 家"
        f"（{summary.snapshots} 条劳动用工信息，{summary.workers} 名职工），"
        f"用时 {perf_counter() - started:.1f} 秒"
    )


__all__ = [
    "GENERATED",
    "MINIMUM_WAGES",
    "NAMED",
    "named_uscc",
    "seed_employers",
    "seed_minimum_wages",
]
