"""import_divisions / import_boundaries: refused whole with row numbers, idempotent, re-homing."""

from __future__ import annotations

import json

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


def test_command_reports_rows_and_writes_nothing(tmp_path, capsys) -> None:
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


def test_unknown_code_and_non_geojson_are_refused(tmp_path) -> None:
    with pytest.raises(ImportRefused, match="不存在"):
        import_boundaries(_fc(("000000", SQUARE)))
    with pytest.raises(ImportRefused, match="JSON"):
        import_boundaries(b"{not json")
    path = tmp_path / "b.geojson"
    path.write_bytes(_fc(("520521102", BOWTIE)))
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(path))
