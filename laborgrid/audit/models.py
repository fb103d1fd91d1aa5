"""The security audit log: append-only and hash-chained (MLPS level 3, 安全审计 a–d).

Each event stores the hash of the previous one; ``verify_audit_chain`` recomputes the chain so any
edit or deletion shows. The database refuses UPDATE and DELETE on the table (triggers installed by
the migration), and the model refuses them too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
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
    GRID_CREATED = "grid_created", _("新建网格")
    GRID_UPDATED = "grid_updated", _("修改网格")
    GRID_MOVED = "grid_moved", _("移动网格")
    GRID_MERGED = "grid_merged", _("合并网格")
    GRIDS_IMPORTED = "grids_imported", _("导入区划")
    BOUNDARIES_IMPORTED = "boundaries_imported", _("导入边界")
    AUDIT_EXPORTED = "audit_exported", _("导出审计日志")
    EXPORT_STARTED = "export_started", _("发起导出")
    EXPORT_DOWNLOADED = "export_downloaded", _("下载导出文件")
    PII_REVEAL = "pii_reveal", _("查看完整个人号码")
    EMPLOYER_MERGED = "employer_merged", _("合并用人单位")
    EMPLOYER_UNMERGED = "employer_unmerged", _("撤销合并用人单位")
    EMPLOYER_SPLIT = "employer_split", _("拆分用人单位")
    ROSTER_IMPORTED = "roster_imported", _("导入职工名册")
    MINIMUM_WAGE_CHANGED = "minimum_wage_changed", _("修改最低工资标准")
    REGISTER_UPLOADED = "register_uploaded", _("上传登记库文件")
    REGISTER_COMMITTED = "register_committed", _("确认导入登记库")
    REGISTER_ROLLED_BACK = "register_rolled_back", _("撤销登记库导入")
    REGISTER_ROW_DECIDED = "register_row_decided", _("确认登记库待定行")
    CALENDAR_CHANGED = "calendar_changed", _("修改工作日历")
    DOCUMENT_PATTERN_CHANGED = "document_pattern_changed", _("修改文书编号规则")
    CASE_ACTION = "case_action", _("案件操作")
    COLLECTION_ROUND_OPENED = "collection_round_opened", _("发起采集轮次")
    COLLECTION_ROUND_CLOSED = "collection_round_closed", _("结束采集轮次")
    COLLECTION_TASK_REASSIGNED = "collection_task_reassigned", _("改派采集任务")
    COLLECTION_FIELD_TASK_ADDED = "collection_field_task_added", _("新发现单位加入采集任务")
    COLLECTION_SUBMITTED = "collection_submitted", _("提交采集信息")
    COLLECTION_APPROVED = "collection_approved", _("审核通过采集信息")
    COLLECTION_RETURNED = "collection_returned", _("退回采集信息")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")


class AuditEvent(models.Model):
    """One security-relevant event: who, when, from where, what, with what result."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # the log outlives accounts and never blocks their changes
        verbose_name=_("操作人"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("事件"), max_length=32, choices=AuditAction.choices, db_index=True)
    result = models.CharField(_("结果"), max_length=16, choices=AuditResult.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象"), max_length=100, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.result}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit events are append-only")

    def canonical(self) -> str:
        payload: dict[str, Any] = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "username": self.username,
            "ip": self.ip,
            "action": self.action,
            "result": self.result,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
            "prev": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


class AuditChainHead(models.Model):
    """One row, locked while an event is appended, so the chain stays linear under concurrency."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链")

    def __str__(self) -> str:
        return self.last_hash
