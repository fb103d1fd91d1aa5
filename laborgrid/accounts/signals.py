"""Every login, logout, failure and lockout goes to the audit log (安全审计 a–b).

Receivers of Django's and django-axes' authentication signals: these are framework events, not
business side effects, so a signal is the one place they can be caught for every entry point
(login page, API token endpoint).
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from laborgrid.accounts.audit_actions import AccountAction
from laborgrid.audit.models import AuditResult
from laborgrid.audit.services import record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(AccountAction.LOGIN, actor=user, request=request)
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AccountAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    record(
        AccountAction.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        request=request,
        result=AuditResult.FAILURE,
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    record(
        AccountAction.LOCKOUT,
        username=(username or "")[:150],
        ip=ip_address,
        result=AuditResult.FAILURE,
        detail={"reason": "too many failures"},
    )
