"""The single-object gates for the registry: 404 for missing and out-of-scope alike (rule 2)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write
from laborgrid.employers.models import Employer, Worker
from laborgrid.lib.identifiers import InvalidIdentifier, validate_uscc


def access_employer(user: Any, key: int | str, capability: str = Cap.WORK_READ) -> Employer:
    """The employer with id or USCC ``key`` if ``user`` may see it (403 if they may not change it)."""
    # The grid's boundary (up to hundreds of KB for a county) is never needed with an employer.
    qs = Employer.objects.visible_to(user).select_related("grid").defer("grid__boundary")
    employer: Employer | None = None
    text = str(key).strip()
    if text.isascii() and text.isdigit() and len(text) < 18:
        employer = qs.filter(pk=int(text)).first()
    else:
        try:
            employer = qs.filter(uscc=validate_uscc(text)).first()
        except InvalidIdentifier:
            employer = None
    if employer is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, employer.grid_path)
    return employer


def access_worker(user: Any, employer: Employer, worker_id: int) -> Worker:
    worker = Worker.objects.filter(employer=employer, pk=worker_id).first()
    if worker is None:
        raise Http404
    return worker
