"""Forms of field collection. They convert what a person typed; the rules live in the services
(and, for the A3 items, in ``laborgrid.employers.services``). Nothing here writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.collection.choices import Outcome, RoundKind
from laborgrid.collection.permissions import COLLECTOR_ROLES, MANAGE_ROLES, role_paths
from laborgrid.collection.services import A3_FIELDS
from laborgrid.core.forms import StyledFormMixin
from laborgrid.core.jobs import exported_by
from laborgrid.employers.choices import EmployerType, Industry
from laborgrid.employers.forms import DATE_WIDGET, SnapshotForm
from laborgrid.employers.models import Employer
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.lib.identifiers import InvalidIdentifier, validate_uscc


class RoundForm(StyledFormMixin, forms.Form):
    """Open a round: kind, grid, period, employer filters (targeted: a list of codes)."""

    name = forms.CharField(label=_("轮次名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=RoundKind.choices)
    grid = forms.ModelChoiceField(label=_("范围网格"), queryset=Grid.objects.none())
    grid_codes = forms.ModelMultipleChoiceField(
        label=_("只包含这些下级网格"),
        queryset=Grid.objects.none(),
        required=False,
        to_field_name="code",
        help_text=_("不选则为范围网格的全部下级网格。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    starts_on = forms.DateField(label=_("开始日期"), **DATE_WIDGET)  # type: ignore[arg-type]
    ends_on = forms.DateField(label=_("截止日期"), **DATE_WIDGET)  # type: ignore[arg-type]
    employer_type = forms.MultipleChoiceField(
        label=_("单位类型"),
        choices=EmployerType.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    industry = forms.MultipleChoiceField(
        label=_("行业门类"),
        choices=Industry.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    only_due = forms.BooleanField(label=_("只含从未采集和超过6个月未采集的单位"), required=False)
    employer_list = forms.CharField(
        label=_("指定名单（统一社会信用代码或单位编号，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"starts_on": today, "ends_on": today + timedelta(days=30)})
        super().__init__(*args, **kwargs)
        paths = role_paths(user, MANAGE_ROLES)
        grids = Grid.objects.none()
        for p in paths:
            grids = grids | Grid.objects.filter(path__under=p)
        grids = grids.filter(is_active=True).defer("boundary")
        self.fields["grid"].queryset = grids.filter(  # type: ignore[attr-defined]
            level__in=(GridLevel.COUNTY, GridLevel.TOWNSHIP, GridLevel.VILLAGE, GridLevel.PARK)
        ).order_by("path")
        self.fields["grid_codes"].queryset = grids.exclude(  # type: ignore[attr-defined]
            level__in=(GridLevel.PROVINCE, GridLevel.CITY, GridLevel.COUNTY)
        ).order_by("path")

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        ids: list[int] = []
        bad: list[str] = []
        for line in (cd.get("employer_list") or "").splitlines():
            text = line.strip()
            if not text:
                continue
            if text.isdigit() and len(text) < 18:
                ids.append(int(text))
                continue
            try:
                code = validate_uscc(text)
            except InvalidIdentifier:
                bad.append(text)
                continue
            pk = Employer.objects.filter(uscc=code).values_list("pk", flat=True).first()
            if pk is None:
                bad.append(text)
            else:
                ids.append(pk)
        if bad:
            self.add_error("employer_list", _("未找到：%(codes)s") % {"codes": "、".join(bad[:10])})
        cd["employer_ids"] = ids
        return cd

    def round_filters(self) -> dict[str, Any]:
        cd = self.cleaned_data
        return {
            "employer_type": cd.get("employer_type") or [],
            "industry": cd.get("industry") or [],
            "only_due": bool(cd.get("only_due")),
            "employer_ids": cd.get("employer_ids") or [],
        }


class ReassignForm(StyledFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("改派给"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("完成期限"), **DATE_WIDGET)  # type: ignore[arg-type]
    reason = forms.CharField(label=_("改派理由"), max_length=200, required=False)

    def __init__(self, *args: Any, grid_path: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = [c for c in grid_path.split("/") if c]
        ancestors = ["".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes) + 1)]
        users = (
            GridAssignment.objects.current()
            .filter(role__in=COLLECTOR_ROLES, grid__path__in=ancestors, user__is_active=True)
            .values("user_id")
        )
        self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=users
        ).order_by("username")
        self.fields["assignee"].label_from_instance = exported_by  # type: ignore[attr-defined]


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CollectionForm(SnapshotForm):
    """The field form: every A3 item (the registry's snapshot form, so labels, widgets and live
    hints are the same), the visit's outcome and the employer contact's confirmation.

    Confirmation is the contact's typed name plus a checkbox ticked in their presence: no
    drawn signature (it would be a biometric-like image to protect, and adds nothing a name and
    the audited submission do not).
    """

    SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (  # type: ignore[assignment]
        (_("采集结果"), ("outcome", "outcome_note", "collected_on")),
        *SnapshotForm.SECTIONS[1:-1],
        (_("备注"), ("note",)),
        (_("单位确认"), ("contact_name", "contact_confirmed")),
    )

    outcome = forms.ChoiceField(
        label=_("采集结果"), choices=Outcome.choices, initial=Outcome.COLLECTED
    )
    outcome_note = forms.CharField(
        label=_("情况说明（迁移时填写新地址）"), max_length=300, required=False
    )
    contact_name = forms.CharField(label=_("单位确认人姓名"), max_length=60, required=False)
    contact_confirmed = forms.BooleanField(label=_("单位确认人已当面核对以上信息"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("method", "source", "gps_lat", "gps_lng", "gps_accuracy"):
            del self.fields[name]
        for name in A3_FIELDS:
            self.fields[name].required = False  # the server says what is missing, per outcome
        self.order_fields([n for _title, names in self.SECTIONS for n in names])
