"""Revealing who complained or reported (条例 Art. 9 para. 3; DOMAIN A6; issue 15 item 4).

The handling inspectors (承办人) see names; anyone else who may reveal personal data where the
case lives (``Cap.PII_REVEAL``) sees the name masked and the numbers masked, and reveals one
value at a time with a reason: each reveal is a ``pii_reveal`` audit event with the field and the
reason, in the same transaction. The value is returned, never stored elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.cases.models import Case, Complainant
from laborgrid.cases.services.intake import ID_CONTEXT, PHONE_CONTEXT
from laborgrid.core import pii

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

NAME_FIELD = "complainant.name"
FIELDS = ("name", "id_number", "phone")


@transaction.atomic
def reveal_complainant(
    *,
    actor: User,
    case: Case,
    person: Complainant,
    field: str,
    reason: str,
    request: Any = None,
) -> str:
    """The full ``field`` (name, id_number, phone) of ``person`` for ``actor``, audited with the
    reason; ``""`` when nothing is stored. Needs ``pii.reveal`` where the case lives."""
    from laborgrid.accounts.roles import Cap
    from laborgrid.audit.models import AuditAction
    from laborgrid.audit.services import record
    from laborgrid.core.scope import check_write

    if person.case_id != case.pk:
        raise ValidationError({"field": _("找不到该投诉人。")})
    if field not in FIELDS:
        raise ValidationError({"field": _("请选择要查看的内容。")})
    if field == "name":
        check_write(actor, Cap.PII_REVEAL, case.grid_path)
        text = (reason or "").strip()
        if len(text) < 2:
            raise ValidationError({"reason": _("请填写查看完整号码的理由。")})
        if len(text) > 200:
            raise ValidationError({"reason": _("理由不能超过 200 个字符。")})
        record(
            AuditAction.PII_REVEAL,
            actor=actor,
            request=request,
            obj=case,
            detail={"field": NAME_FIELD, "reason": text},
        )
        return person.name
    token, context = (
        (person.id_enc, ID_CONTEXT) if field == "id_number" else (person.phone_enc, PHONE_CONTEXT)
    )
    if not token:
        return ""
    return pii.reveal(
        actor=actor,
        token=token,
        context=context,
        reason=reason,
        path=case.grid_path,
        obj=case,
        request=request,
    )
