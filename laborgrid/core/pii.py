"""Personal numbers at rest: the key ring of the running install, and the one reveal path.

DOMAIN A6 / SECURITY.md: ID and phone numbers are sensitive personal information. They are
validated, then encrypted by the application with the key ring configured in
``settings.LABORGRID_FIELD_KEYS`` (``laborgrid.lib.crypto``: AES-256-GCM or SM4-GCM, key id in every
token so keys rotate), looked up through a keyed hash (blind index), stored with a masked form for
display, and revealed in full only through :func:`reveal`, which checks the capability and writes
an audit event with the reason in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from laborgrid.lib.crypto import KeyRing

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


@dataclass(frozen=True)
class SealedField:
    """A column holding ``seal`` tokens (``file=False``) or a file field whose files hold one
    (``file=True``: field photos, ``core.filecrypt.sealed_photo``), with its context."""

    model: str  # "app_label.ModelName"
    field: str
    context: str
    file: bool = False
    #: A sealed value kept under this key of a JSON column (``field``), not the column itself.
    key: str = ""


_SEALED: dict[tuple[str, str, str], SealedField] = {}


def register_sealed(
    model: str, field: str, context: str, *, file: bool = False, key: str = ""
) -> None:
    """Declare where an app keeps sealed values, so key rotation (``rotate_field_keys``) and the
    restore check (``verify_restore``) find every one; call it from the app's ``ready()``. A
    model's change-history copy (django-simple-history) is covered with it. ``key``: the value
    is kept under that key of a JSON column ``field`` (an object), where there is one."""
    _SEALED[(model, field, key)] = SealedField(model, field, context, file, key)


def sealed_fields() -> list[SealedField]:
    return list(_SEALED.values())


@cache
def keyring() -> KeyRing:
    """The install's key ring, parsed once per process (a bad configuration fails loudly)."""
    return KeyRing.from_config(settings.LABORGRID_FIELD_KEYS)


def seal(value: str, *, context: str) -> str:
    """Encrypt ``value`` for the column named by ``context`` (e.g. ``"worker.id_number"``)."""
    return keyring().encrypt(value, context=context)


def unseal(token: str, *, context: str) -> str:
    return keyring().decrypt(token, context=context)


def blind(value: str, *, context: str) -> str:
    """The keyed hash used for exact lookup of ``value`` without decrypting rows."""
    return keyring().blind_index(value, context=context)


def reveal(
    *,
    actor: User,
    token: str,
    context: str,
    reason: str,
    path: str,
    obj: Any,
    request: Any = None,
) -> str:
    """The plaintext of ``token`` for ``actor``, audited; ``path`` is the grid path of the record.

    Needs the ``pii.reveal`` capability where the record lives and a reason (等保 安全审计:
    every view of an unmasked personal number is an audit event with the reason given).
    """
    from laborgrid.accounts.roles import Cap
    from laborgrid.audit.models import AuditAction
    from laborgrid.audit.services import record
    from laborgrid.core.scope import check_write

    check_write(actor, Cap.PII_REVEAL, path)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("请填写查看完整号码的理由。")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("理由不能超过 200 个字符。")})
    value = unseal(token, context=context)
    record(
        AuditAction.PII_REVEAL,
        actor=actor,
        request=request,
        obj=obj,
        detail={"field": context, "reason": reason},
    )
    return value
