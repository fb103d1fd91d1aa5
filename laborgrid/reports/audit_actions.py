"""This app's audit actions: each step of a statistical return, and its downloads.

Details hold codes only: the period key (``2026-11``), figure keys (read as their labels on the
log page) and the export format.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions, register_detail_values


@register_actions
class ReportAction(models.TextChoices):
    RETURN_DRAFTED = "return_drafted", _("起草统计报表")
    RETURN_ADJUSTED = "return_adjusted", _("调整统计报表")
    RETURN_SIGNED = "return_signed", _("签报统计报表")
    RETURN_CONSOLIDATED = "return_consolidated", _("汇总统计报表")
    RETURN_LOCKED = "return_locked", _("锁定统计报表")
    RETURN_CORRECTED = "return_corrected", _("登记统计报表更正")
    RETURN_DOWNLOADED = "return_downloaded", _("下载统计报表")


def _figure_label(value: str) -> str | None:
    from laborgrid.reports import figures

    found = figures.get(value)
    return str(found.label) if found is not None else None


def _figure_list_label(value: str) -> str | None:
    return "、".join(_figure_label(v) or v for v in str(value).split(",")) if value else None


register_detail_values("reports.return", "key", _figure_label)
register_detail_values("reports.return", "keys", _figure_list_label)
