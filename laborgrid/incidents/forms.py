"""Forms of the incident pages. They only shape input; the rules are in ``services``."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.incidents.choices import Act, Department, UpdateKind
from laborgrid.incidents.models import IncidentLevel, WarningRule

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RapidReportForm(StyledFormMixin, forms.Form):
    """速报: what a person at the scene can type in under a minute. The grid is taken from the
    phone's position when it falls in a grid the reporter covers; otherwise the chosen one."""

    #: Empty in the page: the offline-form script fills a fresh one on each page load (a page
    #: served from the service worker's cache must not hand two reports the same key).
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    #: The key of a browser without the script (no offline queue there): used when
    #: ``client_key`` is empty.
    server_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    gps_accuracy = forms.FloatField(required=False, widget=forms.HiddenInput)
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    grid = forms.ChoiceField(label=_("网格"), required=False)
    place = forms.CharField(
        label=_("地点"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：某某项目工地大门")}),
    )
    employer_name = forms.CharField(
        label=_("用人单位或项目"),
        max_length=200,
        required=False,
        help_text=_("可在上方搜索名录选择；没有网络或查不到时直接填写。"),
    )
    project_name = forms.CharField(label=_("工程项目"), max_length=200, required=False)
    people = forms.IntegerField(
        label=_("人数"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    amount_claimed = forms.DecimalField(
        label=_("诉求金额（元）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": 0}),
    )
    acts = forms.MultipleChoiceField(
        label=_("现场情况"),
        choices=Act.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    demands = forms.CharField(
        label=_("主要诉求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actions_taken = forms.CharField(
        label=_("已采取的措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    occurred_at = forms.DateTimeField(
        label=_("发生时间"),
        required=False,
        widget=DATETIME_LOCAL,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("不填为现在。"),
    )

    def __init__(self, *args: Any, grids: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indent = "\u00a0\u00a0"
        choices = [("", _("请选择"))] + [
            (g.code, f"{indent * max(g.depth - grids[0].depth, 0)}{g.name}") for g in grids
        ]
        self.fields["grid"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField
        self.grids = {g.code: g for g in grids}
        if not self.is_bound:
            self.initial.setdefault("server_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("client_key") and not data.get("server_key"):
            raise forms.ValidationError(_("提交编号无效，请刷新页面后重试。"))
        return data

    def report_key(self) -> uuid.UUID:
        return self.cleaned_data.get("client_key") or self.cleaned_data["server_key"]


class UpdateForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("记录类型"), choices=UpdateKind.choices)
    at = forms.DateTimeField(
        label=_("时间"),
        required=False,
        widget=DATETIME_LOCAL,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("不填为现在。"),
    )
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    people_present = forms.IntegerField(
        label=_("现场人数"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    staff = forms.MultipleChoiceField(
        label=_("到场人员"), required=False, widget=forms.CheckboxSelectMultiple
    )
    departments = forms.MultipleChoiceField(
        label=_("联动部门"),
        choices=Department.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    amount_paid = forms.DecimalField(
        label=_("现场支付工资（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    workers_paid = forms.IntegerField(label=_("获付人数"), required=False, min_value=0)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff_users = {str(u.pk): u for u in staff}
        self.fields["staff"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (str(u.pk), u.display_name) for u in staff
        ]


class SettleForm(StyledFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("处置结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    at = forms.DateTimeField(
        label=_("平息时间"),
        required=False,
        widget=DATETIME_LOCAL,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("不填为现在。"),
    )


class LinkCaseForm(StyledFormMixin, forms.Form):
    case = forms.CharField(
        label=_("案件编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-000123"}),
    )

    def case_pk(self) -> int | None:
        raw = str(self.cleaned_data.get("case") or "").strip()
        tail = raw.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() and len(tail) <= 12 else None


class ResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label=_("解除说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class LevelForm(StyledFormMixin, forms.ModelForm):
    trigger_acts = forms.MultipleChoiceField(
        label=_("出现以下行为即达到本级"),
        choices=Act.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = IncidentLevel
        fields = [
            "code",
            "name",
            "rank",
            "min_people",
            "min_amount",
            "trigger_acts",
            "alert_brigade",
            "alert_bureau",
            "initial_report_hours",
            "continuing_report_hours",
            "final_report_hours",
            "is_active",
        ]


class RuleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = WarningRule
        fields = ["is_active", "window_days", "threshold", "weeks_before"]
