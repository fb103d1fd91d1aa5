"""Sending and reading in-app notifications (one write path each, ARCHITECTURE rule 1)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from laborgrid.notifications.models import Notification

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


def notify(
    users: Iterable[Any], *, title: str, body: str = "", url: str = "", once: bool = False
) -> int:
    """One notification per distinct active user, delivered when the caller's transaction
    commits (``transaction.on_commit``): a decision that rolls back notifies nobody, and nobody
    is told of a step the database does not hold. Returns how many are due for delivery.

    ``once``: skip a user who still has an unread notification with the same title when it is
    delivered (an alert raised many times in one transaction, or again before it was read, is
    delivered once).
    """
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title[:200], body=body[:500], url=url[:200]))
    if rows:
        transaction.on_commit(partial(_deliver, rows, once=once))
    return len(rows)


def _deliver(rows: list[Notification], *, once: bool) -> None:
    if once:
        unread = set(
            Notification.objects.filter(
                title=rows[0].title, read_at__isnull=True, user_id__in=[r.user_id for r in rows]
            ).values_list("user_id", flat=True)
        )
        rows = [r for r in rows if r.user_id not in unread]
    Notification.objects.bulk_create(rows)


@transaction.atomic
def mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
