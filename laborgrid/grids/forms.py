from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.grids.choices import GridLevel


class GridForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("网格编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    level = forms.ChoiceField(label=_("层级"), choices=GridLevel.choices)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    placement_assumed = forms.BooleanField(label=_("归属为假设（未经文件确认）"), required=False)


class GridEditForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    placement_assumed = forms.BooleanField(label=_("归属为假设（未经文件确认）"), required=False)


class GridPickForm(StyledFormMixin, forms.Form):
    """Pick another grid by code (move target parent, merge target)."""

    target = forms.CharField(label=_("目标网格编码"), max_length=32)
