"""This app's audit actions: Department register imports: upload, commit, rollback, row decisions.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class RegisterAction(models.TextChoices):
    REGISTER_UPLOADED = "register_uploaded", _("上传登记库文件")
    REGISTER_COMMITTED = "register_committed", _("确认导入登记库")
    REGISTER_ROLLED_BACK = "register_rolled_back", _("撤销登记库导入")
    REGISTER_ROW_DECIDED = "register_row_decided", _("确认登记库待定行")
