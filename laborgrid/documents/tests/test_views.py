"""The preview page and PDFs (staff) and the numbering page (the system administrator)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laborgrid.audit.models import AuditEvent
from laborgrid.documents.audit_actions import DocumentAction
from laborgrid.documents.choices import DocumentType
from laborgrid.documents.models import DocumentNumberPattern
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/documents/", "/documents/preview/?type=correction_order", "/documents/numbering/"]
)
def test_anonymous_goes_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("username", ["county", "leader", "maochang", "maochang-a1", "sysadmin"])
def test_staff_see_the_layouts(username: str) -> None:
    client = client_for(username)
    body = client.get("/documents/").content.decode()
    for doc_type in DocumentType:
        assert str(doc_type.label) in body
    assert "大人社监〔" in body
    assert ("/documents/numbering/" in body) is (username == "sysadmin")
    response = client.get("/documents/preview/", {"type": "correction_order"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_preview_without_or_with_a_bad_type() -> None:
    client = client_for("county")
    assert client.get("/documents/preview/").status_code == 302
    assert client.get("/documents/preview/", {"type": "<script>"}).status_code == 404


def test_the_auditor_has_no_documents() -> None:
    assert client_for("auditor").get("/documents/").status_code == 404
    assert client_for("auditor").get("/documents/preview/?type=correction_order").status_code == 404


def test_list_query_count() -> None:
    client = client_for("county")
    client.get("/documents/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/documents/").status_code == 200
    assert len(ctx.captured_queries) <= 10


@pytest.mark.parametrize("username", ["county", "leader", "maochang", "secadmin", "auditor"])
def test_numbering_is_for_the_system_administrator(username: str) -> None:
    client = client_for(username)
    assert client.get("/documents/numbering/").status_code == 404
    assert client.post("/documents/numbering/", {"pattern": "{seq}"}).status_code == 404
    assert not DocumentNumberPattern.objects.exists()


def test_the_administrator_sets_and_deletes_a_pattern() -> None:
    client = client_for("sysadmin")
    assert client.get("/documents/numbering/").status_code == 200
    response = client.post(
        "/documents/numbering/",
        {"bureau": "", "doc_type": "penalty_decision", "pattern": "大人社罚〔{year}〕{seq:03d}号"},
    )
    assert response.status_code == 302
    row = DocumentNumberPattern.objects.get()
    body = client.get("/documents/numbering/").content.decode()
    assert "大人社罚〔" in body and "012号" in body
    assert client.post("/documents/numbering/delete/", {"pk": row.pk}).status_code == 302
    assert not DocumentNumberPattern.objects.exists()
    assert AuditEvent.objects.filter(action=DocumentAction.DOCUMENT_PATTERN_CHANGED).count() == 2
    assert client.post("/documents/numbering/delete/", {"pk": row.pk}).status_code == 404


def test_a_bad_pattern_is_shown_not_saved() -> None:
    response = client_for("sysadmin").post(
        "/documents/numbering/", {"bureau": "", "doc_type": "", "pattern": "<b>{name}</b>"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "编号格式必须包含序号" in body
    assert "<b>{name}</b>" not in body
    assert not DocumentNumberPattern.objects.exists()


def test_every_document_key_has_a_label() -> None:
    from laborgrid.documents.layouts import SPECS
    from laborgrid.documents.views import KEY_LABELS

    keys = set().union(*(spec.keys for spec in SPECS.values()))
    assert keys <= set(KEY_LABELS), sorted(keys - set(KEY_LABELS))


def test_the_preview_list_names_contents_not_code_keys() -> None:
    """Issue 23: /documents/ listed addressee, authority, received_on... to officers."""
    body = client_for("county").get(reverse("documents:preview_list")).content.decode()
    for key in ("addressee", "authority", "received_on", "respondent"):
        assert key not in body
    assert "受送达人" in body and "收到日期" in body
