"""This app's audit actions: grid assessment (考核验收).

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
Details hold the changed objects' own field names and codes (year, version, status, item).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class AssessmentAudit(models.TextChoices):
    SCHEME_SAVED = "assessment_scheme_saved", _("修改考核指标")
    COMPUTED = "assessment_computed", _("计算年度考核")
    REVIEWED = "assessment_reviewed", _("审核年度考核")
    PUBLISHED = "assessment_published", _("发布年度考核")
    CHECK_RECORDED = "assessment_check_recorded", _("记录网格验收检查")
