"""Form styling shared by every app: Tabler classes on widgets, so templates stay plain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

#: Said on a file field when a form comes back with errors (issue 21 item 9).
ASK_FILE_AGAIN = _("已填写的内容都已保留；浏览器不会保留已选的文件，请重新选择文件。")


class StyledFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ``ValidationError`` on a form: on the fields it names, the rest on the form."""
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, msgs)
    else:
        form.add_error(None, list(exc.messages))


def ask_again_for_files(form: forms.BaseForm, files: MultiValueDict[str, Any]) -> None:
    """A form given back with errors keeps every typed value, but no browser keeps a chosen file
    across a page load: each file field that had a file gets one more error asking for it again,
    so the person re-selects the file and nothing else (issue 21 item 9)."""
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField) and files.getlist(name):
            form.add_error(name, str(ASK_FILE_AGAIN))
