"""Grid search (``GridQuerySet.search``): name substring through the character index, code prefix.

Run on both databases, the comparison with a plain Python substring check over the normalised
names is the proof that SQLite (FTS5) and PostgreSQL (tsvector) return the same rows.
"""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from laborgrid.core.paths import CODE_CHARS
from laborgrid.core.search import normalise
from laborgrid.grids import services
from laborgrid.grids.importing import import_divisions
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _reference(q: str) -> set[str]:
    """Codes of active grids whose normalised name contains the normalised query, or whose code
    starts with the (NFKC) query — computed in Python, without any index."""
    needle = normalise(q)
    code = unicodedata.normalize("NFKC", q).strip()
    code_like = bool(code) and set(code) <= CODE_CHARS
    return {
        g.code
        for g in Grid.objects.active().only("code", "name")
        if (needle and needle in normalise(g.name)) or (code_like and g.code.startswith(code))
    }


def _found(q: str) -> set[str]:
    return set(Grid.objects.active().search(q).values_list("code", flat=True))


SAMPLE = [
    "镇",  # 1 character
    "村",
    "乡",
    "猫场",  # 2
    "社区",
    "族乡",
    "猫场镇",  # 3
    "彝族苗族乡",  # 5
    "社区居民委员会",  # 7
    "慕俄格古城街道",
    "猫 场",  # a space in the query
    "猫场，镇",  # punctuation in the query
    "ｍ",  # full-width Latin, no match
    "５２０５２１１０２",  # full-width code digits
    MAOCHANG,
    "520521",
    "52052110200",
    "镇" + MAOCHANG,  # name then code: never matches across the two
    "猫场镇520521102",
    "不存在的网格名称",
]


@pytest.mark.parametrize("q", SAMPLE)
def test_same_rows_as_a_python_substring_check(q: str) -> None:
    assert _found(q) == _reference(q)


def test_sample_covers_hits_and_misses() -> None:
    assert len(_found("村")) > 100
    assert _found("猫场") >= {MAOCHANG} and MACHANG not in _found("猫场")
    assert _found("不存在的网格名称") == set()
    assert _found("镇" + MAOCHANG) == set()
    assert _found("猫场，镇") == _found("猫场镇") == {MAOCHANG}
    assert _found("５２０５２１１０２") == _found(MAOCHANG)


@pytest.mark.parametrize("q", ["", "   ", "，。、", "　"])
def test_nothing_searchable_finds_nothing(q: str) -> None:
    assert _found(q) == set()


def test_full_width_and_mixed_case_latin() -> None:
    maochang = Grid.objects.get(code=MAOCHANG)
    services.create_grid(
        actor=None, parent=maochang, code="520521102P9", name="Dafang高新区（Ａ区）", level="park"
    )
    for q in ("dafang", "DAFANG", "ＤａＦａｎｇ", "Dafang 高新", "高新区a", "（A区）", "g高"):
        assert _found(q) == {"520521102P9"}, q
    assert _found("dafangx") == set()
    assert _found("520521102p9") == set()  # codes are case-sensitive prefixes
    assert _found("520521102P") == {"520521102P9"}


def test_create_and_rename_keep_the_index_current() -> None:
    maochang = Grid.objects.get(code=MAOCHANG)
    grid = services.create_grid(
        actor=None,
        parent=maochang,
        code="520521102W77",
        name="猫场镇测试工作室",
        level="custom",
    )
    assert _found("测试工作室") == {"520521102W77"}
    services.update_grid(actor=None, grid=grid, name="新名称网格")
    assert _found("测试工作室") == set()
    assert _found("新名称") == {"520521102W77"}
    services.update_grid(actor=None, grid=grid, note="只改备注")  # search column unchanged
    assert _found("新名称") == {"520521102W77"}
    assert _found("新名称") == _reference("新名称")


def test_import_keeps_the_index_current() -> None:
    header = "code,name,level,parent_code\n"
    import_divisions(
        (
            header + "999901,搜索测试县,county,9999\n"
            "999901001,甲乙镇,township,999901\n"
            "999901001001,丙丁村,village,999901001\n"
            f"{MAOCHANG},猫场新镇,township,520521\n"
        ).encode()
    )
    assert _found("搜索测试") == {"999901"}
    assert _found("丙丁") == {"999901001001"}
    assert _found("猫场新镇") == {MAOCHANG}
    assert MAOCHANG not in _found("猫场镇")  # renamed by the import
    import_divisions((header + "999901001001,戊己村,village,999901001\n").encode())
    assert _found("丙丁") == set()
    assert _found("戊己") == {"999901001001"}
    for q in ("乙镇", "村", "猫场", "9999"):
        assert _found(q) == _reference(q), q


def test_search_page_is_scoped() -> None:
    url = reverse("grids:grid_list")
    page = client_for("maochang").get(url, {"q": "马场"}).content.decode()
    assert "马场镇" not in page and "马场社区" not in page
    page = client_for("maochang").get(url, {"q": "镇"}).content.decode()
    assert "猫场镇" in page and "马场镇" not in page
    page = client_for("county").get(url, {"q": "马场"}).content.decode()
    assert "马场镇" in page


def test_search_page_whitespace_query_shows_the_tree() -> None:
    response = client_for("county").get(reverse("grids:grid_list"), {"q": "   "})
    assert response.status_code == 200
    assert response.context["results"] is None


def test_search_page_limits_and_orders_by_path() -> None:
    response = client_for("county").get(reverse("grids:grid_list"), {"q": "村"})
    results = response.context["results"]
    assert 0 < len(results) <= response.context["search_limit"]
    assert [g.path for g in results] == sorted(g.path for g in results)


def test_api_search_is_scoped_and_matches_the_reference() -> None:
    body = client_for("maochang").get("/api/v1/grids", {"q": "村", "limit": "1000"}).json()
    codes = {g["code"] for g in body["items"]}
    assert codes and all(c.startswith(MAOCHANG) for c in codes)
    assert codes == {c for c in _reference("村") if c.startswith(MAOCHANG)}
    assert body["count"] == len(codes)
    body = client_for("maochang").get("/api/v1/grids", {"q": "马场"}).json()
    assert body["count"] == 0
    body = client_for("county").get("/api/v1/grids", {"q": "猫场，镇"}).json()
    assert [g["code"] for g in body["items"]] == [MAOCHANG]
