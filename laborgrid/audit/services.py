"""Writing and checking the audit log. Call ``record`` inside the transaction of the action."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from laborgrid.audit.models import AuditAction, AuditChainHead, AuditEvent, AuditResult
from laborgrid.audit.registry import is_registered

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or — when that is a trusted proxy (nginx) — the last
    X-Forwarded-For hop that is not one of our proxies. Untrusted senders cannot spoof it."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = set(settings.LABORGRID_TRUSTED_PROXIES)
    if remote in trusted:
        hops = [
            h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
        ]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop if _is_ip(hop) else remote
    return remote


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _normalise_ip(ip: str | None) -> str | None:
    """The form the database gives back (GenericIPAddressField compresses IPv6), so the hash
    computed now equals the one recomputed from the stored row."""
    if ip and ":" in ip:
        try:
            return clean_ipv6_address(ip)
        except ValidationError:
            return None
    return ip


def record(
    action: AuditAction | str,
    *,
    actor: User | None = None,
    username: str = "",
    request: HttpRequest | None = None,
    ip: str | None = None,
    result: AuditResult | str = AuditResult.SUCCESS,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain (atomic with the caller's transaction).

    ``action`` must be registered by its app (``audit.registry``): the column has no choices, so
    this is the check that keeps unknown values out of the append-only log.
    """
    if not is_registered(action):
        raise ValueError(
            f"unregistered audit action {action!r}: declare it in <app>/audit_actions.py"
        )
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            username=username or (actor.get_username() if actor is not None else ""),
            ip=_normalise_ip(ip or client_ip(request)),
            action=str(action),
            result=str(result),
            object_type=object_type,
            object_id=object_id,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def verify_chain(batch: int = 5000) -> Iterator[tuple[AuditEvent, str]]:
    """Yield (event, problem) for every event whose link or content does not check out."""
    prev = "0" * 64
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        if event.prev_hash != prev:
            yield event, "前序哈希不连续（可能有记录被删除或插入）"
        if event.compute_hash() != event.hash:
            yield event, "内容哈希不符（记录被修改）"
        prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-id").first()
    head_hash = head.last_hash if head is not None else "0" * 64
    if head_hash != prev:
        # ``last`` is None when every event is gone; report against a placeholder then.
        yield (last or AuditEvent(at=timezone.now())), "最新记录与链头不符（末尾记录可能被删除）"
