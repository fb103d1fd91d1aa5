"""Re-encrypt everything still held under an old key (after a new key was made current).

Key rotation (SECURITY.md, laborgrid.lib.crypto): add a new key to LABORGRID_FIELD_KEYS, point
``current`` at it, restart, then run this command. It rewrites under the current key:

* every column of sealed tokens the apps declared (``core.pii.register_sealed``: personal numbers of
  employers, workers, complainants, site workers and listed persons, TOTP secrets), including the
  copies in the change-history tables, in batches, and the tokens kept inside JSON columns (the
  phone number of a register row waiting for a person's decision);
* every file stored encrypted (``core.filecrypt.EncryptedFileSystemStorage``: case evidence and
  documents, rectification orders and evidence, inspection records, written-review attachments,
  project files) and every sealed field photo (collection, incidents, inspections).

Rows and files already current are skipped, so the command can be interrupted and run again. When
it reports 0 remaining, the old key can be removed from the configuration. The blind index key never
rotates this way (changing it would need every index recomputed), so it is not touched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from laborgrid.core.filecrypt import EncryptedFileSystemStorage
from laborgrid.core.management.commands.encrypt_media import encrypted_file_fields
from laborgrid.core.pii import keyring, sealed_fields


def token_columns() -> Iterator[tuple[type[models.Model], str, str]]:
    """(model, column, context) of every declared token column, history tables included."""
    for sealed in sealed_fields():
        if sealed.file or sealed.key:
            continue
        model = apps.get_model(sealed.model)
        yield model, sealed.field, sealed.context
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            names = {f.name for f in history.model._meta.concrete_fields}
            if sealed.field in names:
                yield history.model, sealed.field, sealed.context


def token_keys() -> Iterator[tuple[type[models.Model], str, str, str]]:
    """(model, JSON column, key, context) of every declared token kept inside a JSON column."""
    for sealed in sealed_fields():
        if sealed.key:
            yield apps.get_model(sealed.model), sealed.field, sealed.key, sealed.context


def _rotate_keys(batch: int, log: Callable[[str], Any]) -> dict[str, int]:
    """Tokens inside JSON columns (an import row's sealed phone number): the object is written
    again with the token under the current key."""
    ring = keyring()
    done: dict[str, int] = {}
    for model, column, key, context in token_keys():
        label = f"{model._meta.db_table}.{column}.{key}"
        pk_name = model._meta.pk.attname
        count, last = 0, None
        while True:
            qs = model._base_manager.filter(**{f"{column}__has_key": key}).order_by(pk_name)
            if last is not None:
                qs = qs.filter(**{f"{pk_name}__gt": last})
            rows = list(qs.values_list(pk_name, column)[:batch])
            if not rows:
                break
            last = rows[-1][0]
            with transaction.atomic():
                for pk, value in rows:
                    token = value.get(key) if isinstance(value, dict) else None
                    if not token or not ring.needs_rotation(token):
                        continue
                    value[key] = ring.rotate(token, context=context)
                    model._base_manager.filter(**{pk_name: pk}).update(**{column: value})
                    count += 1
        done[label] = count
        log(f"{label}：重新加密 {count} 条")
    return done


def _rotate_columns(batch: int, log: Callable[[str], Any]) -> dict[str, int]:
    ring = keyring()
    done: dict[str, int] = {}
    for model, column, context in token_columns():
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
        log(f"{label}：重新加密 {count} 条")
    return done


def _replace(path: str, data: bytes) -> None:
    tmp = f"{path}.rotate-tmp"
    with open(tmp, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def _rotate_files(log: Callable[[str], Any]) -> dict[str, int]:
    """Files under an old key: decrypted and written again under the current one, in place."""
    ring = keyring()
    done: dict[str, int] = {}
    kinds: list[tuple[type[models.Model], str, Any, Callable[[bytes], bytes | None]]] = []
    for model, field in encrypted_file_fields():
        storage: EncryptedFileSystemStorage = field.storage  # type: ignore[assignment]

        def whole(blob: bytes, ctx: str = storage.context) -> bytes | None:
            if not ring.file_needs_rotation(blob):
                return None
            return ring.encrypt_bytes(ring.decrypt_bytes(blob, context=ctx), context=ctx)

        kinds.append((model, field.name, storage, whole))
    for sealed in sealed_fields():
        if not sealed.file:
            continue
        model = apps.get_model(sealed.model)
        storage = model._meta.get_field(sealed.field).storage

        def token(blob: bytes, ctx: str = sealed.context) -> bytes | None:
            text = blob.decode("ascii")
            if not ring.needs_rotation(text):
                return None
            return ring.rotate(text, context=ctx).encode("ascii")

        kinds.append((model, sealed.field, storage, token))
    for model, name, storage, rewrite in kinds:
        label = f"{model._meta.label}.{name}"
        count = 0
        for value in model._base_manager.exclude(**{name: ""}).values_list(name, flat=True):
            if not value or not storage.exists(value):
                continue
            path = storage.path(value)
            with open(path, "rb") as raw:
                fresh = rewrite(raw.read())
            if fresh is not None:
                _replace(path, fresh)
                count += 1
        done[label] = count
        log(f"{label}：文件重新加密 {count} 个")
    return done


def rotate_all(batch: int = 2000, log: Callable[[str], Any] | None = None) -> dict[str, int]:
    """Re-encrypt every stale token and file; return {table.column or model.field: rewritten}."""
    say = log or (lambda _text: None)
    return _rotate_columns(batch, say) | _rotate_keys(batch, say) | _rotate_files(say)


class Command(BaseCommand):
    help = "用当前密钥重新加密个人号码和加密保存的文件（密钥轮换后运行；可中断后重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        done = rotate_all(options["batch"], log=self.stdout.write)
        self.stdout.write(
            f"完成：共重新加密 {sum(done.values())} 项。当前密钥：{keyring().current_key_id}"
        )
