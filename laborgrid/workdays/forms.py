"""Forms of the calendar pages; the rules themselves live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.workdays.choices import DayKind, Holiday


class CalendarDayForm(StyledFormMixin, forms.Form):
    day = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    holiday = forms.ChoiceField(label=_("节日"), choices=Holiday.choices)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)


class CalendarDayRemoveForm(forms.Form):
    day = forms.DateField()


class CalendarYearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2200)
    is_complete = forms.BooleanField(
        label=_("已录入全年放假和调休安排"),
        required=False,
        help_text=_("勾选后，跨入该年度的期限才会计算。"),
    )
    notice = forms.CharField(label=_("依据文件"), max_length=200, required=False)
