"""The territorial grid tree (网格化): county brigade → township squadrons → village/park workrooms.

Levels are data (DOMAIN A1): a city or province deployment adds levels above the county. The tree
keeps a parent link (by code) and a materialised ``path`` so that a subtree is one indexed prefix
scan (``path__under``), the way every scoped query in the platform filters.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laborgrid.core.paths import CODE_CHARS, PathField, path_codes
from laborgrid.core.scope import ScopedQuerySet
from laborgrid.core.search import SearchTextField, prefix_q, search_q, with_search_fields
from laborgrid.grids.choices import GridLevel


class GridQuerySet(ScopedQuerySet["Grid"]):
    scope_path_field = "path"
    read_capability = "grid.read"

    def active(self) -> GridQuerySet:
        return self.filter(is_active=True)

    def search(self, q: str) -> GridQuerySet:
        """Grids whose name contains ``q`` or whose code starts with ``q``.

        The name through the character index of ``laborgrid.core.search`` (normalised: full-width
        folded, case, spaces and punctuation ignored; any substring, one character or more); the
        code by prefix on its b-tree index, case-sensitive after NFKC (full-width digits work).
        Codes are not in the character index: they are digits, which every row has, so a digit
        phrase would be rechecked on nearly every row. A query that cannot be (the start of) a
        code — Chinese, punctuation — only searches names.
        """
        code = unicodedata.normalize("NFKC", q).strip()
        condition = search_q(q)
        if code and set(code) <= CODE_CHARS:
            condition |= prefix_q("code", code)
        return self.filter(condition)


class Grid(models.Model):
    """A grid: 网格定位 — one territorial unit with its code, place in the tree and boundary."""

    code = models.CharField(_("网格编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=GridLevel.choices)
    parent = models.ForeignKey(
        "self",
        to_field="code",
        db_column="parent_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级网格"),
    )
    path = PathField(_("路径"), unique=True)
    depth = models.PositiveSmallIntegerField(_("深度"), default=0)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    boundary_synthetic = models.BooleanField(_("示意边界"), default=False)
    centroid_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    placement_assumed = models.BooleanField(
        _("归属为假设"),
        default=False,
        help_text=_("上级归属未经文件确认（例如规划未写明园区所在乡镇）。"),
    )
    note = models.TextField(_("备注"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("并入网格"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The name in the indexed form of laborgrid.core.search (one token per character), kept by
    # save(); the FTS5 table (SQLite) / tsvector column and GIN index (PostgreSQL) over it come
    # from migration 0002. See GridQuerySet.search.
    search_text = SearchTextField(sources=("name",))

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=GridLevel.values), name="grid_level_valid"
            ),
            models.CheckConstraint(condition=~models.Q(code=""), name="grid_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A rename saved with update_fields=["name", ...] must rewrite the search column too.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_search_fields(Grid, kwargs["update_fields"])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("grids:grid_detail", args=[self.code])

    @property
    def tier_label(self) -> str:
        """一级/二级/三级 as the county plan names them; other levels show their level name."""
        return str(
            {
                GridLevel.COUNTY: _("一级网格"),
                GridLevel.TOWNSHIP: _("二级网格"),
                GridLevel.VILLAGE: _("三级网格"),
                GridLevel.PARK: _("三级网格"),
            }.get(GridLevel(self.level), self.get_level_display())
        )

    @property
    def short_name(self) -> str:
        """The name without the organisational suffix, for map labels (猫场村村民委员会 → 猫场村)."""
        for suffix, keep in (
            ("村民委员会", ""),
            ("居民委员会", ""),
            ("村委会", "村"),
            ("居委会", ""),
        ):
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name[: -len(suffix)] + keep
        return self.name

    def ancestor_codes(self) -> list[str]:
        return path_codes(self.path)[:-1]

    def ancestors(self) -> models.QuerySet[Grid]:
        return Grid.objects.filter(code__in=self.ancestor_codes()).order_by("depth")

    def descendants(self, include_self: bool = False) -> GridQuerySet:
        qs = Grid.objects.filter(path__under=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_under(self, other: Grid) -> bool:
        return self.path.startswith(other.path)

    def to_feature(self, **extra: Any) -> dict[str, Any] | None:
        if not self.boundary:
            return None
        return {
            "type": "Feature",
            "geometry": self.boundary,
            "properties": {
                "code": self.code,
                "name": self.name,
                "short": self.short_name,
                "level": self.level,
                "synthetic": self.boundary_synthetic,
                **extra,
            },
        }
