"""Names people type never become markup (issue 21 item 6): map tooltips escape them, and form
help texts are escaped unless the code marked them safe."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from laborgrid.testing.personas import client_for

STATIC = Path(__file__).resolve().parents[2]
MAP_SCRIPTS = [
    STATIC / "static" / "laborgrid" / "grid-map.js",
    STATIC / "collection" / "static" / "collection" / "tasks.js",
]
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize("script", MAP_SCRIPTS, ids=lambda p: p.name)
def test_map_tooltips_escape_names(script: Path) -> None:
    source = script.read_text(encoding="utf-8")
    tooltips = re.findall(r"tooltip:\s*\{[^}]*formatter:\s*function[^}]*\}", source, re.S)
    assert tooltips, "no tooltip formatter found"
    for body in tooltips:
        returned = re.findall(r"return ([^;]*);", body)
        assert returned and all("esc(" in r for r in returned), body
        for name in re.findall(r"\b(?:p|i)\.(?:name|full|tier)\b", body):
            assert f"esc({name}" in body.replace(" ", ""), (name, body)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    match = re.search(r"function esc\(s\) \{.*?\n  \}", source, re.S)
    assert match
    out = subprocess.run(
        [node, "-e", match.group(0) + f"\nprocess.stdout.write(esc({HOSTILE!r}));"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


class _Form(forms.Form):
    name = forms.CharField(help_text=HOSTILE)


def test_form_help_text_is_escaped() -> None:
    html = render_to_string("includes/form.html", {"form": _Form()})
    assert HOSTILE not in html and "&lt;img src=x" in html


@pytest.mark.django_db
def test_password_rules_list_is_still_markup() -> None:
    """Django's password help text is marked safe by Django; it stays a list."""
    page = client_for("maochang").get(reverse("accounts:password_change")).content.decode()
    assert "<ul><li>" in page.replace("\n", "")
