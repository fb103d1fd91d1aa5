"""An edit and a register import make the same change the same way (``employers.bulk``): the
same former names (newest first) and derived columns; a rollback gives back what it found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from laborgrid.accounts.models import User
from laborgrid.employers import bulk, indexing, services
from laborgrid.employers.models import Employer
from laborgrid.registers.models import ImportBatch
from laborgrid.registers.services import rollback_batch
from laborgrid.registers.tests.test_pipeline import gbk_file, row, run
from laborgrid.testing.employers import make_employer, make_uscc
from laborgrid.testing.personas import MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db

ADDRESS = "贵州省毕节市大方县猫场镇箐口村"
COMPARED = ("name", "former_names", "name_key", "name_core", "search_text")


def _state(e: Employer) -> dict[str, Any]:
    e.refresh_from_db()
    return {f: getattr(e, f) for f in COMPARED}


def _employer(n: int) -> Employer:
    return make_employer(
        MAOCHANG_VILLAGE,
        uscc=make_uscc(n),
        name=f"大方县同改{n}旧名有限公司",
        former_names="大方县同改最早商店",
        legal_rep="张三",
        address=ADDRESS,
    )


def test_an_edit_and_an_import_rename_alike(tmp_path: Path) -> None:
    county = User.objects.get(username="county")
    edited, imported = _employer(890101), _employer(890102)
    new_name = "大方县同改新名有限公司"
    services.update_employer(
        actor=county, employer=edited, data={"name": new_name}, expected_version=1
    )
    done = run(gbk_file(tmp_path, [row(890102, name=new_name, address=ADDRESS)]))
    assert done["updated"] == 1
    indexing.index_pending()  # the import's character index is deferred; the edit's is not
    by_edit, by_import = _state(edited), _state(imported)
    assert by_edit["former_names"].splitlines() == [
        "大方县同改890101旧名有限公司",
        "大方县同改最早商店",
    ]
    assert by_import["former_names"].splitlines() == [
        "大方县同改890102旧名有限公司",
        "大方县同改最早商店",
    ]
    # The same change (the old names differ only in their number): the same columns.
    for k in ("name", "name_key", "name_core"):
        assert by_import[k] == by_edit[k]
    spaced = " ".join("890101"), " ".join("890102")  # as the search text holds them
    assert by_import["former_names"] == by_edit["former_names"].replace("890101", "890102")
    assert by_import["search_text"] == by_edit["search_text"].replace(*spaced)
    for state in (by_edit, by_import):
        searched = {**state, "address": ADDRESS, "legal_rep": "张三"}
        assert {k: state[k] for k in bulk.DERIVED} == bulk.derived_columns(searched)


def test_a_rollback_gives_back_the_name_and_former_names_it_found(tmp_path: Path) -> None:
    e = _employer(890201)
    before = _state(e)
    done = run(gbk_file(tmp_path, [row(890201, name="大方县回滚新名有限公司", address=ADDRESS)]))
    renamed = _state(e)
    assert renamed["former_names"].splitlines()[0] == "大方县同改890201旧名有限公司"
    batch = ImportBatch.objects.get(pk=done["batch"])
    county = User.objects.get(username="county")
    assert rollback_batch(batch, county)["restored"] == 1
    assert _state(e) == before
    e.refresh_from_db()
    assert e.version == 3  # created, imported, rolled back: each a change
    assert [h.history_type for h in e.history.all()] == ["~", "~", "+"]
    assert e.history.first().history_change_reason.startswith("撤销登记库导入")
    assert Employer.objects.filter(search_text__phrase="回滚新名").count() == 0
