"""Writing and checking the audit log. Call ``record`` inside the transaction of the action."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from laborgrid.audit.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditResult,
    AuditSeal,
)
from laborgrid.audit.registry import is_registered

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


@cache
def _audit_key(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    # Without its own key the chain is keyed with one derived from SECRET_KEY: also kept outside
    # the database, but rotating SECRET_KEY then needs LABORGRID_AUDIT_KEY set to the old value.
    return hashlib.sha256(b"laborgrid.audit-chain:" + secret_key.encode()).digest()


def seal_mac(event_hash: str) -> str:
    """HMAC-SHA256 of an event's chain hash with the audit key (``LABORGRID_AUDIT_KEY``)."""
    key = _audit_key(getattr(settings, "LABORGRID_AUDIT_KEY", ""), settings.SECRET_KEY)
    return hmac.new(key, event_hash.encode(), hashlib.sha256).hexdigest()


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
        AuditSeal.objects.create(event=event, mac=seal_mac(event.hash))
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def verify_chain(batch: int = 5000) -> Iterator[tuple[AuditEvent, str]]:
    """Yield (event, problem) for every event whose link, content or keyed seal does not check
    out, and for every anchor (``LABORGRID_AUDIT_ANCHOR_FILE``) the database no longer matches."""
    prev = "0" * 64
    events = AuditEvent.objects.order_by("id").annotate(
        seal_mac=models.Subquery(
            AuditSeal.objects.filter(event_id=models.OuterRef("pk")).values("mac")[:1]
        )
    )
    for event in events.iterator(chunk_size=batch):
        if event.prev_hash != prev:
            yield event, "前序哈希不连续（可能有记录被删除或插入）"
        if event.compute_hash() != event.hash:
            yield event, "内容哈希不符（记录被修改）"
        mac = getattr(event, "seal_mac", None)
        if mac is None:
            yield event, "缺少密钥签名（记录或签名被删除、插入）"
        elif not hmac.compare_digest(mac, seal_mac(event.hash)):
            yield event, "密钥签名不符（记录被改写后重算了哈希，或密钥不对）"
        prev = event.hash
    yield from _check_anchors()
    head = AuditChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-id").first()
    head_hash = head.last_hash if head is not None else "0" * 64
    if head_hash != prev:
        # ``last`` is None when every event is gone; report against a placeholder then.
        yield (last or AuditEvent(at=timezone.now())), "最新记录与链头不符（末尾记录可能被删除）"


def _anchor_path() -> Path | None:
    configured = getattr(settings, "LABORGRID_AUDIT_ANCHOR_FILE", "")
    return Path(configured) if configured else None


def anchor_head() -> dict[str, Any] | None:
    """Append the newest event's id, hash and seal to the anchor file (one JSON line).

    The file lives outside the database (append-only: ``chattr +a``, or shipped to syslog / another
    host): cutting off the newest events and resetting the chain head then still shows, because the
    anchored event is gone or differs. Run it from a timer (``manage.py anchor_audit_chain``)."""
    path = _anchor_path()
    last = AuditEvent.objects.order_by("-id").first()
    if path is None or last is None:
        return None
    line = {
        "at": timezone.now().isoformat(),
        "id": last.pk,
        "hash": last.hash,
        "mac": seal_mac(last.hash),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, sort_keys=True) + "\n")
    return line


def _check_anchors() -> Iterator[tuple[AuditEvent, str]]:
    path = _anchor_path()
    if path is None or not path.exists():
        return
    hashes: dict[int, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            line = json.loads(raw)
            hashes[int(line["id"])] = str(line["hash"])
            bad_mac = not hmac.compare_digest(str(line["mac"]), seal_mac(str(line["hash"])))
        except (ValueError, KeyError, TypeError):
            yield AuditEvent(at=timezone.now()), "锚点文件有无法读取的行"
            continue
        if bad_mac:
            yield AuditEvent(at=timezone.now()), f"锚点 #{line['id']} 的签名不符（锚点文件被改写）"
    stored = dict(AuditEvent.objects.filter(pk__in=list(hashes)).values_list("pk", "hash"))
    for pk, digest in sorted(hashes.items()):
        if stored.get(pk) != digest:
            yield (
                AuditEvent(pk=pk, at=timezone.now()),
                "与锚点不符：已锚定的记录被删除或改写",
            )
