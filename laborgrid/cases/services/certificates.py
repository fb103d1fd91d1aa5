"""The register of inspectors' certificates (劳动保障监察证, 条例 Art. 4, 16): who may
investigate and sign (A1). Kept by the system administrator (``user.manage``), audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.cases.models import InspectorCertificate
from laborgrid.cases.services.common import AUDIT_CASE_ACTION
from laborgrid.core.scope import require_capability

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


@transaction.atomic
def add_certificate(
    *,
    actor: User,
    user: Any,
    number: str,
    issued_on: dt.date,
    valid_to: dt.date,
    request: Any = None,
) -> InspectorCertificate:
    require_capability(actor, Cap.USER_MANAGE)
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise ValidationError({"number": _("请填写执法证号（不超过 40 个字符）。")})
    if valid_to < issued_on:
        raise ValidationError({"valid_to": _("有效期不能早于发证日期。")})
    try:
        with transaction.atomic():
            cert = InspectorCertificate.objects.create(
                user=user, number=number, issued_on=issued_on, valid_to=valid_to
            )
    except IntegrityError:
        raise ValidationError({"number": _("该执法证号已登记。")}) from None
    record(
        AUDIT_CASE_ACTION,
        actor=actor,
        request=request,
        obj=user,
        detail={"action": "certificate_added", "number": number},
    )
    return cert


@transaction.atomic
def revoke_certificate(
    *, actor: User, certificate: InspectorCertificate, request: Any = None
) -> None:
    require_capability(actor, Cap.USER_MANAGE)
    if certificate.revoked_at is None:
        InspectorCertificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
        record(
            AUDIT_CASE_ACTION,
            actor=actor,
            request=request,
            obj=certificate.user,
            detail={"action": "certificate_revoked", "number": certificate.number},
        )
