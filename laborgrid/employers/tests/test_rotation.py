"""Key rotation: tokens under an old key are re-encrypted, values and lookups unchanged."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from django.core.management import call_command

from laborgrid.core import pii
from laborgrid.employers import services
from laborgrid.employers.models import Worker
from laborgrid.lib.crypto import KeyRing
from laborgrid.testing.employers import make_employer, make_ric, make_worker
from laborgrid.testing.personas import MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db


def _key(n: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(n)).decode().rstrip("=")


def test_rotation_reencrypts_every_column_and_keeps_values(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path  # the run rewrites files too: not the shared test media
    old = KeyRing.from_config(settings.LABORGRID_FIELD_KEYS)
    number = make_ric(404)
    worker = make_worker(make_employer(MAOCHANG_VILLAGE), id_number=number, phone="13912345678")
    # A new current key (SM4, as a 商用密码 deployment would switch to), the old one kept.
    settings.LABORGRID_FIELD_KEYS = settings.LABORGRID_FIELD_KEYS.replace(
        "current=demo;", f"current=k2;k2=sm4-gcm:{_key(16)};"
    )
    pii.keyring.cache_clear()
    try:
        assert pii.keyring().needs_rotation(Worker.objects.get(pk=worker.pk).id_enc)
        call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
        row = Worker.objects.get(pk=worker.pk)
        assert row.id_enc.split(".")[1] == "k2"
        assert pii.unseal(row.id_enc, context=services.WORKER_ID_CONTEXT) == number
        assert pii.unseal(row.phone_enc, context=services.WORKER_PHONE_CONTEXT) == "13912345678"
        history = Worker.history.filter(id=worker.pk)
        assert all(h.id_enc.split(".")[1] == "k2" for h in history)
        # The blind index did not change: lookups still find the worker.
        assert row.id_index == services.worker_index("ric", number)
        assert old.current_key_id == "demo"
    finally:
        pii.keyring.cache_clear()


def test_rotation_reaches_a_phone_number_sealed_in_an_import_row(
    settings: Any, tmp_path: Any
) -> None:
    """A register row waiting for a person's decision keeps the phone number sealed inside its
    data (a JSON object); rotation rewrites it there, and the decision still reads it."""
    from laborgrid.accounts.models import User
    from laborgrid.grids.models import Grid
    from laborgrid.registers.models import BatchStatus, ImportBatch, ImportRow, RowOutcome

    settings.MEDIA_ROOT = tmp_path
    county = Grid.objects.get(level="county")
    batch = ImportBatch.objects.create(
        source="scjg",
        grid=county,
        grid_path=county.path,
        file_name="review.csv",
        file_sha256="2" * 64,
        file_size=1,
        status=BatchStatus.COMMITTED,
        created_by=User.objects.get(username="county"),
    )
    row = ImportRow.objects.create(
        batch=batch,
        row_number=3,
        outcome=RowOutcome.REVIEW,
        name="大方县待确认商行",
        data={
            "name": "大方县待确认商行",
            "contact_phone": pii.seal("13812345678", context=services.PHONE_CONTEXT),
        },
    )
    settings.LABORGRID_FIELD_KEYS = settings.LABORGRID_FIELD_KEYS.replace(
        "current=demo;", f"current=k2;k2=sm4-gcm:{_key(16)};"
    )
    pii.keyring.cache_clear()
    try:
        call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
        row.refresh_from_db()
        token = row.data["contact_phone"]
        assert token.split(".")[1] == "k2"
        assert pii.unseal(token, context=services.PHONE_CONTEXT) == "13812345678"
        assert row.data["name"] == "大方县待确认商行"
    finally:
        pii.keyring.cache_clear()
