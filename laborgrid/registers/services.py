"""Register import batches: upload, dry run, commit, roll back, review — every write goes here.

Who: importing a register is county-level work (the registers are the county departments'), so
every operation needs ``work.write`` on the batch's county grid. The file is kept with the batch
(``MEDIA_ROOT/imports``) so the commit reads exactly what was previewed; its SHA-256 is recorded,
and a batch of a file already committed for the same source and county says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record as audit
from laborgrid.core.jobs import Progress, job_runner, start_job
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.retention import record_purge, scrub
from laborgrid.core.scope import check_write, get_scope
from laborgrid.employers import bulk
from laborgrid.employers.models import Employer, EmployerSource, LabourSnapshot, Worker
from laborgrid.employers.services import county_of
from laborgrid.grids.models import Grid, GridLevel
from laborgrid.registers.audit_actions import RegisterAction
from laborgrid.registers.models import (
    IMPORT_SOURCES,
    BatchStatus,
    FieldPolicy,
    ImportBatch,
    ImportPreset,
    ImportRow,
    ReviewDecision,
    RowOutcome,
)
from laborgrid.registers.pipeline import (
    FILE_GONE,
    UPLOAD_GONE,
    BatchError,
    Runner,
    file_digest,
    from_json,
    run_batch,
)

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: The largest register file accepted (a million-row CSV is ~300 MB).
MAX_FILE_BYTES = 1024 * 1024 * 1024


def import_root(actor: User) -> Grid:
    """The county an actor imports into: the county-level grid of their widest write scope."""
    paths = sorted(get_scope(actor).paths(Cap.WORK_WRITE), key=len)
    for path in paths:
        grid = Grid.objects.filter(path=path).first()
        if grid is None:
            continue
        county = county_of(grid)
        if county.level == GridLevel.COUNTY and get_scope(actor).allows(
            Cap.WORK_WRITE, county.path
        ):
            return county
    raise PermissionDenied(_("导入登记库需要县级用人单位管理权限。"))


def create_batch(
    *,
    actor: User,
    source: str,
    file: IO[bytes] | File,
    file_name: str,
    mapping: dict[str, str | None] | None = None,
    policy: dict[str, str] | None = None,
) -> ImportBatch:
    """Record an uploaded register file as a new batch (nothing is read or imported yet)."""
    if source not in IMPORT_SOURCES:
        raise ValidationError({"source": _("请选择登记来源。")})
    county = import_root(actor)
    check_write(actor, Cap.WORK_WRITE, county.path)
    bad_policy = [k for k, v in (policy or {}).items() if v not in FieldPolicy.values]
    if bad_policy:
        raise ValidationError({"policy": _("字段更新规则无效。")})
    batch = ImportBatch(
        source=source,
        grid=county,
        grid_path=county.path,
        file_name=Path(file_name).name[:255] or "register",
        file_sha256="",
        file_size=0,
        mapping=mapping or {},
        policy=policy or {},
        created_by=actor,
    )
    django_file = file if isinstance(file, File) else File(file)
    size = django_file.size or 0
    if size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("文件超过 1 GB，请分成几个文件导入。")})
    if size == 0:
        raise ValidationError({"file": _("文件是空的。")})
    with transaction.atomic():
        batch.file.save(batch.file_name, django_file, save=False)
        batch.file_sha256, batch.file_size = file_digest(batch.file.path)
        batch.save()
        audit(
            RegisterAction.REGISTER_UPLOADED,
            actor=actor,
            obj=batch,
            detail={"source": source, "file": batch.file_name, "sha256": batch.file_sha256},
        )
    return batch


def previous_import(batch: ImportBatch) -> ImportBatch | None:
    """A committed batch of the same file, source and county (importing it again changes nothing)."""
    return (
        ImportBatch.objects.filter(
            file_sha256=batch.file_sha256,
            source=batch.source,
            grid=batch.grid,
            status=BatchStatus.COMMITTED,
        )
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )


def run_stalled(batch: ImportBatch) -> bool:
    """The batch's run stopped: its heartbeat went silent, or the worker running its job is gone
    (known at once, without waiting for the heartbeat to go stale)."""
    job = batch.job
    return batch.stalled or (
        job is not None
        and job.status == JobStatus.RUNNING
        and job.pk == batch.job_id
        and job.stalled
    )


def purge_stale_uploads(*, now: datetime | None = None) -> int:
    """剩余信息保护 (SECURITY.md, ``core.retention``): an uploaded register file (names, addresses,
    phone numbers) not imported within ``LABORGRID_UPLOAD_RETENTION_DAYS`` of its upload is
    deleted; its batch fails with a message saying so (the batch, its dry run's rows and the
    file's name, size and SHA-256 stay). A commit that stopped keeps its file (it resumes from
    it), as does a batch being run or waiting for the worker. Answers how many were deleted."""
    days = settings.LABORGRID_UPLOAD_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    waiting = (BatchStatus.UPLOADED, BatchStatus.PREVIEWED, BatchStatus.FAILED)
    stale = (
        ImportBatch.objects.filter(status__in=waiting, created_at__lt=cutoff, heartbeat_at=None)
        .exclude(file="")
        .exclude(job__status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
    )
    message = UPLOAD_GONE % {"days": days}
    count = 0
    for batch in list(stale.only("pk", "file", "file_name")):
        with transaction.atomic():
            # Not while a run holds it (a run claims the batch by its heartbeat).
            cleared = ImportBatch.objects.filter(
                pk=batch.pk, file=batch.file.name, status__in=waiting, heartbeat_at=None
            ).update(file="", status=BatchStatus.FAILED, message=message)
            if not cleared:
                continue
            record_purge(batch, kind="register_upload", file_name=batch.file_name, days=days)
        scrub(batch.file)
        count += 1
    return count


def _start(batch: ImportBatch, actor: User, *, commit: bool) -> Job:
    check_write(actor, Cap.WORK_WRITE, batch.grid_path)
    if not batch.file:
        raise ValidationError(str(FILE_GONE))
    dead = run_stalled(batch)
    if (batch.is_active and not dead) or (
        batch.job is not None and batch.job.status == JobStatus.QUEUED
    ):
        raise ValidationError(_("该批次正在处理，请等它结束。"))
    if batch.job is not None and batch.job.status == JobStatus.RUNNING:
        # Its run went silent or its worker is gone: the worker running it was killed.
        ended = Job.objects.filter(pk=batch.job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=_("后台进程已停止响应，已重新开始。"),
        )
        if not ended:  # a starting worker took it over a moment ago
            raise ValidationError(_("该批次正在处理，请等它结束。"))
        # The dead run no longer holds the batch.
        ImportBatch.objects.filter(pk=batch.pk, job=batch.job).update(heartbeat_at=None)
    title = (_("导入登记库：%(f)s") if commit else _("试运行登记库导入：%(f)s")) % {
        "f": batch.file_name
    }
    with transaction.atomic():
        job = start_job(
            kind="registers.run",
            title=title,
            actor=actor,
            params={"batch": batch.pk, "commit": commit},
        )
        ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    return job


def start_preview(batch: ImportBatch, actor: User) -> Job:
    restartable = batch.status == BatchStatus.PREVIEWING and run_stalled(batch)
    if not restartable and batch.status not in (
        BatchStatus.UPLOADED,
        BatchStatus.PREVIEWED,
        BatchStatus.FAILED,
    ):
        raise ValidationError(_("该批次已导入或正在处理，不能再试运行。"))
    return _start(batch, actor, commit=False)


def start_commit(batch: ImportBatch, actor: User) -> Job:
    """Commit a previewed batch (or resume a commit that stopped)."""
    if batch.status not in (BatchStatus.PREVIEWED, BatchStatus.COMMITTING):
        raise ValidationError(_("请先试运行并查看结果，再确认导入。"))
    job = _start(batch, actor, commit=True)
    audit(RegisterAction.REGISTER_COMMITTED, actor=actor, obj=batch, detail={"job": str(job.pk)})
    return job


@job_runner("registers.run", resumable=True)
def _run_job(job: Job, progress: Progress) -> None:
    batch = ImportBatch.objects.select_related("grid").get(pk=job.params["batch"])
    progress.set_total(0)

    def report(done: int, total: int) -> None:
        if total and total != progress.job.total:
            progress.set_total(total)
        progress.advance(
            done - progress.job.done, message=_("已处理 %(n)s 行") % {"n": f"{done:,}"}
        )

    try:
        counts = run_batch(
            batch,
            commit=bool(job.params["commit"]),
            actor=job.actor,
            progress=report,
            # Started again after its worker died: this job's own earlier run holds the batch.
            takeover=job if job.attempts > 1 else None,
        )
    except BatchError as exc:
        progress.log(str(exc))
        progress.job.message = str(exc)[:500]
        return
    progress.job.message = summary(counts.as_dict())


def summary(counts: dict[str, int]) -> str:
    return _(
        "共 %(rows)s 行：新增 %(created)s，更新 %(updated)s，无变化 %(unchanged)s，"
        "拒收 %(rejected)s，待人工确认 %(review)s，文件内重复 %(duplicates)s"
    ) % {k: f"{v:,}" for k, v in counts.items()}


# --- rollback ------------------------------------------------------------------------------------


def rollback_batch(batch: ImportBatch, actor: User) -> dict[str, int]:
    """Undo a committed batch: employers it created go (unless people have since worked on them),
    fields it updated get their earlier values back (unless changed again since), and its register
    listings are removed or restored. Returns what was undone and what was kept."""
    check_write(actor, Cap.WORK_WRITE, batch.grid_path)
    result = {"removed": 0, "restored": 0, "kept": 0}
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.COMMITTED:
            raise ValidationError(_("只有已导入的批次可以撤销。"))
        rows = list(
            ImportRow.objects.filter(batch=locked)
            .filter(
                Q(outcome__in=(RowOutcome.CREATED, RowOutcome.UPDATED))
                # A listing seen again: when it was last seen before goes back.
                | Q(outcome=RowOutcome.UNCHANGED, changes__has_key="_source")
            )
            .exclude(employer=None)
            .order_by("-row_number")
        )
        reviewed = ImportRow.objects.filter(batch=locked, outcome=RowOutcome.REVIEW).exclude(
            employer=None
        )
        rows += list(reviewed)
        employers = {
            e.pk: e
            for e in Employer.objects.select_for_update().filter(
                pk__in=[r.employer_id for r in rows]
            )
        }
        sources = {
            s.employer_id: s
            for s in EmployerSource.objects.filter(
                employer_id__in=list(employers), source=locked.source
            )
        }
        #: employer id → the values to give back (the earliest row's, where several rows of
        #: the batch changed one employer: rows go newest first).
        restore: dict[int, dict[str, Any]] = {}
        now = timezone.now()
        for row in rows:
            employer = employers.get(row.employer_id or 0)
            if employer is None:
                continue
            created = row.outcome == RowOutcome.CREATED or row.decision == ReviewDecision.DIFFERENT
            if created:
                if _untouched(employer, locked):
                    source = sources.pop(employer.pk, None)
                    if source is not None:
                        source.delete()
                    row.employer = None
                    employer.delete()
                    result["removed"] += 1
                else:
                    result["kept"] += 1
                continue
            version = row.changes.get("_version")
            if version and employer.version != version[1]:
                result["kept"] += 1  # changed again since: a person's later edit wins
                continue
            if version:
                restore.setdefault(employer.pk, {}).update(
                    (name, from_json(name, pair[0]))
                    for name, pair in row.changes.items()
                    if not name.startswith("_") and name != "contact_phone"
                )
            source_change = row.changes.get("_source")
            source = sources.get(employer.pk)
            if source_change and source is not None:
                if source_change[0] is None:
                    source.delete()
                else:
                    source.reference, source.registered_status, seen = source_change[0]
                    source.last_seen_on = seen
                    source.save(update_fields=["reference", "registered_status", "last_seen_on"])
            result["restored"] += 1
        # What the register said is no longer what the employers hold: the next import of any
        # file compares its rows again instead of trusting the listings' fingerprints.
        EmployerSource.objects.filter(employer_id__in=list(employers), source=locked.source).update(
            fingerprint=""
        )
        if restore:
            # The registry's write path: derived columns, version and history as for any
            # change; the former names as the import found them (recorded with a rename).
            current = bulk.locked(restore)
            bulk.EmployerWrites(
                actor=actor, reason=_("撤销登记库导入（批次 %(id)s）") % {"id": locked.pk}
            ).update(
                [(current[pk], values) for pk, values in restore.items()], now=now, restore=True
            )
        ImportBatch.objects.filter(pk=locked.pk).update(
            status=BatchStatus.ROLLED_BACK, rolled_back_by=actor, rolled_back_at=now
        )
        audit(RegisterAction.REGISTER_ROLLED_BACK, actor=actor, obj=locked, detail=result)
    batch.refresh_from_db()
    return result


def _untouched(employer: Employer, batch: ImportBatch) -> bool:
    """Nobody has worked on an employer the batch created: no edit, snapshot, worker, other source."""
    if employer.version != 1 or employer.merged_into_id is not None:
        return False
    if LabourSnapshot.objects.filter(employer=employer).exists():
        return False
    if Worker.objects.filter(employer=employer).exists():
        return False
    if Employer.objects.filter(merged_into=employer).exists():
        return False
    return (
        not EmployerSource.objects.filter(employer=employer)
        .filter(~Q(source=batch.source))
        .exists()
    )


# --- review queue ----------------------------------------------------------------------------------


def decide_row(
    row: ImportRow, actor: User, *, decision: str, employer_id: int | None = None
) -> ImportRow:
    """A person's decision on a probable match: the same employer (update it per the batch's
    policy) or a different one (register it as new)."""
    batch = row.batch
    check_write(actor, Cap.WORK_WRITE, batch.grid_path)
    if decision not in (ReviewDecision.SAME, ReviewDecision.DIFFERENT):
        raise ValidationError({"decision": _("请选择“是同一单位”或“不是同一单位”。")})
    with transaction.atomic():
        row = ImportRow.objects.select_for_update().select_related("batch__grid").get(pk=row.pk)
        batch = row.batch
        if batch.status != BatchStatus.COMMITTED:
            raise ValidationError(_("批次导入后才能确认待定的行。"))
        if row.outcome != RowOutcome.REVIEW or row.decision:
            raise ValidationError(_("这一行已经确认过了。"))
        runner = Runner(batch, commit=True, actor=actor, deferred_search=False)
        if decision == ReviewDecision.SAME:
            allowed = {c["id"] for c in row.candidates}
            if employer_id is None or employer_id not in allowed:
                raise ValidationError({"employer": _("请从候选单位中选择一个。")})
            target = Employer.objects.select_for_update().get(pk=employer_id)
            runner.apply_decision(row, target)
        else:
            runner.apply_decision(row, None)
        row.decision = decision
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.save(
            update_fields=["decision", "decided_by", "decided_at", "employer", "changes", "data"]
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            review=ImportRow.objects.filter(
                batch=batch, outcome=RowOutcome.REVIEW, decision=""
            ).count()
        )
        audit(
            RegisterAction.REGISTER_ROW_DECIDED,
            actor=actor,
            obj=batch,
            detail={"row": row.row_number, "decision": decision, "employer": row.employer_id},
        )
    return row


# --- the plan a person sets before the dry run -----------------------------------------------------


def set_plan(
    batch: ImportBatch,
    actor: User,
    *,
    mapping: dict[str, str | None],
    policy: dict[str, str],
) -> ImportBatch:
    """The column mapping and field policy a person chose on the mapping page (before a dry run:
    a previewed batch that is mapped again must be previewed again)."""
    check_write(actor, Cap.WORK_WRITE, batch.grid_path)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.PREVIEWED, BatchStatus.FAILED):
        raise ValidationError(_("该批次已导入或正在处理，不能再修改列对应。"))
    if any(v not in FieldPolicy.values for v in policy.values()):
        raise ValidationError({"policy": _("字段更新规则无效。")})
    ImportBatch.objects.filter(pk=batch.pk).update(
        mapping=mapping,
        policy=policy,
        unknown_columns=[h for h, f in mapping.items() if f is None],
        status=BatchStatus.UPLOADED,
    )
    batch.refresh_from_db()
    return batch


def save_preset(
    *, actor: User, source: str, name: str, mapping: dict[str, str | None]
) -> ImportPreset:
    """Save a person's column mapping as a named preset of a source (the same name replaces it)."""
    import_root(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"preset_name": _("请填写模板名称。")})
    if source not in IMPORT_SOURCES:
        raise ValidationError({"source": _("请选择登记来源。")})
    preset, _created = ImportPreset.objects.update_or_create(
        source=source, name=name[:100], defaults={"mapping": mapping, "created_by": actor}
    )
    return preset
