"""Forms of the register import pages: the upload, and the column mapping with the field policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborgrid.core.forms import StyledFormMixin
from laborgrid.registers.models import FieldPolicy, ImportPreset
from laborgrid.registers.pipeline import DEFAULT_POLICY, source_choices
from laborgrid.registers.presets import FIELD_LABELS, PRESETS, check_mapping
from laborgrid.registers.reading import RegisterFile, RegisterFileError, open_register
from laborgrid.registers.services import MAX_FILE_BYTES

#: File name endings accepted on upload (the content is checked too: a renamed file is refused).
EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls")
#: The value of a mapping select that leaves a column out.
SKIP = ""


class UploadForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("登记来源"))
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GBK）、XLSX 或 XLS；表头上方的标题行会自动跳过。"),
    )
    preset = forms.ModelChoiceField(
        label=_("已保存的列对应模板"),
        queryset=ImportPreset.objects.all(),
        required=False,
        empty_label=_("自动识别表头"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "---------"), *source_choices()]  # type: ignore[attr-defined]
        self.register_info: dict[str, Any] = {}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(_("只能导入 CSV、XLSX 或 XLS 文件。"))
        if not upload.size:
            raise forms.ValidationError(_("文件是空的。"))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 1 GB，请分成几个文件导入。"))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, source = data.get("file"), data.get("source")
        if upload is None or not source:
            return data
        try:
            with open_register(upload, preset=PRESETS[source], stream=True) as register:
                self.register_info = {"headers": list(register.headers)}
        except RegisterFileError as exc:
            self.add_error("file", exc.message)
            return data
        finally:
            upload.seek(0)
        preset = data.get("preset")
        if preset is not None:
            if preset.source != source:
                self.add_error("preset", _("该模板属于其他登记来源。"))
            else:
                problems = check_mapping(self.register_info["headers"], preset.mapping)
                if problems:
                    self.add_error("preset", [_("该模板与文件的表头不符："), *problems])
        return data


def file_facts(register: RegisterFile) -> dict[str, Any]:
    return {
        "format": register.format,
        "encoding": register.encoding or "",
        "sheet": register.sheet_name or "",
        "header_row": register.header_row,
        "title_rows": list(register.title_rows),
        "headers": list(register.headers),
    }


class MappingForm(StyledFormMixin, forms.Form):
    """One select per column of the file, one per field of the update policy, and a preset name."""

    preset_name = forms.CharField(
        label=_("另存为列对应模板（可选）"),
        max_length=100,
        required=False,
        help_text=_("填写名称后，这次的列对应会保存下来，下次导入同样格式的文件时可直接选用。"),
    )

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        mapping: dict[str, str | None],
        policy: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        targets = [(SKIP, _("不导入")), *((k, v) for k, v in FIELD_LABELS.items())]
        for i, header in enumerate(headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header,
                choices=targets,
                required=False,
                initial=mapping.get(header) or SKIP,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        for name in DEFAULT_POLICY:
            self.fields[f"policy_{name}"] = forms.ChoiceField(
                label=str(FIELD_LABELS.get(name, name)),
                choices=FieldPolicy.choices,
                initial=policy.get(name, DEFAULT_POLICY[name]),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def policy_fields(self) -> list[forms.BoundField]:
        return [self[f"policy_{name}"] for name in DEFAULT_POLICY]

    def mapping(self) -> dict[str, str | None]:
        return {
            header: (self.cleaned_data.get(f"col_{i}") or None)
            for i, header in enumerate(self.headers)
        }

    def policy(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"policy_{name}"] for name in DEFAULT_POLICY}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for problem in check_mapping(self.headers, self.mapping()):
                self.add_error(None, problem)
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("same", "same"), ("different", "different")])
    employer = forms.IntegerField(required=False)
