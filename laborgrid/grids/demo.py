"""The 大方县 demo's grids and staff (the first demo seeder; ``site.demo.seed_demo`` runs them all): grids from the NBS division list, the three industrial parks of the 2013 plan,
synthetic boundaries, and staff per the plan (DOMAIN A1). Idempotent: running it again changes
nothing that is already there.

Assumptions, marked in the data (``placement_assumed``) and in the README: the plan does not say
which township hosts each park; the placements below are guesses. Names and phone numbers of staff
are synthetic. Boundaries are synthetic (Voronoi cells in a made-up county outline) and marked
``boundary_synthetic``: the map labels them 示意边界（非真实）.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from laborgrid.accounts import services as accounts
from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.roles import Role
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.importing import import_boundaries, import_divisions
from laborgrid.grids.models import Grid
from laborgrid.grids.services import create_grid
from laborgrid.lib.geometry import synthetic_outline, synthetic_partition, synthetic_small_area

COUNTY = "520521"
DIVISIONS = Path(__file__).resolve().parent / "data" / "dafang-520521.csv"
# (code, name, host township code, host township name). Placement is an assumption (see above).
PARKS = [
    ("520521P01", "药品食品产业园区", "520521002", "顺德街道"),
    ("520521P02", "循环经济产业园区", "520521104", "羊场镇"),
    ("520521P03", "金门陶瓷工业园区", "520521105", "黄泥塘镇"),
]
# Approximate centre and extent of 大方县 (for a plausible synthetic outline only).
CENTER = (105.61, 27.14)
EXTENT = (0.95, 0.6)

DEMO_USERS = {
    # username: (full name, role, grid code, title)
    "county": ("王建国", Role.COUNTY_INSPECTOR, COUNTY, "县劳动保障监察大队 大队长"),
    "leader": ("李明华", Role.LEADER, COUNTY, "县人社局 分管副局长"),
    "maochang": ("陈志刚", Role.SQUADRON_LEADER, "520521102", "猫场镇劳动保障监察中队 中队长"),
    "machang": ("赵德明", Role.SQUADRON_LEADER, "520521103", "马场镇劳动保障监察中队 中队长"),
    "sysadmin": ("孙浩", Role.SYSADMIN, COUNTY, "系统管理员"),
    "secadmin": ("周敏", Role.SECADMIN, COUNTY, "安全管理员"),
    "auditor": ("吴静", Role.AUDITOR, COUNTY, "审计管理员"),
}
# Township squadron leaders whose demo usernames are fixed; assistants' prefixes likewise.
TOWNSHIP_PREFIX = {"520521102": "maochang", "520521103": "machang"}
BRIGADE_MEMBERS = 4  # county inspectors besides the brigade leader

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国明华志刚德海燕红军伟芳丽强磊洋艳勇杰娟涛斌超秀英霞平刚桂兰玉梅文俊辉敏静婷雪丹凤鹏飞宇浩然子涵梓轩欣怡佳琪"


class _Names:
    """Deterministic synthetic Chinese names and phone numbers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not security
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            n = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
            )
            if n not in self.used:
                self.used.add(n)
                return n

    def phone(self) -> str:
        return self.rng.choice(("138", "139", "150", "151", "182", "187")) + "".join(
            str(self.rng.randrange(10)) for _ in range(8)
        )


def _ensure_user(
    username: str, full_name: str, phone: str, title: str, *, demo_login: bool
) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    return accounts.create_user(
        actor=None,
        username=username,
        password=settings.LABORGRID_DEMO_PASSWORD if demo_login else None,
        full_name=full_name,
        phone=phone,
        title=title,
        is_demo=True,
    )


def _ensure_role(user: User, grid: Grid, role: str, duty: str = "") -> None:
    if GridAssignment.objects.current().filter(user=user, grid=grid, role=role).exists():
        return
    accounts.assign_role(
        actor=None,
        user=user,
        grid=grid,
        role=role,
        duty=duty,
        valid_from=timezone.localdate().replace(month=1, day=1),
        check_actor_scope=False,
    )


def _boundaries() -> dict:
    townships = list(
        Grid.objects.filter(parent__code=COUNTY, level=GridLevel.TOWNSHIP).order_by("code")
    )
    outline = synthetic_outline(*CENTER, *EXTENT, seed=520521)
    features = [
        {"type": "Feature", "properties": {"code": COUNTY}, "geometry": outline.__geo_interface__}
    ]
    cells = synthetic_partition(outline, len(townships), seed=52052101)
    for i, (township, cell) in enumerate(zip(townships, cells, strict=True)):
        features.append(
            {
                "type": "Feature",
                "properties": {"code": township.code},
                "geometry": cell.__geo_interface__,
            }
        )
        villages = list(township.children.filter(level=GridLevel.VILLAGE).order_by("code"))
        for village, vcell in zip(
            villages, synthetic_partition(cell, len(villages), seed=1000 + i), strict=True
        ):
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": village.code},
                    "geometry": vcell.__geo_interface__,
                }
            )
        for j, park in enumerate(township.children.filter(level=GridLevel.PARK).order_by("code")):
            area = synthetic_small_area(cell, 0.035, seed=2000 + i * 10 + j)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": park.code},
                    "geometry": area.__geo_interface__,
                }
            )
    return {"type": "FeatureCollection", "features": features}


def seed_grids_and_staff(log: Callable[[str], None] = print) -> None:
    """Grids, parks, synthetic boundaries, demo accounts and the staff of every grid."""
    summary = import_divisions(DIVISIONS.read_bytes(), filename=DIVISIONS.name)
    log(f"区划：新建 {summary.created}，更新 {summary.updated}，未变 {summary.unchanged}")
    for code, name, host, host_name in PARKS:
        if not Grid.objects.filter(code=code).exists():
            create_grid(
                actor=None,
                parent=Grid.objects.get(code=host),
                code=code,
                name=name,
                level=GridLevel.PARK,
                placement_assumed=True,
                note=f"2013 年规划未写明所在乡镇；演示数据假设位于{host_name}。",
            )
    if Grid.objects.filter(path__under=f"{COUNTY}/", boundary__isnull=True).exists():
        data = json.dumps(_boundaries(), ensure_ascii=False).encode()
        import_boundaries(data, synthetic=True, filename="dafang-synthetic.geojson")
        log("边界：已生成示意边界（非真实）")

    names = _Names(520521)
    county = Grid.objects.get(code=COUNTY)
    for username, (full_name, role, code, title) in DEMO_USERS.items():
        user = _ensure_user(username, full_name, names.phone(), title, demo_login=True)
        _ensure_role(user, Grid.objects.get(code=code), role)
    for n in range(1, BRIGADE_MEMBERS + 1):
        user = _ensure_user(f"brigade-{n}", names.name(), names.phone(), "监察员", demo_login=False)
        _ensure_role(user, county, Role.COUNTY_INSPECTOR)

    for township in Grid.objects.filter(parent__code=COUNTY, level=GridLevel.TOWNSHIP).order_by(
        "code"
    ):
        prefix = TOWNSHIP_PREFIX.get(township.code, f"t{township.code}")
        leader_name = prefix if township.code in TOWNSHIP_PREFIX else f"{prefix}-lead"
        leader = _ensure_user(
            leader_name,
            names.name(),
            names.phone(),
            f"{township.name}人社中心主任、监察中队长",
            demo_login=False,
        )
        _ensure_role(leader, township, Role.SQUADRON_LEADER)
        officer = _ensure_user(
            f"{prefix}-o1", names.name(), names.phone(), "专职工作人员", demo_login=False
        )
        _ensure_role(officer, township, Role.GRID_OFFICER)
        villages = list(township.children.filter(level=GridLevel.VILLAGE).order_by("code"))
        half = (len(villages) + 1) // 2
        for k in (1, 2):
            demo_login = f"{prefix}-a{k}" == "maochang-a1"
            assistant = _ensure_user(
                f"{prefix}-a{k}", names.name(), names.phone(), "协管员", demo_login=demo_login
            )
            _ensure_role(assistant, township, Role.ASSISTANT)
            mine = villages[:half] if k == 1 else villages[half:]
            for village in mine:
                _ensure_role(assistant, village, Role.ASSISTANT, duty="村（社区）网格信息采集")
    for code, _name, _host, _host_name in PARKS:
        park = Grid.objects.get(code=code)
        for k in (1, 2):
            assistant = _ensure_user(
                f"park{code[-1]}-a{k}", names.name(), names.phone(), "园区协管员", demo_login=False
            )
            _ensure_role(assistant, park, Role.ASSISTANT, duty="园区网格工作室")
    log(
        f"人员：{User.objects.filter(is_demo=True).count()} 个账号，"
        f"{GridAssignment.objects.current().count()} 个在岗岗位"
    )
