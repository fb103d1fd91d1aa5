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

from laborgrid.audit.registry import action_label, register_actions


@register_actions
class AuditAction(models.TextChoices):
    """The audit log's own actions and those of the shared infrastructure (jobs, personal data).

    Every other app declares its actions in ``<app>/audit_actions.py`` (see ``audit.registry``).
    """

    AUDIT_EXPORTED = "audit_exported", _("导出审计日志")
    EXPORT_STARTED = "export_started", _("发起导出")
    EXPORT_DOWNLOADED = "export_downloaded", _("下载导出文件")
    PII_REVEAL = "pii_reveal", _("查看完整个人号码")
    # Downloads and views of stored files (evidence, document PDFs, photos, error reports): the
    # file-serving views of several apps record it (issue 21 item 7).
    FILE_DOWNLOADED = "file_downloaded", _("下载或查看附件")
    # A file deleted when its retention ran out (剩余信息保护: ``core.retention``): an export's
    # result, an uploaded register never imported. The system acts: no actor.
    FILE_PURGED = "file_purged", _("按保留期限删除文件")


class DownloadKind(models.TextChoices):
    """What a ``file_downloaded`` event's ``kind`` names."""

    EVIDENCE = "evidence", _("证据材料")
    DOCUMENT = "document", _("执法文书")
    PHOTO = "photo", _("采集照片")
    ERROR_REPORT = "error_report", _("导入错误报告")


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
    # No ``choices``: each app registers its own actions (``audit.registry``), so a new action
    # needs no migration here; ``action_label`` reads the registry.
    action = models.CharField(_("事件"), max_length=32, db_index=True)
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

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def object_label(self) -> str:
        """The object as officers read it: 最低工资标准 #14 (``audit.display``)."""
        from laborgrid.audit.display import object_label

        return object_label(self.object_type, self.object_id)

    @property
    def detail_items(self) -> list[str]:
        """The detail as labelled values, not a Python dict (``audit.display``)."""
        from laborgrid.audit.display import detail_items

        return detail_items(self.object_type, self.detail)

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


class AuditSeal(models.Model):
    """The keyed MAC of one event's chain hash: HMAC-SHA256 with ``LABORGRID_AUDIT_KEY``, a key
    kept outside the database (issue 21 item 2).

    The hash chain alone shows changes only to someone who cannot recompute it: with write access
    to the database a forger rewrites a row and every hash after it, and the chain verifies. The
    seal of each event needs the key, and an event's hash covers every event before it, so a
    rewritten history no longer matches its seals. Append-only like the events (triggers of
    migration 0007); every event has one, the events before this table included (sealed by that
    migration).
    """

    event = models.OneToOneField(
        AuditEvent,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="seal",
    )
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计签名")
        verbose_name_plural = _("审计签名")

    def __str__(self) -> str:
        return f"AuditSeal({self.pk})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("audit seals are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit seals are append-only")


class AuditChainHead(models.Model):
    """One row, locked while an event is appended, so the chain stays linear under concurrency."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链")

    def __str__(self) -> str:
        return self.last_hash
