"""Forms of the worker roster (职工名册) pages: one roster line, the reveal request, the ID lookup,
the import upload.

The forms only shape input; every rule (ID check digit, gender agreeing with the ID, dates in
order, one current line per person) lives in ``services.add_worker / update_worker``, whose
``ValidationError`` the views put back on these fields. Personal numbers are never rendered back
into an input: a form re-shown after an error asks for them again rather than echo them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.employers.choices import IdKind
from laborgrid.employers.models import Worker
from laborgrid.employers.roster_import import ACCEPTED_EXTENSIONS
from laborgrid.employers.services import WORKER_FIELDS


class NoEchoTextInput(forms.TextInput):
    """A text input that never renders its submitted value (a personal number would otherwise
    travel back in the page, into caches and screenshots)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: The order of the form, the statutory fields first (劳动合同法实施条例 Art. 8).
FIELD_ORDER = (
    "name",
    "gender",
    "id_kind",
    "id_number",
    "phone",
    "hukou_address",
    "current_address",
    "employment_form",
    "is_migrant",
    "started_on",
    "contract_term",
    "contract_end",
    "left_on",
    "clear_phone",
)


class WorkerForm(StyledFormMixin, forms.Form):
    """One roster line. On edit (``worker`` given) the ID and phone inputs start empty, meaning
    "unchanged", with the masked current values as help text."""

    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, worker: Worker | None = None, **kwargs: Any) -> None:
        self.worker = worker
        if worker is not None:
            kwargs.setdefault("initial", {f: getattr(worker, f) for f in WORKER_FIELDS})
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(
            Worker,
            fields=WORKER_FIELDS,
            widgets={"started_on": _DATE, "contract_end": _DATE, "left_on": _DATE},
        )
        for name, f in model_fields.items():
            if f is not None:
                self.fields[name] = f
        self.fields["left_on"].help_text = _("职工离职时填写；留空表示仍在职。")
        self.fields["contract_end"].help_text = _("固定期限合同必填。")
        if worker is not None:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前：%(masked)s。留空表示不修改。") % {
                "masked": worker.id_masked
            }
            self.fields["phone"].help_text = (
                _("当前：%(masked)s。留空表示不修改。") % {"masked": worker.phone_masked}
                if worker.phone_masked
                else _("当前未登记。")
            )
            if worker.phone_masked:
                self.fields["clear_phone"] = forms.BooleanField(
                    label=_("删除已登记的联系电话"), required=False
                )
        # The mixin styled the declared fields; style the model fields added above the same way.
        self._style()
        self.order_fields(FIELD_ORDER)

    def _style(self) -> None:
        for f in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(f.widget, forms.CheckboxInput)
                else "form-select"
                if isinstance(f.widget, forms.Select)
                else "form-control"
            )
            classes = f.widget.attrs.get("class", "").split()
            if css not in classes:
                f.widget.attrs["class"] = " ".join([*classes, css])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if (
            self.worker is not None
            and data.get("id_kind")
            and data["id_kind"] != self.worker.id_kind
            and not data.get("id_number")
        ):
            self.add_error("id_number", _("更改证件类型时请重新填写证件号码。"))
        return data

    def service_data(self) -> dict[str, Any]:
        """What the service gets: the statutory fields, and the numbers only when typed."""
        data = {f: self.cleaned_data.get(f) for f in WORKER_FIELDS}
        if self.cleaned_data.get("id_number"):
            data["id_number"] = self.cleaned_data["id_number"]
        if self.cleaned_data.get("phone"):
            data["phone"] = self.cleaned_data["phone"]
        elif self.worker is None or self.cleaned_data.get("clear_phone"):
            data["phone"] = ""
        for k, v in data.items():
            if v is None:
                data[k] = ""  # "not given" to the service (blank → NULL or "")
        return data


#: The numbers of a roster line that can be revealed, with their labels.
REVEAL_FIELDS = (("id_number", _("证件号码")), ("phone", _("联系电话")))


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=REVEAL_FIELDS)
    reason = forms.CharField(max_length=200, required=False)


class LookupForm(StyledFormMixin, forms.Form):
    """Which employers has this person been on? The number is matched by its keyed hash."""

    kind = forms.ChoiceField(label=_("证件类型"), choices=IdKind.choices, initial=IdKind.RIC)
    number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("名册文件"),
        help_text=_("Excel 文件（.xlsx 或 .xls），不超过 10 MB、5000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
