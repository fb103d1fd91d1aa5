"""This app's audit actions: Sign-in, second factor, tokens, users and role assignments (SECURITY.md 安全审计).

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class AccountAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重设初始密码")
    MFA_ENABLED = "mfa_enabled", _("绑定动态口令")
    MFA_VERIFIED = "mfa_verified", _("动态口令验证")
    MFA_FAILED = "mfa_failed", _("动态口令错误")
    MFA_RESET = "mfa_reset", _("重置动态口令")
    TOKEN_ISSUED = "token_issued", _("签发 API 令牌")
    TOKEN_REVOKED = "token_revoked", _("撤销 API 令牌")
    USER_CREATED = "user_created", _("创建用户")
    USER_UPDATED = "user_updated", _("修改用户")
    ROLE_ASSIGNED = "role_assigned", _("分配岗位")
    ROLE_ENDED = "role_ended", _("结束岗位")
