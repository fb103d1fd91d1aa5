"""Payloads of ``/api/v1/imports``."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class Counts(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    review: int
    duplicates: int


class Progress(Schema):
    """The batch's latest job: rows processed so far (``total`` is 0 while unknown)."""

    job: str | None = Field(None, description="job id (its page is /jobs/{id}/ for its owner)")
    status: str | None = Field(None, description="queued, running, succeeded or failed")
    done: int = 0
    total: int = 0
    message: str = ""


class Links(Schema):
    self: str
    page: str
    error_report: str
    commit: str


class ImportOut(Schema):
    id: int
    source: str
    status: str = Field(
        ...,
        description="uploaded, previewing, previewed, committing, committed, failed, "
        "rolling_back or rolled_back",
    )
    status_label: str
    message: str
    file_name: str
    file_size: int
    file_sha256: str
    file_format: str
    encoding: str
    header_row: int | None
    mapping: dict[str, str | None]
    policy: dict[str, str]
    unknown_columns: list[str]
    counts: Counts
    progress: Progress
    created_at: datetime
    committed_at: datetime | None
    rolled_back_at: datetime | None
    already_imported_as: int | None = Field(
        None, description="a committed batch of the same file (importing it again changes nothing)"
    )
    links: Links
