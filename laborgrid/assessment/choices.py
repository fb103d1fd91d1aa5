"""Assessment vocabulary (考核验收): statuses of a computed year and the checklist items."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(models.TextChoices):
    """A computed version of a year's assessment. Only a draft may be reviewed, only a reviewed
    one published; a published version never changes (a recomputation is a new version, and
    publishing it supersedes the earlier one, which is kept as it was)."""

    DRAFT = "draft", _("待审核")
    REVIEWED = "reviewed", _("已审核待发布")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class CheckItem(models.TextChoices):
    """The acceptance items the county checks on site (staff in post is computed from the
    grid's assignments, not checked by hand)."""

    OFFICE = "office", _("办公场所")
    SIGNAGE = "signage", _("标识标牌")
