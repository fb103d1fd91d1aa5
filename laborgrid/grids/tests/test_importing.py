"""import_divisions / import_boundaries: refused whole with row numbers, idempotent, re-homing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from laborgrid.grids.importing import ImportRefused, import_boundaries, import_divisions
from laborgrid.grids.models import Grid

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _refused(data: bytes) -> list[str]:
    before = Grid.objects.count()
    with pytest.raises(ImportRefused) as exc:
        import_divisions(data)
    assert Grid.objects.count() == before, "a refused file writes nothing"
    return [str(e) for e in exc.value.errors]


def test_new_county_imports_as_a_root_and_again_changes_nothing() -> None:
    data = _csv(
        "999901,测试县,county,9999",
        "999901001,甲镇,township,999901",
        "999901001001,甲村,village,999901001",
    )
    first = import_divisions(data)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    village = Grid.objects.get(code="999901001001")
    assert village.path == "999901/999901001/999901001001/"
    assert village.depth == 2
    assert Grid.objects.get(code="999901").parent is None
    again = import_divisions(data)
    assert (again.created, again.updated, again.moved, again.unchanged) == (0, 0, 0, 3)


def test_rename_is_an_update() -> None:
    summary = import_divisions(_csv("520521102,猫场镇（新）,township,520521"))
    assert summary.updated == 1
    assert Grid.objects.get(code="520521102").name == "猫场镇（新）"


def test_importing_the_city_later_attaches_the_county_and_rehomes_its_subtree() -> None:
    summary = import_divisions(
        _csv("52,贵州省,province,", "5205,毕节市,city,52", "520521,大方县,county,5205")
    )
    assert summary.created == 2 and summary.moved == 1
    village = Grid.objects.get(code="520521102002")
    assert village.path == "52/5205/520521/520521102/520521102002/"
    assert village.depth == 4
    assert Grid.objects.filter(path__under="52/").count() == Grid.objects.count()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [
                "999901,测试县,county,",
                "999901001,甲镇,township,999901",
                "999901001001,甲村,village,999901777",
            ],
            "第 4 行：上级编码 999901777 不存在",
        ),
        (
            ["999901,测试县,county,", "999901,重复县,county,"],
            "第 3 行：编码 999901 重复（与第 2 行相同）",
        ),
        (
            [
                "999901,测试县,county,",
                "999901001,甲镇,village,999901",
                "999901001001,甲村,township,999901001",
            ],
            "第 4 行：层级顺序错误",
        ),
        (["999901001,甲镇,township,999901001001", "999901001001,甲村,village,999901001"], "循环"),
        (["999901,测试县,district,"], "第 2 行：层级“district”无效"),
        (["9999 01,测试县,county,"], "第 2 行：编码“9999 01”无效"),
        (["999901,,county,"], "第 2 行：名称为空"),
        (["999901,测试县,county"], "第 2 行：列数为 3，应为 4"),
    ],
)
def test_bad_files_are_refused_whole_with_row_numbers(rows: list[str], expected: str) -> None:
    errors = _refused(_csv(*rows))
    assert any(expected in e for e in errors), errors


def test_a_cycle_through_the_database_is_refused() -> None:
    # 猫场镇 under one of its own villages
    errors = _refused(_csv("520521102,猫场镇,custom,520521102002"))
    assert any("循环" in e for e in errors), errors


def test_bad_encoding_is_refused() -> None:
    errors = _refused(HEADER.encode() + "999901,测试县,county,\n".encode("gbk"))
    assert errors == ["第 2 行：文件编码错误：不是 UTF-8 编码（字节位置 35）"]


def test_missing_columns_and_empty_files_are_refused() -> None:
    assert "缺少列" in _refused(b"code,name\n1,x\n")[0]
    assert "文件为空" in _refused(b"")[0]
    assert "没有数据行" in _refused(HEADER.encode())[0]


def test_command_reports_rows_and_writes_nothing(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("999901,测试县,county,", "999901,重复县,county,"))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_divisions", str(bad))
    assert "第 3 行" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_bytes(_csv("999901,测试县,county,"))
    call_command("import_divisions", str(good), "--json")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["created"] == 1
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_divisions", str(tmp_path / "missing.csv"))


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[105.0, 27.0], [105.1, 27.0], [105.1, 27.1], [105.0, 27.1], [105.0, 27.0]]],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[105.0, 27.0], [105.1, 27.1], [105.1, 27.0], [105.0, 27.1], [105.0, 27.0]]],
}


def _fc(*features: tuple[str, dict]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": c}, "geometry": g} for c, g in features
            ],
        }
    ).encode()


def test_boundaries_set_geometry_and_centroid() -> None:
    summary = import_boundaries(_fc(("520521102", SQUARE)))
    assert summary.updated == 1
    grid = Grid.objects.get(code="520521102")
    assert grid.boundary is not None and grid.boundary["type"] == "Polygon"
    assert grid.boundary_synthetic is False
    assert grid.centroid_lng == pytest.approx(105.05)
    assert grid.centroid_lat == pytest.approx(27.05)


def test_invalid_polygon_refuses_the_whole_file() -> None:
    before = Grid.objects.get(code="520521102").boundary
    with pytest.raises(ImportRefused) as exc:
        import_boundaries(_fc(("520521102", SQUARE), ("520521103", BOWTIE)))
    assert "Self-intersection" in str(exc.value.errors[0])
    assert exc.value.errors[0].row == 2
    assert Grid.objects.get(code="520521102").boundary == before


def test_unknown_code_and_non_geojson_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="不存在"):
        import_boundaries(_fc(("000000", SQUARE)))
    with pytest.raises(ImportRefused, match="JSON"):
        import_boundaries(b"{not json")
    path = tmp_path / "b.geojson"
    path.write_bytes(_fc(("520521102", BOWTIE)))
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(path))


def test_rows_hanging_off_a_cycle_are_refused_with_the_cycle_not_a_crash() -> None:
    # The rows under the cycle used to raise KeyError, depending on the hash seed.
    errors = _refused(
        _csv(
            "999901001,甲镇,township,999901001001",
            "999901001001,甲村,village,999901001",
            "999901001002,乙村,village,999901001",
            "999901001003,丙村,custom,999901001002",
        )
    )
    assert errors == [
        "第 2 行：上下级关系形成循环：999901001",
        "第 3 行：上下级关系形成循环：999901001001",
    ]


def test_children_may_come_before_their_parents() -> None:
    summary = import_divisions(
        _csv(
            "999901001001,甲村,village,999901001",
            "999901001,甲镇,township,999901",
            "999901,测试县,county,",
        )
    )
    assert summary.created == 3
    village = Grid.objects.get(code="999901001001")
    assert (village.path, village.depth, village.parent_id) == (
        "999901/999901001/999901001001/",
        2,
        "999901001",
    )


def test_a_new_row_under_a_database_grid_follows_its_ancestor_moved_by_the_same_file() -> None:
    # 520521102 (猫场镇) is only in the database; the file moves its county under a new city and
    # adds a village under it: the village's path is computed through the moved county.
    summary = import_divisions(
        _csv(
            "52,贵州省,province,",
            "5205,毕节市,city,52",
            "520521,大方县,county,5205",
            "520521102999,新村,village,520521102",
        )
    )
    assert (summary.created, summary.moved) == (3, 1)
    village = Grid.objects.get(code="520521102999")
    assert village.path == "52/5205/520521/520521102/520521102999/"
    assert village.depth == 4
    assert Grid.objects.get(code="520521102").path == "52/5205/520521/520521102/"


def test_rename_move_and_audit_in_one_file() -> None:
    from laborgrid.audit.models import AuditEvent
    from laborgrid.grids.audit_actions import GridAction

    import_divisions(_csv("999901,测试县,county,", "999902,二县,county,"))
    before = Grid.objects.get(code="999901").updated_at
    summary = import_divisions(
        _csv(
            "999901,测试县（改）,county,",
            "999902,二县,county,",
            "999902001,甲镇,custom,999901",
            "999902001001,甲村,village,999902001",
        ),
        filename="divisions.csv",
    )
    assert (summary.created, summary.updated, summary.moved, summary.unchanged) == (2, 1, 0, 1)
    renamed = Grid.objects.get(code="999901")
    assert renamed.name == "测试县（改）" and renamed.updated_at > before
    # 甲镇 moves from under 999901 to under 999902, and takes 甲村 with it.
    summary = import_divisions(_csv("999902001,甲镇,township,999902"))
    assert (summary.updated, summary.moved) == (1, 1)
    village = Grid.objects.get(code="999902001001")
    assert village.path == "999902/999902001/999902001001/"
    event = AuditEvent.objects.filter(action=GridAction.GRIDS_IMPORTED).latest("pk")
    assert event.detail["moved"] == 1 and event.detail["updated"] == 1


def test_names_with_tabs_newlines_and_backslashes_are_stored_as_written() -> None:
    names = ["甲\t镇", "乙\n村", "C:\\丙村", '"丁"村', "\\N"]
    rows = ["999901,测试县,county,"]
    for i, name in enumerate(names):
        quoted = '"' + name.replace('"', '""') + '"'
        rows.append(f"99990100{i},{quoted},township,999901")
    summary = import_divisions(_csv(*rows))
    assert summary.created == 6
    stored = dict(
        Grid.objects.filter(parent__code="999901").values_list("code", "name").order_by("code")
    )
    assert list(stored.values()) == names
    assert import_divisions(_csv(*rows)).unchanged == 6


def test_too_deep_a_path_is_refused() -> None:
    from itertools import pairwise

    codes = [f"{i}" * 32 for i in range(1, 9)]  # 8 levels of 32 characters: 264 > 255
    rows = [f"{codes[0]},根,custom,"]
    rows += [f"{c},网格,custom,{p}" for p, c in pairwise(codes)]
    errors = _refused(_csv(*rows))
    assert errors == ["第 9 行：层级过深：路径超过 255 个字符"]
