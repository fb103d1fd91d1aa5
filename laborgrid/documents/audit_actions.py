"""This app's audit actions: Changes to the numbering of documents (文书).

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class DocumentAction(models.TextChoices):
    DOCUMENT_PATTERN_CHANGED = "document_pattern_changed", _("修改文书编号规则")
