"""Every change to accounts, roles and tokens goes through these functions (one write path)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.accounts.models import ApiToken, GridAssignment, User, hash_token
from laborgrid.accounts.roles import ADMIN_ROLES, Cap
from laborgrid.audit.services import client_ip, record
from laborgrid.core.scope import get_scope
from laborgrid.grids.models import Grid

TOKEN_PREFIX = "lg_"  # noqa: S105 - a public marker that makes leaked tokens greppable


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    full_name: str = "",
    phone: str = "",
    title: str = "",
    email: str = "",
    account_expires_on: dt.date | None = None,
    is_demo: bool = False,
    force_password_change: bool = False,
    request: HttpRequest | None = None,
) -> User:
    """Create a named account; the password must pass the 等保 password rules.

    ``password=None`` creates an account that cannot sign in until an administrator sets one
    (staff listed on a grid who do not use the system yet).
    """
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名已存在。")})
    user = User(
        username=username,
        full_name=full_name,
        phone=phone,
        title=title,
        email=email,
        account_expires_on=account_expires_on,
        is_demo=is_demo,
    )
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
        # A password chosen by an administrator is known to two people: change it at first sign-in.
        user.must_change_password = actor is not None or force_password_change
    user.full_clean(exclude=["password"])
    user.save()
    record(AccountAction.USER_CREATED, actor=actor, request=request, obj=user)
    return user


@transaction.atomic
def update_user(
    *, actor: User, user: User, request: HttpRequest | None = None, **fields: Any
) -> User:
    """Change an account's details or disable it (系统管理员); nobody disables their own account."""
    if not get_scope(actor).has(Cap.USER_MANAGE):
        raise PermissionDenied
    allowed = {"full_name", "phone", "title", "email", "account_expires_on", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {unknown}")
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise ValidationError({"is_active": _("不能停用自己的账号。")})
    changes = {}
    for name, value in fields.items():
        old = getattr(user, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(user, name, value)
    if changes:
        user.full_clean(exclude=["password"])
        user.save(update_fields=list(fields))
        record(AccountAction.USER_UPDATED, actor=actor, request=request, obj=user, detail=changes)
    return user


@transaction.atomic
def assign_role(
    *,
    actor: User | None,
    user: User,
    grid: Grid,
    role: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    duty: str = "",
    request: HttpRequest | None = None,
    check_actor_scope: bool = True,
) -> GridAssignment:
    """Give ``user`` a role on ``grid`` (人员定格). 三员 roles stay on separate accounts."""
    if check_actor_scope and not get_scope(actor).allows(Cap.ROLE_MANAGE, grid.path):
        raise PermissionDenied
    if not grid.is_active:
        raise ValidationError(_("网格已停用，不能分配岗位。"))
    today = timezone.localdate()
    current_roles = set(
        GridAssignment.objects.current(today).filter(user=user).values_list("role", flat=True)
    )
    if role in ADMIN_ROLES and (current_roles - {role}):
        raise ValidationError(_("系统管理员、安全管理员、审计管理员须使用独立账号（三员分立）。"))
    if role not in ADMIN_ROLES and current_roles & ADMIN_ROLES:
        raise ValidationError(_("该账号是管理员账号，不能兼任业务岗位（三员分立）。"))
    assignment = GridAssignment(
        user=user,
        grid=grid,
        role=role,
        duty=duty,
        valid_from=valid_from or today,
        valid_to=valid_to,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    assignment.full_clean()
    assignment.save()
    record(
        AccountAction.ROLE_ASSIGNED,
        actor=actor,
        request=request,
        obj=assignment,
        detail={"user": user.username, "grid": grid.code, "role": role},
    )
    return assignment


@transaction.atomic
def end_assignment(
    *,
    actor: User,
    assignment: GridAssignment,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> GridAssignment:
    """End a role (kept as history: 人员定格 is dated, never deleted)."""
    if not get_scope(actor).allows(Cap.ROLE_MANAGE, assignment.grid.path):
        raise PermissionDenied
    end = on or timezone.localdate() - dt.timedelta(days=1)
    if end < assignment.valid_from:
        end = assignment.valid_from
    assignment.valid_to = end
    assignment.full_clean()
    assignment.save(update_fields=["valid_to"])
    record(
        AccountAction.ROLE_ENDED,
        actor=actor,
        request=request,
        obj=assignment,
        detail={"user": assignment.user.username, "grid": assignment.grid.code},
    )
    return assignment


@transaction.atomic
def issue_token(
    *, user: User, name: str = "", request: HttpRequest | None = None
) -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and only its hash is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:10],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(hours=settings.LABORGRID_API_TOKEN_HOURS),
        created_ip=client_ip(request),
    )
    record(AccountAction.TOKEN_ISSUED, actor=user, request=request, obj=token)
    return raw, token


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(AccountAction.TOKEN_REVOKED, actor=actor, request=request, obj=token)


def user_for_token(raw: str) -> User | None:
    """The active user behind a usable token (expired, revoked or disabled → None)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None or not token.user.is_active or token.user.account_expired():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def password_changed(*, user: User, request: HttpRequest | None = None) -> None:
    """The owner set a new password: a new maximum-age period starts (等保 periodic change), and
    every API token issued under the old password is revoked.

    A token outliving the password would let whoever took the old password (or a token made with
    it) keep using the API after the owner changed it because of that. The owner's other browser
    sessions already end: Django ties sessions to the password hash.

    Kept out of ``set_password`` on purpose: Django also calls that to upgrade a hash at sign-in,
    which must not count as a change.
    """
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(password_changed_at=now, must_change_password=False)
    user.refresh_from_db(fields=["password_changed_at", "must_change_password"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    record(
        AccountAction.PASSWORD_CHANGED,
        actor=user,
        request=request,
        obj=user,
        detail={"tokens_revoked": revoked},
    )


@transaction.atomic
def set_initial_password(
    *, actor: User, user: User, password: str, request: HttpRequest | None = None
) -> None:
    """A 系统管理员 gives an account a new initial password (new staff, forgotten password).

    The owner must change it at first sign-in; the account's sessions and API tokens end.
    """
    if not get_scope(actor).has(Cap.USER_MANAGE):
        raise PermissionDenied
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(AccountAction.PASSWORD_RESET, actor=actor, request=request, obj=user)


def current_lockouts() -> list[Any]:
    """Username+IP pairs locked out now (django-axes records within the cool-off window)."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).order_by("-attempt_time")
    )


@transaction.atomic
def unlock(*, actor: User, attempt_id: int, request: HttpRequest | None = None) -> None:
    """Lift a lockout early (安全管理员), recorded in the audit log."""
    from axes.models import AccessAttempt

    if not get_scope(actor).has(Cap.ROLE_MANAGE):
        raise PermissionDenied
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return
    AccessAttempt.objects.filter(pk=attempt.pk).delete()
    record(
        AccountAction.UNLOCK,
        actor=actor,
        request=request,
        object_type="lockout",
        object_id=attempt.username or "",
        detail={"username": attempt.username, "ip": attempt.ip_address},
    )
