from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.assessment.choices import CheckItem


class CheckForm(forms.Form):
    """An acceptance item checked by the county (the photo is checked by content in the
    service)."""

    year = forms.IntegerField(label=_("考核年度"), min_value=2000, widget=forms.HiddenInput)
    item = forms.ChoiceField(label=_("验收项目"), choices=CheckItem.choices)
    passed = forms.ChoiceField(
        label=_("检查结论"), choices=(("yes", _("达标")), ("no", _("不达标")))
    )
    checked_on = forms.DateField(
        label=_("检查日期"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("检查情况"), max_length=300, required=False)
    photo = forms.FileField(label=_("现场照片"), required=False)
