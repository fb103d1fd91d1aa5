"""The audit chain is keyed and anchored (issue 21 item 2): a forger with write access to the
database who rewrites an event and recomputes every hash after it, or cuts off the newest events
and resets the chain head, is detected."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.audit.models import AuditChainHead, AuditEvent, AuditResult, AuditSeal
from laborgrid.audit.services import record, seal_mac, verify_chain
from laborgrid.audit.tests.test_audit import _allow_deletes, _allow_updates, _an_event

pytestmark = pytest.mark.django_db


def _recompute_from(first: AuditEvent) -> None:
    """What a forger with database access does: recompute the hash of every event from ``first``
    on, so each links to the one before, and set the chain head (no key needed for any of it)."""
    prev = first.prev_hash
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(pk__gte=first.pk).order_by("id"):
            event.prev_hash = prev
            digest = event.compute_hash()
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, event.pk],
            )
            prev = digest
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def test_every_event_is_sealed_with_the_key() -> None:
    event = _an_event()
    assert AuditSeal.objects.get(event=event).mac == seal_mac(event.hash)
    assert not AuditEvent.objects.filter(
        seal__isnull=True
    ).exists()  # the migration sealed the rest
    assert list(verify_chain()) == []


def test_a_rewritten_history_with_recomputed_hashes_is_detected() -> None:
    victim = _an_event()
    follower = record(AccountAction.LOGIN_FAILED, username="after", result=AuditResult.FAILURE)
    _allow_updates()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"k": "forged"}', victim.pk]
        )
    _recompute_from(AuditEvent.objects.get(pk=victim.pk))
    problems = [(e.pk, p) for e, p in verify_chain()]
    # links and content hashes check out now: only the seals, which need the key, show it
    assert (victim.pk, "密钥签名不符（记录被改写后重算了哈希，或密钥不对）") in problems
    assert (follower.pk, "密钥签名不符（记录被改写后重算了哈希，或密钥不对）") in problems
    assert all("哈希" not in p or "签名" in p for _pk, p in problems)
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_anchor_shows_a_cut_tail_with_a_reset_head(settings: Any, tmp_path: Path) -> None:
    settings.LABORGRID_AUDIT_ANCHOR_FILE = str(tmp_path / "anchor.log")
    _an_event()
    last = record(AccountAction.LOGIN_FAILED, username="anchored", result=AuditResult.FAILURE)
    out = io.StringIO()
    call_command("anchor_audit_chain", stdout=out)
    line = json.loads((tmp_path / "anchor.log").read_text().splitlines()[-1])
    assert line["id"] == last.pk and line["mac"] == seal_mac(last.hash)
    assert list(verify_chain()) == []
    # the forger removes the newest event and sets the head to the new last hash
    _allow_deletes()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    new_last = AuditEvent.objects.order_by("-id").first()
    assert new_last is not None
    AuditChainHead.objects.filter(pk=1).update(last_hash=new_last.hash)
    problems = [p for _e, p in verify_chain()]
    assert problems == ["与锚点不符：已锚定的记录被删除或改写"]
