"""Forms of the documents pages; the rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.documents.choices import DocumentType


class NumberPatternForm(StyledFormMixin, forms.Form):
    bureau = forms.CharField(
        label=_("发文机关代码"),
        max_length=20,
        required=False,
        help_text=_("留空表示所有发文机关；多个县区共用本系统时填写区划代码。"),
    )
    doc_type = forms.ChoiceField(
        label=_("文书种类"),
        choices=[("", _("所有文书")), *DocumentType.choices],
        required=False,
    )
    pattern = forms.CharField(
        label=_("编号格式"),
        max_length=100,
        help_text=_(
            "可用占位符：{year} 年度，{abbr} 文书简称，{seq} 序号（可写作 {seq:03d} 补足位数），"
            "{bureau} 发文机关代码。例如 大人社监〔{year}〕{abbr}字第{seq}号。"
        ),
    )


class PatternDeleteForm(forms.Form):
    pk = forms.IntegerField()
