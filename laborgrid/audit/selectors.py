"""Read-only helpers of the audit log for other pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditEvent
from laborgrid.core.scope import get_scope


def home_events(request: HttpRequest) -> dict[str, Any] | None:
    """The auditor's home widget: the latest 15 events (三权分立: only ``audit.read``)."""
    if not get_scope(request.user).has(Cap.AUDIT_READ):
        return None
    return {"recent_events": list(AuditEvent.objects.order_by("-id")[:15])}
