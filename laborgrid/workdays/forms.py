"""Forms of the calendar pages; the rules themselves live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.workdays.choices import DayKind, Holiday
from laborgrid.workdays.notice import MAX_TEXT


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
        help_text=_("勾选后，跨入该年度的期限按录入的安排计算，不再暂定。"),
    )
    notice = forms.CharField(label=_("依据文件"), max_length=200, required=False)


class HolidayNoticeForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("通知全文"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "从中国政府网粘贴“国务院办公厅关于20XX年部分节假日安排的通知”，连同标题和全部条目。"
        ),
    )
    # The digest of the text that was previewed: a confirmation stores only what was shown.
    digest = forms.CharField(required=False, widget=forms.HiddenInput)
