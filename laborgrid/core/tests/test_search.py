"""laborgrid.core.search: the indexed form, and phrase matching on the database in use.

The database tests run on whichever backend the session uses (SQLite by default,
``DATABASE_URL=postgres://...`` for PostgreSQL); ``scripts/run-tests`` runs both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from laborgrid.core.search import (
    BOUNDARY,
    SearchTextField,
    fts_table,
    index_text,
    normalise,
    query_text,
    with_search_fields,
)
from laborgrid.grids.models import Grid

# --- The indexed form (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (("猫场镇",), "猫 场 镇"),
        (("猫场镇", "520521102"), f"猫 场 镇 {BOUNDARY} 5 2 0 5 2 1 1 0 2"),
        (("Ｄａｆａｎｇ高新区１号",), "d a f a n g 高 新 区 1 号"),  # full-width folded (NFKC)
        (("大方 · 猫场（新）",), "大 方 猫 场 新"),  # spaces and punctuation dropped
        (("MiXeD Case",), "m i x e d c a s e"),
        (("①㈱",), "1 株"),  # compatibility forms unfolded, brackets dropped
        (("", "PARK-01"), "p a r k 0 1"),  # an empty value adds no boundary
        (("，。、", "甲"), "甲"),
        ((), ""),
    ],
)
def test_index_text(values: tuple[str, ...], expected: str) -> None:
    assert index_text(*values) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("镇", "镇"),
        ("猫场", "猫 场"),
        ("  猫 场 ", "猫 场"),
        ("猫场，镇", "猫 场 镇"),
        ("ＡＢｃ", "a b c"),
        ('"猫" OR 场*', "猫 o r 场"),  # FTS5 / tsquery syntax is data, not operators
        ("", None),
        ("   ", None),
        ("，。！？", None),
        (None, None),
    ],
)
def test_query_text(q: str | None, expected: str | None) -> None:
    assert query_text(q) == expected


@pytest.mark.parametrize(
    "text", ["猫场镇", "Ｆｕｌｌ　ｗｉｄｔｈ", "ﬁ Straße ΣΑΣ", "㍻①", "İstanbul"]
)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert query_text(once) == query_text(text)
    assert index_text(once) == index_text(text)


def test_boundary_is_no_query_token() -> None:
    # Query tokens are single characters, the boundary is two: no phrase can contain it.
    assert len(BOUNDARY) > 1 and BOUNDARY.isalnum()
    assert BOUNDARY not in (query_text(BOUNDARY) or "").split()


def test_search_field_deconstructs_and_names_itself_in_update_fields() -> None:
    field = Grid._meta.get_field("search_text")
    assert isinstance(field, SearchTextField)
    _name, _path, _args, kwargs = field.deconstruct()
    assert kwargs["sources"] == ("name",)
    assert with_search_fields(Grid, ["name", "updated_at"]) == ["name", "updated_at", "search_text"]
    assert with_search_fields(Grid, ["note"]) == ["note"]
    assert with_search_fields(Grid, None) is None


# --- Phrase matching on the database -------------------------------------------------------------


@pytest.fixture
def db_match(db: None) -> Iterator[object]:
    """A function (indexed text, query) → whether the database's index finds the query in it."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE VIRTUAL TABLE temp.search_probe USING fts5(t, "
                "tokenize='unicode61 remove_diacritics 0')"
            )

        def match(text: str, q: str) -> bool:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM temp.search_probe")
                cursor.execute("INSERT INTO temp.search_probe(rowid, t) VALUES (1, %s)", [text])
                cursor.execute(
                    "SELECT count(*) FROM temp.search_probe WHERE search_probe MATCH %s",
                    [f'"{query_text(q)}"'],
                )
                return bool(cursor.fetchone()[0])

        yield match
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE temp.search_probe")
    else:

        def match(text: str, q: str) -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT to_tsvector('simple'::regconfig, %s) @@ "
                    "phraseto_tsquery('simple'::regconfig, %s)",
                    [text, query_text(q)],
                )
                return bool(cursor.fetchone()[0])

        yield match


@pytest.mark.parametrize(
    ("values", "q", "found"),
    [
        (("猫场镇",), "镇", True),
        (("猫场镇",), "猫场", True),
        (("猫场镇",), "场镇", True),
        (("猫场镇",), "猫镇", False),  # not adjacent
        (("猫场镇",), "镇场", False),  # wrong order
        (("村村通村",), "村村", True),  # repeated characters
        (("村村通村",), "通村村", False),
        (("慕俄格古城街道",), "慕俄格古城街道", True),
        (("慕俄格古城街道",), "古城街道办", False),
        (("Dafang高新区",), "ＤＡＦＡＮＧ高新", True),
        (("猫场镇", "520521102"), "镇5", False),  # never across two values
        (("猫场镇", "520521102"), "镇520521102", False),
        (("猫场镇", "520521102"), "5205", True),
        (("猫场镇", "520521102"), BOUNDARY, False),
    ],
)
def test_phrase_matches_a_substring_and_never_crosses_values(
    db_match: object, values: tuple[str, ...], q: str, found: bool
) -> None:
    assert callable(db_match)
    assert db_match(index_text(*values), q) is found
    # the reference: a substring of one normalised value
    assert any(normalise(q) in normalise(v) for v in values) is found


@pytest.mark.django_db
def test_sqlite_index_triggers_exist() -> None:
    """SQLite drops a table's triggers when a migration remakes it (AlterField, AddConstraint…).

    If this fails after a new grids migration, add ``search.migration_operation("grids", "Grid")``
    at its end to re-create them (and to rebuild the index).
    """
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    fts = fts_table(Grid)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [Grid._meta.db_table],
        )
        triggers = {row[0] for row in cursor.fetchall()}
        assert {f"{fts}_ai", f"{fts}_ad", f"{fts}_au"} <= triggers
        check = f'INSERT INTO "{fts}"("{fts}", rank) VALUES (\'integrity-check\', 1)'  # noqa: S608
        cursor.execute(check)
