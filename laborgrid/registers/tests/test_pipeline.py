"""Importing register files: dry run, commit, matching, re-import, rollback, review, resume."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.core.jobs import execute_job
from laborgrid.core.models import Job, JobStatus
from laborgrid.employers import indexing, services
from laborgrid.employers.filters import search_employers
from laborgrid.employers.models import Employer, EmployerSource, SearchQueue
from laborgrid.employers.timeline import timeline
from laborgrid.grids.choices import LocateMethod
from laborgrid.registers import pipeline
from laborgrid.registers.models import BatchStatus, ImportBatch, ImportRow, RowOutcome
from laborgrid.registers.services import (
    create_batch,
    decide_row,
    rollback_batch,
)
from laborgrid.registers.tests.files import HEADER, csv_text, with_titles, write
from laborgrid.testing.employers import make_employer, make_uscc
from laborgrid.testing.personas import MAOCHANG, MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db


def row(n: int, *, name: str | None = None, status: str = "存续", address: str = "") -> list[str]:
    return [
        make_uscc(n),
        name or f"大方县鲲鹏{n}号商贸有限公司",
        "张三",
        "有限责任公司（自然人投资或控股）",
        "2015-03-07",
        "500万元人民币",
        status,
        address or "贵州省毕节市大方县猫场镇箐口村",
    ]


def gbk_file(tmp_path: Path, rows: list[list[str]], name: str = "scjg.csv") -> Path:
    return write(tmp_path, name, csv_text(with_titles([HEADER, *rows])).encode("gbk"))


def run(path: Path, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(
        "import_registry",
        str(path),
        "--source",
        "scjg",
        "--user",
        "county",
        "--json",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_a_gbk_export_is_previewed_then_committed(tmp_path: Path) -> None:
    known = make_employer(
        MAOCHANG_VILLAGE, uscc=make_uscc(880001), name="大方县旧名称有限公司", legal_rep="李旧人"
    )
    bad = row(880003)
    bad[0] = "91520521XXXXXXXXX1"
    rows = [row(880001), row(880002), bad, row(880002)]
    path = gbk_file(tmp_path, rows)

    preview = run(path, "--dry-run")
    assert preview["dry_run"] is True
    assert {k: preview[k] for k in ("rows", "created", "updated", "rejected", "duplicates")} == {
        "rows": 4,
        "created": 1,
        "updated": 1,
        "rejected": 1,
        "duplicates": 1,
    }
    assert not Employer.objects.filter(uscc=make_uscc(880002)).exists()  # nothing written
    batch = ImportBatch.objects.get(pk=preview["batch"])
    rejected = ImportRow.objects.get(batch=batch, outcome=RowOutcome.REJECTED)
    assert rejected.row_number == 7  # title, time, blank, header, then data from row 5
    assert rejected.problems[0]["header"] == "统一社会信用代码"
    dup = ImportRow.objects.get(batch=batch, outcome=RowOutcome.DUPLICATE)
    assert dup.duplicate_of == 6

    stored = Path(ImportBatch.objects.get(pk=preview["batch"]).file.path)
    assert stored.is_file()  # kept for the commit
    done = run(path)
    assert (done["created"], done["updated"], done["rejected"]) == (1, 1, 1)
    committed = ImportBatch.objects.get(pk=done["batch"])
    assert not committed.file and committed.file_sha256  # the upload is not kept once committed
    known.refresh_from_db()
    assert known.name == "大方县鲲鹏880001号商贸有限公司"
    assert "大方县旧名称有限公司" in known.former_name_list  # the old name is kept
    assert known.version == 2
    assert known.history.first().history_change_reason.startswith("登记库导入")
    new = Employer.objects.get(uscc=make_uscc(880002))
    assert new.last_collected_on is None  # registered, not yet visited
    county = User.objects.get(username="county")
    # No history row per created employer: the batch and its row are the provenance, and the
    # archive starts with them.
    assert not new.history.exists()
    (first,) = [e for e in timeline(new) if e.kind == "created"]
    assert first.title == f"由第 {committed.pk} 批登记库导入创建（{committed.file_name}，第 6 行）"
    assert first.url == committed.get_absolute_url()
    assert (new.version, new.created_by_id) == (1, county.pk)
    assert new.contact_phone_enc == ""
    assert new.grid.code.startswith(MAOCHANG) and new.grid_method != LocateMethod.UNASSIGNED
    source = EmployerSource.objects.get(employer=new, source="scjg")
    assert source.registered_status == "operating"
    # The character index is deferred: the exact name and the code find the new employer at
    # once; a fragment of its name once the indexer has caught up.
    assert indexing.pending_count(county) == 2  # the new employer and the renamed one
    visible = Employer.objects.visible_to(county)
    assert list(search_employers(visible, new.name)) == [new]
    assert list(search_employers(visible, make_uscc(880002))) == [new]
    assert not search_employers(visible, "鲲鹏880002").exists()
    assert indexing.index_pending() == 2
    assert indexing.pending_count(county) == 0
    assert list(search_employers(visible, "鲲鹏880002")) == [new]
    assert Employer.objects.filter(search_text__phrase="鲲鹏880002").exists()
    # The search index follows the update: the new name and representative are found, the old
    # representative no longer is; the old name is still found, as a former name.
    assert list(Employer.objects.filter(search_text__phrase="鲲鹏880001号")) == [known]
    assert list(Employer.objects.filter(search_text__phrase="旧名称")) == [known]
    assert not Employer.objects.filter(search_text__phrase="李旧人").exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = gbk_file(tmp_path, [row(881001), row(881002)])
    run(path)
    before = {e.pk: (e.version, e.name) for e in Employer.objects.filter(name__contains="鲲鹏881")}
    again = run(path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    after = {e.pk: (e.version, e.name) for e in Employer.objects.filter(name__contains="鲲鹏881")}
    assert after == before


def test_two_rows_giving_one_employer_by_different_codes_import_alike_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two rows of a file give one employer by different codes (here its USCC, and another
    USCC holding its organisation code): the first row is applied and the second is its
    duplicate, on the first import as on the next, so the same file imported again changes
    nothing (the employer does not flip to the second row's values). In one chunk and across
    chunks."""
    for chunk, n in ((pipeline.CHUNK, 883001), (1, 883002)):
        monkeypatch.setattr(pipeline, "CHUNK", chunk)
        known = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc(n), name=f"大方县已有{n}有限公司")
        first = row(n, name=known.name)
        other = row(n, name=f"大方县另一个{n}商行")
        other[0] = make_uscc(n, prefix="92520521")
        other[2] = "李四"
        path = gbk_file(tmp_path, [first, other], name=f"{n}.csv")
        counts = ("updated", "unchanged", "duplicates")
        done = run(path)
        assert tuple(done[k] for k in counts) == (1, 0, 1)
        assert ImportRow.objects.get(batch_id=done["batch"], row_number=6).duplicate_of == 5
        again = run(path)
        assert tuple(again[k] for k in counts) == (0, 1, 1)
        known.refresh_from_db()
        assert (known.legal_rep, known.version) == ("张三", 2)


def test_an_unchanged_listing_is_read_not_compared_and_a_rollback_forgets_it(
    tmp_path: Path,
) -> None:
    """A re-import decides "unchanged" by the listing's fingerprint (issue 22): a person's edit
    since the last import stands (the register has nothing new to say). After a rollback the
    fingerprints are forgotten, so the same file applies again."""
    known = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc(881101), name="大方县指纹旧名有限公司")
    path = gbk_file(tmp_path, [row(881101), row(881102)])
    first = run(path)
    assert (first["created"], first["updated"]) == (1, 1)
    listings = EmployerSource.objects.filter(source="scjg", employer__uscc__startswith="9152")
    assert all(len(s.fingerprint) == 32 for s in listings.filter(employer=known))
    county = User.objects.get(username="county")
    known.refresh_from_db()
    services.update_employer(
        actor=county, employer=known, data={"legal_rep": "王改"}, expected_version=known.version
    )
    again = run(path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    known.refresh_from_db()
    assert known.legal_rep == "王改"  # the person's edit since the import stands

    batch = ImportBatch.objects.get(pk=first["batch"])
    assert rollback_batch(batch, county)["kept"] == 1  # edited since: kept
    assert EmployerSource.objects.get(employer=known, source="scjg").fingerprint == ""
    third = run(path)
    assert third["updated"] == 1  # compared again: the register's representative applies
    known.refresh_from_db()
    assert known.legal_rep == "张三"


def test_a_reimport_reads_unchanged_rows_as_they_stand(tmp_path: Path) -> None:
    """Rows the register lists cell for cell as last time are read, not normalised, matched or
    written (issue 22): the same day nothing is recorded and the batch page says how many rows
    were only counted; on a later day the listings are seen again, and a rollback gives back
    when they were last seen. A row given twice is a duplicate of the first."""
    from datetime import timedelta

    from django.utils import timezone

    path = gbk_file(tmp_path, [row(881301), row(881302)])
    first = run(path)
    assert first["created"] == 2
    again = run(gbk_file(tmp_path, [row(881301), row(881302), row(881301)], "again.csv"))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert again["duplicates"] == 1
    records = ImportRow.objects.filter(batch_id=again["batch"])
    assert list(records.values_list("row_number", "outcome", "duplicate_of")) == [
        (7, RowOutcome.DUPLICATE, 5)
    ]
    client = client_for("county")
    page = client.get(
        reverse("registers:batch_detail", args=[again["batch"]]), {"outcome": "unchanged"}
    )
    assert page.context["unlisted"] == 2
    assert "另有 2 行与上次导入这一登记库时逐格相同" in page.content.decode()

    # A month later the same file: the listings are seen again, one statement per chunk.
    listings = EmployerSource.objects.filter(
        source="scjg", employer__uscc__in=[make_uscc(881301), make_uscc(881302)]
    )
    earlier = timezone.localdate() - timedelta(days=30)
    listings.update(last_seen_on=earlier)
    later = run(path)
    assert (later["unchanged"], later["updated"]) == (2, 0)
    assert {s.last_seen_on for s in listings.all()} == {timezone.localdate()}
    recorded = ImportRow.objects.filter(batch_id=later["batch"]).order_by("row_number")
    assert [(r.name, r.code) for r in recorded] == [
        ("大方县鲲鹏881301号商贸有限公司", make_uscc(881301)),
        ("大方县鲲鹏881302号商贸有限公司", make_uscc(881302)),
    ]
    undone = rollback_batch(
        ImportBatch.objects.get(pk=later["batch"]), User.objects.get(username="county")
    )
    assert undone["restored"] == 2
    assert {s.last_seen_on for s in listings.all()} == {earlier}


def test_a_changed_cell_is_compared_again(tmp_path: Path) -> None:
    """A row whose cells differ from last time goes the whole way: normalised, matched, the
    field policy applied."""
    run(gbk_file(tmp_path, [row(881401), row(881402)]))
    changed = row(881402, status="注销")
    result = run(gbk_file(tmp_path, [row(881401), changed], "changed.csv"))
    assert (result["unchanged"], result["updated"]) == (1, 1)
    source = EmployerSource.objects.get(source="scjg", employer__uscc=make_uscc(881402))
    assert source.registered_status != "operating"


def test_an_imported_employer_is_found_by_character_search_once_indexed(tmp_path: Path) -> None:
    """The list page says how many employers still wait for the character index; meanwhile the
    exact name finds a new employer, a fragment of it once the indexer has caught up (both
    databases: FTS5 / tsvector)."""
    client = client_for("county")
    url = reverse("employers:employer_list")
    run(gbk_file(tmp_path, [row(881201, name="大方县鼋鼍索引测试商贸有限公司")]))
    page = client.get(url, {"q": "大方县鼋鼍索引测试商贸有限公司"})
    assert [r.employer.name for r in page.context["rows"]] == ["大方县鼋鼍索引测试商贸有限公司"]
    assert page.context["index_pending"] == 1
    assert "还有 1 家用人单位正在建立搜索索引" in page.content.decode()
    assert client.get(url, {"q": "鼋鼍索引"}).context["rows"] == []
    # The job an import starts when it commits does what a worker would.
    job = Job.objects.filter(kind=indexing.JOB_KIND).latest("created_at")
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    page = client.get(url, {"q": "鼋鼍索引"})
    assert [r.employer.name for r in page.context["rows"]] == ["大方县鼋鼍索引测试商贸有限公司"]
    assert page.context["index_pending"] == 0
    assert "正在建立搜索索引" not in page.content.decode()
    # A person's single edit is indexed at once.
    employer = Employer.objects.get(uscc=make_uscc(881201))
    services.update_employer(
        actor=User.objects.get(username="county"),
        employer=employer,
        data={"legal_rep": "鼋鼍法人"},
        expected_version=employer.version,
    )
    assert [r.employer.pk for r in client.get(url, {"q": "鼋鼍法人"}).context["rows"]] == [
        employer.pk
    ]


def test_a_committed_batch_is_rolled_back(tmp_path: Path) -> None:
    known = make_employer(MAOCHANG_VILLAGE, uscc=make_uscc(882001), name="大方县回滚前有限公司")
    done = run(gbk_file(tmp_path, [row(882001), row(882002)]))
    batch = ImportBatch.objects.get(pk=done["batch"])
    created = Employer.objects.get(uscc=make_uscc(882002)).pk
    result = rollback_batch(batch, User.objects.get(username="county"))
    assert result == {"removed": 1, "restored": 1, "kept": 0}
    known.refresh_from_db()
    assert known.name == "大方县回滚前有限公司"
    assert not Employer.objects.filter(uscc=make_uscc(882002)).exists()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not EmployerSource.objects.filter(employer=known, source="scjg").exists()
    # The import's bookkeeping has no constraint in the database: the removed employer's row
    # and its place in the indexer's queue go with it all the same.
    assert set(ImportRow.objects.filter(batch=batch).values_list("employer_id", flat=True)) == {
        known.pk,
        None,
    }
    assert not SearchQueue.objects.filter(employer_id=created).exists()


def test_the_indexer_drops_a_queued_employer_that_is_gone(tmp_path: Path) -> None:
    """The queue has no constraint in the database: an entry whose employer was removed behind
    the application's back is dropped, and the pages stop counting it."""
    run(gbk_file(tmp_path, [row(882101), row(882102)]))
    gone = Employer.objects.get(uscc=make_uscc(882101))
    EmployerSource.objects.filter(employer=gone).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM employers_employer WHERE id = %s", [gone.pk])
    assert indexing.pending_count(User.objects.get(username="county")) == 2
    assert indexing.index_pending() == 2
    assert not indexing.any_pending()
    assert Employer.objects.get(uscc=make_uscc(882102)).search_text


def test_a_probable_match_waits_for_a_person(tmp_path: Path) -> None:
    found = make_employer(MAOCHANG_VILLAGE, name="大方县鲲鹏待定饭店", address="猫场镇老街1号")
    done = run(
        gbk_file(tmp_path, [row(883001, name="大方县鲲鹏待定饭店", address="猫场镇新街9号")])
    )
    assert done["review"] == 1 and done["created"] == 0
    item = ImportRow.objects.get(batch_id=done["batch"], outcome=RowOutcome.REVIEW)
    assert item.candidates == [{"id": found.pk, "method": "name"}]
    decide_row(item, User.objects.get(username="county"), decision="same", employer_id=found.pk)
    found.refresh_from_db()
    assert found.uscc == make_uscc(883001)  # filled from the register
    assert found.address == "猫场镇老街1号"  # kept: addresses are only filled when blank
    assert ImportBatch.objects.get(pk=done["batch"]).review == 0


def test_a_similar_name_at_a_similar_address_waits_for_a_person(tmp_path: Path) -> None:
    """The same name core (county prefix and trade suffix aside): probable, never automatic;
    at a clearly different address, or with another code of the same kind, a new employer."""
    found = make_employer(MAOCHANG_VILLAGE, name="猫场镇鲲鹏相近商店", address="猫场镇老街1号")
    make_employer(
        MAOCHANG_VILLAGE, uscc=make_uscc(887009), name="猫场镇鲲鹏另码商店", address="老街2号"
    )
    done = run(
        gbk_file(
            tmp_path,
            [
                row(887001, name="大方县猫场镇鲲鹏相近商行", address="大方县猫场镇老街1号"),
                row(887002, name="猫场镇鲲鹏相近有限公司", address="六龙镇新区99号"),
                row(887003, name="大方县猫场镇鲲鹏另码商行", address="老街2号"),
            ],
        )
    )
    assert (done["review"], done["created"]) == (1, 2)
    item = ImportRow.objects.get(batch_id=done["batch"], outcome=RowOutcome.REVIEW)
    assert (item.row_number, item.match_method) == (5, "similar")  # after the title rows
    assert item.candidates == [{"id": found.pk, "method": "similar"}]
    assert Employer.objects.get(uscc=make_uscc(887003)).name_core == "猫场镇鲲鹏另码"


def test_an_unplaceable_employer_waits_in_the_county_queue(tmp_path: Path) -> None:
    done = run(gbk_file(tmp_path, [row(884001, address="某地某路1号")]))
    e = Employer.objects.get(uscc=make_uscc(884001))
    assert e.grid_method == LocateMethod.UNASSIGNED and e.grid.level == "county"
    assert done["created"] == 1


def test_a_stopped_commit_resumes_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    path = gbk_file(tmp_path, [row(885000 + i) for i in range(5)])
    calls = {"n": 0}
    original = pipeline.Runner._apply

    def crash_on_second_chunk(self: Any, rows: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the worker is killed while writing the second chunk
        original(self, rows, **kwargs)

    monkeypatch.setattr(pipeline.Runner, "_apply", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        run(path)
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == BatchStatus.COMMITTING and batch.checkpoint == 6  # rows 5–6 applied
    assert Employer.objects.filter(name__contains="鲲鹏88500").count() == 2  # never half a chunk
    monkeypatch.setattr(pipeline.Runner, "_apply", original)
    out = io.StringIO()
    call_command(
        "import_registry",
        "--resume",
        str(batch.pk),
        "--user",
        "county",
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["rows"], result["created"]) == (5, 5)
    assert Employer.objects.filter(name__contains="鲲鹏88500").count() == 5


def test_bad_files_and_arguments_are_refused_clearly(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.csv", b"")
    with pytest.raises(CommandError, match="空"):
        run(empty)
    garbage = write(tmp_path, "x.csv", "名称说明\n这不是登记表\n".encode())
    with pytest.raises(CommandError):
        run(garbage)
    with pytest.raises(CommandError, match="--user"):
        call_command("import_registry", str(garbage), "--source", "scjg", "--user", "")
    assert not Employer.objects.filter(name__contains="这不是").exists()


def test_a_township_user_cannot_import() -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_batch(
            actor=User.objects.get(username="maochang"),
            source="scjg",
            file=io.BytesIO(b"x"),
            file_name="a.csv",
        )


def test_matching_never_crosses_codes_of_the_same_kind(tmp_path: Path) -> None:
    other = make_employer(MAOCHANG, uscc=make_uscc(886001), name="大方县鲲鹏同名有限公司")
    done = run(gbk_file(tmp_path, [row(886002, name="大方县鲲鹏同名有限公司")]))
    assert done["created"] == 1 and done["review"] == 0
    other.refresh_from_db()
    assert other.uscc == make_uscc(886001)


def test_an_unexpected_error_leaves_the_batch_able_to_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = gbk_file(tmp_path, [row(887001)])
    with path.open("rb") as fh:
        batch = create_batch(
            actor=User.objects.get(username="county"), source="scjg", file=fh, file_name="a.csv"
        )

    def broken(self: Any, rows: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline.Runner, "_plan", broken)
    with pytest.raises(RuntimeError):
        pipeline.run_batch(batch, commit=False, actor=User.objects.get(username="county"))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "RuntimeError" in batch.message
    monkeypatch.undo()
    counts = pipeline.run_batch(batch, commit=False, actor=User.objects.get(username="county"))
    assert counts.created == 1 and batch.status == BatchStatus.PREVIEWED


def _county() -> User:
    return User.objects.get(username="county")


def test_one_run_at_a_time(tmp_path: Path) -> None:
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from laborgrid.registers.services import start_commit

    path = gbk_file(tmp_path, [row(888001)])
    with path.open("rb") as fh:
        batch = create_batch(actor=_county(), source="scjg", file=fh, file_name="a.csv")
    pipeline.run_batch(batch, commit=False, actor=_county())
    # Another run is in progress (fresh heartbeat): neither the page nor the command may start.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.COMMITTING, heartbeat_at=timezone.now()
    )
    batch.refresh_from_db()
    with pytest.raises(ValidationError):
        start_commit(batch, _county())
    with pytest.raises(pipeline.BatchError, match="另一个进程"):
        pipeline.run_batch(batch, commit=True, actor=_county())
    # Silent for longer than STALL_AFTER: the run died; the commit resumes.
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    batch.refresh_from_db()
    assert batch.stalled
    counts = pipeline.run_batch(batch, commit=True, actor=_county())
    assert counts.created == 1 and batch.status == BatchStatus.COMMITTED
    assert batch.heartbeat_at is None


def test_a_dry_run_whose_worker_died_can_be_started_again(tmp_path: Path) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from laborgrid.core.models import JobStatus
    from laborgrid.registers.services import start_preview
    from laborgrid.testing.personas import client_for

    path = gbk_file(tmp_path, [row(889001)])
    with path.open("rb") as fh:
        batch = create_batch(actor=_county(), source="scjg", file=fh, file_name="a.csv")
    dead = start_preview(batch, _county())
    from laborgrid.core.models import Job

    Job.objects.filter(pk=dead.pk).update(status=JobStatus.RUNNING)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.PREVIEWING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    page = client_for("county").get(batch.get_absolute_url()).content.decode()
    assert "后台处理已中断" in page and "重新试运行" in page
    batch.refresh_from_db()
    again = start_preview(batch, _county())
    assert again.pk != dead.pk
    assert Job.objects.get(pk=dead.pk).status == JobStatus.FAILED


def test_a_listing_follows_the_register_on_the_next_import(tmp_path: Path) -> None:
    """The employer's listing in the register is updated by a later file (its status there),
    and so is the employer (its status, never visited), each with a version more."""
    run(gbk_file(tmp_path, [row(889001), row(889002)], name="first.csv"))
    later = [row(889001, status="注销"), row(889002)]
    done = run(gbk_file(tmp_path, later, name="second.csv"))
    assert (done["updated"], done["unchanged"]) == (1, 1)
    gone = Employer.objects.get(uscc=make_uscc(889001))
    listing = EmployerSource.objects.get(employer=gone, source="scjg")
    assert (listing.registered_status, gone.status, gone.version) == ("deregistered",) * 2 + (2,)
    kept = EmployerSource.objects.get(employer__uscc=make_uscc(889002), source="scjg")
    assert kept.registered_status == "operating"


def test_former_names_of_a_new_employer_are_kept_one_per_line(tmp_path: Path) -> None:
    header = [*HEADER, "曾用名"]
    line = [*row(889101), "大方县甲商店；大方县乙商行"]
    path = write(tmp_path, "former.csv", csv_text(with_titles([header, line])).encode("gbk"))
    assert run(path)["created"] == 1
    new = Employer.objects.get(uscc=make_uscc(889101))
    assert new.former_name_list == ["大方县甲商店", "大方县乙商行"]


def test_updates_of_different_fields_in_one_chunk_each_keep_the_employer_findable(
    tmp_path: Path,
) -> None:
    """One file changes one employer's status only and renames another: both are found by
    search and matched by name afterwards, each with the history of its own change."""
    run(gbk_file(tmp_path, [row(889201), row(889202)], name="first.csv"))
    later = [row(889201, status="注销"), row(889202, name="大方县鲲鹏新名字商贸有限公司")]
    done = run(gbk_file(tmp_path, later, name="second.csv"))
    assert done["updated"] == 2
    closed = Employer.objects.get(uscc=make_uscc(889201))
    renamed = Employer.objects.get(uscc=make_uscc(889202))
    assert (closed.status, closed.name, closed.version) == (
        "deregistered",
        "大方县鲲鹏889201号商贸有限公司",
        2,
    )
    indexing.index_pending()  # the character index of an import is deferred
    assert list(Employer.objects.filter(search_text__phrase="鲲鹏889201号")) == [closed]
    assert list(Employer.objects.filter(search_text__phrase="鲲鹏新名字")) == [renamed]
    assert list(Employer.objects.filter(search_text__phrase="鲲鹏889202号")) == [renamed]
    assert renamed.former_name_list == ["大方县鲲鹏889202号商贸有限公司"]
    change = closed.history.first()
    assert (change.status, change.name) == ("deregistered", closed.name)
    # A row without codes (an individual business may have none) is matched to each by its
    # unchanged, or new, name and address.
    by_name = [[line[1], line[2], "个体工商户", *line[4:]] for line in later]
    again = run(
        write(
            tmp_path,
            "names.csv",
            csv_text(with_titles([HEADER[1:], *by_name])).encode("gbk"),
        )
    )
    assert (again["created"], again["review"]) == (0, 0)
    matched = ImportRow.objects.filter(batch_id=again["batch"]).order_by("row_number")
    assert [r.employer_id for r in matched] == [closed.pk, renamed.pk]


def test_a_bad_gbk_row_and_an_oversized_cell_reject_their_rows_only(tmp_path: Path) -> None:
    """Issue 21 item 10: a GBK file with one undecodable row in its first 64 KB was refused whole
    (无法识别文件的文字编码), and a cell over the csv module's limit stopped the import with Python's
    "field larger than field limit". Now each rejects its own row, in Chinese, and the rest import."""
    good = [row(881000 + i) for i in range(8)]
    lines = csv_text(with_titles([HEADER, *good[:3]])).encode("gbk")
    bad_bytes = (
        csv_text([row(881100, name="大方县坏字节商行")])
        .encode("gbk")
        .replace("坏".encode("gbk"), b"\xff\xfe")
    )
    huge = csv_text([row(881200, address="猫" * 140_000)]).encode("gbk")
    rest = csv_text(good[3:]).encode("gbk")
    path = write(tmp_path, "scjg.csv", lines + bad_bytes + huge + rest)

    result = run(path, "--dry-run")
    assert {k: result[k] for k in ("rows", "created", "rejected")} == {
        "rows": 10,
        "created": 8,
        "rejected": 2,
    }
    batch = ImportBatch.objects.get()
    assert batch.encoding == "gb18030"
    rejected = ImportRow.objects.filter(batch=batch, outcome=RowOutcome.REJECTED).order_by(
        "row_number"
    )
    messages = [str(r.problems) for r in rejected]
    assert [r.row_number for r in rejected] == [8, 9]
    assert "field larger" not in " ".join(messages)
    assert "超过 128 KB" in messages[1] and "第 9 行" in messages[1]
