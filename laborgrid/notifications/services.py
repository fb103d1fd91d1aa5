"""Sending and reading in-app notifications (one write path each, ARCHITECTURE rule 1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from laborgrid.notifications.models import Notification


def notify(users: Iterable[Any], *, title: str, body: str = "", url: str = "") -> int:
    """One notification per distinct active user; returns how many were written."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title[:200], body=body[:500], url=url[:200]))
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def mark_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
