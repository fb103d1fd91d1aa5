"""Every write of the portal (ARCHITECTURE §3 rule 1): employer accounts and their letters.

Decisions (issue 17 §1, §7):

* a letter is issued by the squadron of the employer's grid — a 中队长, 专职工作人员 or the county
  brigade's 监察员 holding the grid (not an assistant: an account is a trust decision);
* the code is 12 characters of an unambiguous alphabet (~59 bits), valid ``INVITE_DAYS`` days,
  used once; only a salted SHA-256 of it is kept, so the letter is printed once, when issued;
  a lost letter is revoked and a new one issued;
* activation needs the USCC and the code; after ``MAX_FAILURES`` wrong codes for one employer its
  open letters are locked for ``LOCK_MINUTES`` (a temporary lock: the USCC is public, so a
  permanent one would let anybody void a letter);
* the account's password follows the staff rules (the same validators); login lockout, session
  policy and optional TOTP are the staff ones (same login page, same django-axes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap, Role
from laborgrid.audit.models import AuditResult
from laborgrid.audit.services import record
from laborgrid.collection.permissions import holds
from laborgrid.core.scope import check_write
from laborgrid.employers.models import Employer
from laborgrid.inspections.cycle import ACTIVE
from laborgrid.portal.audit_actions import PortalAudit
from laborgrid.portal.models import PortalInvite

if TYPE_CHECKING:
    from laborgrid.rectifications.models import RectificationOrder

INVITE_DAYS = 30
MAX_FAILURES = 5
LOCK_MINUTES = 15
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 12
#: Who may issue letters on a grid (the squadron of the employer's grid, or the county brigade).
INVITE_ROLES = (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER)


def may_invite(user: Any, grid_path: str) -> bool:
    return get_write(user, grid_path) and holds(user, INVITE_ROLES, grid_path)


def get_write(user: Any, grid_path: str) -> bool:
    from laborgrid.core.scope import get_scope

    return get_scope(user).allows(Cap.WORK_WRITE, grid_path)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise_code(code)}".encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _username(employer: Employer) -> str:
    base = (employer.uscc or f"e{employer.pk}").lower()
    taken = set(
        User.objects.filter(username__startswith=f"{base}-").values_list("username", flat=True)
    ) | set(
        PortalInvite.objects.filter(username__startswith=f"{base}-").values_list(
            "username", flat=True
        )
    )
    n = 1
    while f"{base}-{n:02d}" in taken:
        n += 1
    return f"{base}-{n:02d}"


@transaction.atomic
def issue_invite(
    *,
    actor: User,
    employer: Employer,
    person_name: str,
    person_position: str = "",
    request: Any = None,
) -> tuple[PortalInvite, str]:
    """签发激活通知书 for a named person of ``employer``; answers the invite and the code (shown
    once, on the letter)."""
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    if not holds(actor, INVITE_ROLES, employer.grid_path):
        raise PermissionDenied(_("只有本网格中队的工作人员可以签发激活通知书。"))
    errors: dict[str, list[str]] = {}
    name = str(person_name or "").strip()
    if not 2 <= len(name) <= 50:
        errors["person_name"] = [_("请填写经办人姓名（2 至 50 个字）。")]
    if employer.merged_into_id is not None or employer.status not in ACTIVE:
        errors["employer"] = [_("该单位已不在营或已并入其他单位，不能开通账号。")]
    if not employer.uscc:
        errors["employer"] = [_("该单位没有统一社会信用代码，激活时无法核对，请先补全。")]
    if errors:
        raise ValidationError(errors)
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    salt = secrets.token_hex(16)
    invite = PortalInvite.objects.create(
        employer=employer,
        grid_id=employer.grid_id,
        grid_path=employer.grid_path,
        person_name=name,
        person_position=str(person_position or "").strip()[:50],
        username=_username(employer),
        code_salt=salt,
        code_hash=_hash(salt, code),
        issued_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITE_DAYS),
    )
    record(
        PortalAudit.INVITE_ISSUED,
        actor=actor,
        request=request,
        obj=invite,
        detail={"employer": employer.pk, "username": invite.username},
    )
    return invite, code


@transaction.atomic
def revoke_invite(*, actor: User, invite: PortalInvite, request: Any = None) -> PortalInvite:
    check_write(actor, Cap.WORK_WRITE, invite.grid_path)
    if not holds(actor, INVITE_ROLES, invite.grid_path):
        raise PermissionDenied
    if invite.state != "open":
        raise ValidationError(_("该通知书已激活、已作废或已过期。"))
    invite.revoked_at, invite.revoked_by = timezone.now(), actor
    invite.save(update_fields=["revoked_at", "revoked_by"])
    record(PortalAudit.INVITE_REVOKED, actor=actor, request=request, obj=invite)
    return invite


@transaction.atomic
def disable_account(*, actor: User, account: User, request: Any = None) -> User:
    """The squadron ends an employer account (the person left the employer): its sessions and
    tokens stop working at once (inactive users are refused everywhere)."""
    employer = account.employer
    if employer is None:
        raise PermissionDenied
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    if not holds(actor, INVITE_ROLES, employer.grid_path):
        raise PermissionDenied
    if not account.is_active:
        raise ValidationError(_("该账号已停用。"))
    account.is_active = False
    account.save(update_fields=["is_active"])
    record(PortalAudit.ACCOUNT_DISABLED, actor=actor, request=request, obj=account)
    return account


GENERIC_FAILURE = gettext_noop("统一社会信用代码或激活码不正确，或激活码已失效。")


def activate(*, uscc: str, code: str, password: str, request: Any = None) -> User:
    """The employer activates its account: USCC + one-time code, and sets a password (the staff
    password rules). The message on failure never says which of the two was wrong."""
    uscc = str(uscc or "").strip().upper()
    now = timezone.now()
    employer = (
        Employer.objects.filter(uscc=uscc, merged_into__isnull=True).first() if uscc else None
    )
    invites = (
        list(PortalInvite.objects.open().filter(employer=employer).order_by("id"))
        if employer
        else []
    )
    if any(i.locked_until and i.locked_until > now for i in invites):
        raise ValidationError(
            {"code": [_("激活码错误次数过多，请 %(m)s 分钟后再试。") % {"m": LOCK_MINUTES}]}
        )
    match = next(
        (i for i in invites if hmac.compare_digest(i.code_hash, _hash(i.code_salt, code))), None
    )
    if match is None:
        with transaction.atomic():
            for i in invites:
                i.failed_attempts += 1
                if i.failed_attempts >= MAX_FAILURES:
                    i.failed_attempts = 0
                    i.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                i.save(update_fields=["failed_attempts", "locked_until"])
            record(
                PortalAudit.ACTIVATION_FAILED,
                request=request,
                username=uscc[:18],
                result=AuditResult.FAILURE,
            )
        raise ValidationError({"code": [_(GENERIC_FAILURE)]})
    candidate = User(username=match.username, full_name=match.person_name, employer=employer)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc
    with transaction.atomic():
        invite = PortalInvite.objects.select_for_update().get(pk=match.pk)
        if invite.used_at is not None:
            raise ValidationError({"code": [_(GENERIC_FAILURE)]})
        candidate.set_password(password)
        candidate.password_changed_at = now
        candidate.title = invite.person_position
        candidate.save()
        invite.used_at, invite.user = now, candidate
        invite.failed_attempts = 0
        invite.save(update_fields=["used_at", "user", "failed_attempts"])
        record(
            PortalAudit.ACTIVATED,
            actor=candidate,
            request=request,
            obj=invite,
            detail={"employer": invite.employer_id},
        )
    return candidate


def answer_order(
    *,
    actor: User,
    order: RectificationOrder,
    note: str,
    files: Any = (),
    request: Any = None,
) -> RectificationOrder:
    """The employer answers an order in the portal: the rectifications app's own respond step
    (its state rules, evidence checks and deadline), as the employer's account."""
    from laborgrid.rectifications import services as rectifications

    if actor.employer_id is None or actor.employer_id != order.employer_id:
        raise PermissionDenied
    return rectifications.respond_order(
        actor=actor, order=order, note=note, files=list(files), request=request
    )


def order_issued_notice(order: Any) -> int:
    """Tell the employer's active portal accounts of an order issued to it: its number and the
    last day to correct and report (delivered when the issuing transaction commits)."""
    from django.urls import reverse

    from laborgrid.notifications.services import notify

    users = User.objects.filter(employer_id=order.employer_id, is_active=True).order_by("pk")
    return notify(
        users,
        title=_("劳动保障监察责令改正指令书 %(number)s") % {"number": order.number},
        body=_("请于 %(due)s 前改正，并在本系统报告改正情况、上传材料。")
        % {"due": order.due.isoformat()},
        url=reverse("portal:order_detail", args=[order.pk]),
    )
