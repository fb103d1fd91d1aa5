"""``/api/v1/imports``: upload a register file, watch its dry run, commit it.

The same gates and services as the pages: uploading needs the county-level ``work.write`` that
``services.import_root`` checks (403 otherwise); a batch is reached only through
``permissions.access_batch`` (404 for missing and out of scope alike — no township sees a county
batch; 403 for a visible batch the user may not change). Errors are JSON:

* 403 — the user may not import, or may not change this batch (a read-only leader);
* 404 ``{"detail": "未找到"}`` — missing or out of scope;
* 409 — the batch is not in a state for this (commit before a dry run, say);
* 422 ``{"detail": ..., "errors": {field: [messages]}}`` — invalid upload, mapping or policy,
  each message naming its field (``file``, ``source``, ``mapping``, ``policy``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from laborgrid.accounts.roles import Cap
from laborgrid.core.text import clauses, labelled
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.schemas import ErrorsOut, Message
from laborgrid.registers import services
from laborgrid.registers.models import IMPORT_SOURCES, FieldPolicy, ImportBatch
from laborgrid.registers.permissions import access_batch
from laborgrid.registers.pipeline import DEFAULT_POLICY
from laborgrid.registers.presets import PRESETS, check_mapping
from laborgrid.registers.reading import RegisterFileError, open_register
from laborgrid.registers.schemas import ImportOut

router = Router(tags=["imports"])

#: Ids beyond this are not ours (and would overflow the database's integer).
MAX_ID = 2**62


def _batch(user: Any, batch_id: int, capability: str = Cap.WORK_READ) -> ImportBatch:
    if not 0 < batch_id < MAX_ID:
        raise Http404
    return access_batch(user, batch_id, capability)


def _out(batch: ImportBatch) -> dict[str, Any]:
    job = batch.job
    previous = services.previous_import(batch)
    return {
        "id": batch.pk,
        "source": batch.source,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "message": batch.message,
        "file_name": batch.file_name,
        "file_size": batch.file_size,
        "file_sha256": batch.file_sha256,
        "file_format": batch.file_format,
        "encoding": batch.encoding,
        "header_row": batch.header_row,
        "mapping": batch.mapping or {},
        "policy": batch.policy or {},
        "unknown_columns": batch.unknown_columns or [],
        "counts": batch.counts,
        "progress": {
            "job": str(job.pk) if job else None,
            "status": job.status if job else None,
            "done": job.done if job else 0,
            "total": job.total if job else 0,
            "message": job.message if job else "",
        },
        "created_at": batch.created_at,
        "committed_at": batch.committed_at,
        "rolled_back_at": batch.rolled_back_at,
        "already_imported_as": previous.pk if previous else None,
        "links": {
            "self": f"/api/v1/imports/{batch.pk}",
            "page": reverse("registers:batch_detail", args=[batch.pk]),
            "error_report": reverse("registers:batch_errors", args=[batch.pk]),
            "commit": f"/api/v1/imports/{batch.pk}/commit",
        },
    }


def _invalid(errors: dict[str, list[str]]) -> Status[dict[str, Any]]:
    detail = clauses(
        m if field == NON_FIELD_ERRORS else labelled(field, m)
        for field, messages in errors.items()
        for m in messages
    )
    return Status(422, {"detail": detail, "errors": errors})


def _json_object(text: str, field: str, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        errors.setdefault(field, []).append(_("应为 JSON 对象。"))
        return None
    return value


@router.post(
    "",
    response={201: ImportOut, 403: Message, 404: Message, 413: Message, 422: ErrorsOut},
    summary="Upload a register file (and start its dry run)",
)
def create_import(
    request: AuthedRequest,
    file: File[UploadedFile],
    source: Form[str],
    mapping: Form[str] = "",
    policy: Form[str] = "",
    dry_run: Form[bool] = True,
) -> Status[dict[str, Any]]:
    """``mapping``: JSON ``{header: field or null}`` (default: the source's preset recognises
    the headers); ``policy``: JSON ``{field: "overwrite" | "fill" | "keep"}``. With
    ``dry_run`` (the default) the dry run starts at once; without, the batch waits (its mapping can
    be checked on its page). Commit with ``POST /api/v1/imports/{id}/commit`` after the dry run."""
    services.import_root(request.user)  # 403 for whoever cannot import
    errors: dict[str, list[str]] = {}
    if source not in IMPORT_SOURCES:
        errors["source"] = [_("请选择登记来源：%(s)s。") % {"s": ", ".join(IMPORT_SOURCES)}]
    plan = _json_object(mapping, "mapping", errors)
    if plan is not None and not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in plan.items()
    ):
        errors.setdefault("mapping", []).append(_("每一列应对应一个字段名或 null。"))
        plan = None
    rules = _json_object(policy, "policy", errors)
    if rules is not None:
        bad = [
            k for k, v in rules.items() if k not in DEFAULT_POLICY or v not in FieldPolicy.values
        ]
        if bad:
            errors.setdefault("policy", []).append(
                _("这些字段的更新规则无效：%(f)s") % {"f": ", ".join(map(str, bad))}
            )
    if not file.size:
        errors.setdefault("file", []).append(_("文件是空的。"))
    elif file.size > services.MAX_FILE_BYTES:
        return Status(413, {"detail": _("文件超过 1 GB，请分成几个文件导入。")})
    if errors:
        return _invalid(errors)
    try:
        with open_register(file, preset=PRESETS[source], stream=True) as register:
            headers = list(register.headers)
    except RegisterFileError as exc:
        return _invalid({"file": [exc.message]})
    finally:
        file.seek(0)
    if plan is not None:
        problems = check_mapping(headers, plan)
        if problems:
            return _invalid({"mapping": problems})
    try:
        batch = services.create_batch(
            actor=request.user,
            source=source,
            file=file,
            file_name=file.name or "register",
            mapping=plan,
            policy=rules,
        )
        if dry_run:
            services.start_preview(batch, request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return _invalid({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        return _invalid({NON_FIELD_ERRORS: [str(m) for m in exc.messages]})
    batch = _batch(request.user, batch.pk)
    return Status(201, _out(batch))


@router.get("/{batch_id}", response={200: ImportOut, 404: Message})
def get_import(request: AuthedRequest, batch_id: int) -> dict[str, Any]:
    """A batch: status, progress of its job, counts, unknown columns, links."""
    return _out(_batch(request.user, batch_id))


@router.post(
    "/{batch_id}/commit",
    response={202: ImportOut, 403: Message, 404: Message, 409: Message},
)
def commit_import(request: AuthedRequest, batch_id: int) -> Status[dict[str, Any]]:
    """Commit a batch after its dry run (or resume a commit that stopped)."""
    batch = _batch(request.user, batch_id, Cap.WORK_WRITE)
    try:
        services.start_commit(batch, request.user)
    except ValidationError as exc:
        return Status(409, {"detail": clauses(str(m) for m in exc.messages)})
    return Status(202, _out(_batch(request.user, batch_id)))
