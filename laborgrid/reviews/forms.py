"""Forms of the written review, shared by the staff pages and the employer portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.employers.choices import EmployerType, HoursSystem, PayMethod
from laborgrid.rectifications.forms import DateInput, IssueForm, MultipleFileField
from laborgrid.reviews.choices import AttachmentKind, ReviewAction

YES_NO = [("", _("请选择")), ("true", _("是")), ("false", _("否"))]


def _count(label: Any, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000, required=required)


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )


class ReviewForm(StyledFormMixin, forms.Form):
    """书面审查申报表 (the collection standard's facts, DOMAIN A3)."""

    employees = _count(_("职工总数"), required=True)
    contracts_signed = _count(_("已签劳动合同人数"), required=True)
    migrant_workers = _count(_("其中农民工"))
    women = _count(_("其中女职工"))
    juveniles = _count(_("其中未成年工（16–18周岁）"))
    dispatched = _count(_("其中劳务派遣用工"))
    roster_kept = _yes_no(_("已建立职工名册"))
    insured_pension = _count(_("参加养老保险人数"))
    insured_medical = _count(_("参加医疗保险人数"))
    insured_unemployment = _count(_("参加失业保险人数"))
    insured_injury = _count(_("参加工伤保险人数"))
    insured_maternity = _count(_("参加生育保险人数"))
    pay_day = forms.IntegerField(
        label=_("每月工资发放日"), min_value=1, max_value=31, required=False
    )
    pay_method = forms.ChoiceField(
        label=_("工资支付方式"), choices=[("", _("请选择")), *PayMethod.choices], required=False
    )
    lowest_monthly_wage = forms.DecimalField(
        label=_("12月最低月工资（元）"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=True,
        help_text=_("支付给职工的最低月工资（不含加班工资和特殊津贴）。"),
    )
    hours_system = forms.ChoiceField(
        label=_("工时制度"), choices=[("", _("请选择")), *HoursSystem.choices], required=True
    )
    hours_approval_no = forms.CharField(
        label=_("特殊工时审批文号"),
        max_length=60,
        required=False,
        help_text=_("实行综合计算工时制或不定时工作制的，须经人社部门审批。"),
    )
    rules_filed = _yes_no(_("劳动规章制度已公示或告知职工"))
    arrears = forms.BooleanField(label=_("存在拖欠工资"), required=False)
    arrears_amount = forms.DecimalField(
        label=_("欠薪金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    arrears_workers = _count(_("欠薪涉及人数"))
    arrears_months = forms.IntegerField(
        label=_("欠薪月数"), min_value=0, max_value=120, required=False
    )

    def __init__(self, *args: Any, final: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not final:  # a draft may be incomplete; submit checks the rest (service)
            for field in self.fields.values():
                field.required = False


class AttachmentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("材料类别"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("文件（PDF、xlsx、JPEG、PNG，不超过 10 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.xlsx,.jpg,.jpeg,.png"}),
    )


class DecisionForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("审查结论"),
        choices=[
            (ReviewAction.PASS, ReviewAction.PASS.label),
            (ReviewAction.RETURN, ReviewAction.RETURN.label),
            (ReviewAction.FAIL, ReviewAction.FAIL.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("审查意见（退回或不合格须写明理由）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SampleForm(StyledFormMixin, forms.Form):
    planned_on = forms.DateField(label=_("计划检查日期"), widget=DateInput(), required=False)


class ExcludeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("移出理由"), max_length=200)


class YearForm(StyledFormMixin, forms.Form):
    grid = forms.ChoiceField(label=_("县（区）"))
    year = forms.IntegerField(label=_("审查年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("申报开始日期"), widget=DateInput())
    closes_on = forms.DateField(label=_("申报截止日期"), widget=DateInput())
    form_version = forms.CharField(label=_("申报表版本"), max_length=40)
    excluded_types = forms.MultipleChoiceField(
        label=_("不列入名单的单位类型"),
        choices=EmployerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_employees = forms.IntegerField(
        label=_("职工人数下限（0：不限）"), min_value=0, initial=0, required=False
    )
    note = forms.CharField(label=_("公告说明"), max_length=500, required=False)

    def __init__(self, *args: Any, counties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grid"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(g.code, g.name) for g in counties]


class AnswerForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("整改情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("整改材料（PDF、JPEG、PNG）"), required=False)


class ReviewOrderForm(IssueForm):
    """The order's items (the employer is the filing's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["employer"]
