"""This app's audit actions: every step of grading, publication and listing is one action with
the step in its detail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class RatingsAction(models.TextChoices):
    GRADING_STEP = "ratings_grading", _("诚信等级评价操作")
    PUBLICATION_STEP = "ratings_publication", _("重大违法行为社会公布操作")
    LISTING_STEP = "ratings_listing", _("失信联合惩戒名单操作")
