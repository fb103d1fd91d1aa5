"""Re-encrypt personal numbers still held under an old key (after a new key was made current).

Key rotation (SECURITY.md, laborgrid.lib.crypto): add a new key to LABORGRID_FIELD_KEYS, point
``current`` at it, restart, then run this command. Every encrypted column — including the copies
in the change-history tables — is rewritten under the current key in batches; rows already current
are skipped, so the command can be interrupted and run again. When it reports 0 remaining, the old
key can be removed from the configuration. The blind index key never rotates this way (changing it
would need every index recomputed), so it is not touched.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from laborgrid.accounts.models import TOTP_KEY_CONTEXT, TotpSecret
from laborgrid.core.pii import keyring
from laborgrid.employers.models import Employer, Worker
from laborgrid.employers.services import PHONE_CONTEXT, WORKER_ID_CONTEXT, WORKER_PHONE_CONTEXT

#: (model, column, encryption context): every column holding a token, history tables included.
COLUMNS: list[tuple[type[models.Model], str, str]] = [
    (Employer, "contact_phone_enc", PHONE_CONTEXT),
    (Employer.history.model, "contact_phone_enc", PHONE_CONTEXT),
    (Worker, "id_enc", WORKER_ID_CONTEXT),
    (Worker, "phone_enc", WORKER_PHONE_CONTEXT),
    (Worker.history.model, "id_enc", WORKER_ID_CONTEXT),
    (Worker.history.model, "phone_enc", WORKER_PHONE_CONTEXT),
    (TotpSecret, "key_enc", TOTP_KEY_CONTEXT),
]


def rotate_all(batch: int = 2000, log: Any = None) -> dict[str, int]:
    """Re-encrypt every stale token; return {table.column: rows rewritten}."""
    ring = keyring()
    done: dict[str, int] = {}
    for model, column, context in COLUMNS:
        label = f"{model._meta.db_table}.{column}"
        pk_name = model._meta.pk.attname
        count = 0
        last = None
        while True:
            qs = model._base_manager.exclude(**{column: ""}).order_by(pk_name)
            if last is not None:
                qs = qs.filter(**{f"{pk_name}__gt": last})
            rows = list(qs.values_list(pk_name, column)[:batch])
            if not rows:
                break
            last = rows[-1][0]
            stale = [(pk, tok) for pk, tok in rows if ring.needs_rotation(tok)]
            with transaction.atomic():
                for pk, token in stale:
                    model._base_manager.filter(**{pk_name: pk}).update(
                        **{column: ring.rotate(token, context=context)}
                    )
            count += len(stale)
        done[label] = count
        if log:
            log(f"{label}：重新加密 {count} 条")
    return done


class Command(BaseCommand):
    help = "用当前密钥重新加密个人号码（密钥轮换后运行；可中断后重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        done = rotate_all(options["batch"], log=self.stdout.write)
        self.stdout.write(
            f"完成：共重新加密 {sum(done.values())} 条。当前密钥：{keyring().current_key_id}"
        )
