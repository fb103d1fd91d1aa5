"""Document numbering (DOMAIN A4 "numbering per issuing bureau, year and type", B1.11).

``DocumentNumberPattern`` is the administrator's configuration: the pattern a bureau (or every
bureau, ``bureau=""``) uses for one type (or every type, ``doc_type=""``). ``DocumentSequence``
holds the last number issued per (bureau, year, type); ``services.allocate_number`` locks it, so
numbers are gap-free and never issued twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laborgrid.documents.choices import DocumentType


class DocumentNumberPattern(models.Model):
    """A numbering pattern, e.g. ``大人社监〔{year}〕{abbr}字第{seq}号`` (placeholders: ``services``)."""

    bureau = models.CharField(
        _("发文机关代码"), max_length=20, blank=True, help_text=_("留空表示所有发文机关。")
    )
    doc_type = models.CharField(
        _("文书种类"),
        max_length=32,
        choices=DocumentType.choices,
        blank=True,
        help_text=_("留空表示所有文书。"),
    )
    pattern = models.CharField(_("编号格式"), max_length=100)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("更新人"),
    )

    class Meta:
        verbose_name = _("文书编号规则")
        ordering = ["bureau", "doc_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "doc_type"], name="documents_pattern_unique_scope"
            )
        ]

    def __str__(self) -> str:
        return self.pattern


class DocumentSequence(models.Model):
    """The last number issued for one (bureau, year, type); locked while a number is taken."""

    bureau = models.CharField(_("发文机关代码"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    doc_type = models.CharField(_("文书种类"), max_length=32, choices=DocumentType.choices)
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("文书编号序列")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "doc_type"], name="documents_sequence_unique"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000), name="documents_sequence_year"),
        ]

    def __str__(self) -> str:
        return f"{self.bureau or '-'} {self.year} {self.doc_type} {self.last}"
