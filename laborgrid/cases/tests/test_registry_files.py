"""Issue 15 items 2–4: the registry link (proposals, link and change, audited; the employer's
archive timeline), the document preview and text outside the font, and evidence files and issued
PDFs encrypted at rest (downloads unchanged; older plaintext files still read and encrypted by
the command)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from laborgrid.audit.models import AuditEvent
from laborgrid.cases import services
from laborgrid.cases.models import EVIDENCE_STORAGE, Case, CaseRecord
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.cases.tests.test_procedure import assign, user
from laborgrid.documents.models import DocumentSequence
from laborgrid.employers.timeline import timeline
from laborgrid.lib.crypto import FILE_MAGIC
from laborgrid.testing.employers import make_employer, make_uscc
from laborgrid.testing.personas import MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% evidence: wage ledger of 2026-06\ntrailer<<>>\n%%EOF\n"


def complaint(on_day: Any, **over: Any) -> Case:
    on_day(dt.date(2026, 9, 30))
    return services.submit_public(
        data=complaint_data(**over), submission_key=uuid.uuid4(), ip="10.4.4.4"
    ).case


# --- registry link ---------------------------------------------------------------------------


def test_intake_proposes_the_registered_employer_and_staff_link_it(on_day: Any) -> None:
    uscc = make_uscc()
    registered = make_employer(
        MAOCHANG_VILLAGE,
        name="大方县猫场镇鑫隆建材有限责任公司",
        uscc=uscc,
        address="猫场镇新街村",
        legal_rep="罗开明",
    )
    other = make_employer(MAOCHANG_VILLAGE, name="猫场镇顺达运输队", legal_rep="罗开明")
    # As the complainant spelled it: no code, the name core only, the legal representative.
    case = complaint(
        on_day, employer_name="鑫隆建材", employer_contact="罗开明", employer_address=""
    )
    assert case.employer_id is None
    proposals = services.propose_employers(case, user=user("maochang"))
    first = proposals[0]
    assert first.employer == registered
    assert any("法定代表人" in r for r in first.reasons)
    assert other in [p.employer for p in proposals]  # same legal representative only
    # Machang's officer sees none of 猫场镇's employers proposed.
    assert services.propose_employers(case, user=user("machang")) == []
    # The same proposals through the API.
    from django.test import Client

    from laborgrid.accounts.services import issue_token

    raw, _t = issue_token(user=user("maochang"))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    got = api.get(f"/api/v1/cases/{case.pk}/employer-candidates").json()
    assert got[0]["id"] == registered.pk and got[0]["uscc"] == uscc

    maochang = client_for("maochang")
    page = maochang.get(case.get_absolute_url()).content.decode()
    assert "名录中可能的单位" in page and registered.name in page
    url = reverse("cases:case_action", args=[case.pk, "link_employer"])
    assert maochang.post(url, {"employer": registered.pk}).status_code == 302
    case.refresh_from_db()
    assert case.employer == registered
    step = case.transitions.get(action="link_employer")
    assert step.detail == {"employer": registered.pk, "before": None}
    assert AuditEvent.objects.filter(detail__action="link_employer").count() == 1

    # Changing it needs a reason; by USCC through the API as well.
    r = maochang.post(url, {"employer": other.pk}, follow=True)
    assert "请填写理由" in r.content.decode()
    case.refresh_from_db()
    assert case.employer == registered
    services.link_employer(
        actor=user("maochang"), case=case, employer=other, reason="统一社会信用代码核对有误"
    )
    case.refresh_from_db()
    assert case.employer == other
    # An assistant may not change the link.
    client_for("maochang-a1").post(url, {"employer": registered.pk, "reason": "改"})
    case.refresh_from_db()
    assert case.employer == other


def test_the_link_by_uscc_and_the_documents_print_the_registered_party(on_day: Any) -> None:
    uscc = make_uscc()
    registered = make_employer(MAOCHANG_VILLAGE, name="大方县猫场镇宏达煤业有限公司", uscc=uscc)
    case = complaint(on_day, employer_name="宏达煤矿")
    from laborgrid.cases.services.registry import employer_from_param

    services.link_employer(actor=user("maochang"), case=case, employer=employer_from_param(uscc))
    case.refresh_from_db()
    assert case.employer == registered
    from laborgrid.cases.documents import build_context

    ctx = build_context(
        case, "correction_order", actor=user("county"), number="x", today=dt.date(2026, 10, 9)
    )
    assert ctx["party"]["name"] == registered.name and ctx["party"]["code"] == uscc


def test_the_employer_archive_shows_its_cases_and_outcomes(on_day: Any) -> None:
    employer = make_employer(MAOCHANG_VILLAGE, name="大方县猫场镇永兴商贸有限公司")
    case = complaint(on_day, employer_name=employer.name)
    assert case.employer == employer  # intake found it by its registered name
    Case.objects.filter(pk=case.pk).update(
        state="closed",
        closed_on=dt.date(2026, 11, 2),
        decision_kind="correction_order",
        closure_kind="performed",
        amount_recovered="18000.00",
        workers_helped=3,
    )
    entries = [e for e in timeline(employer) if e.kind == "case"]
    titles = " ".join(e.title for e in entries)
    details = " ".join(e.detail for e in entries)
    assert case.reference in titles and "办结" in titles
    assert "追回工资 18000.00 元" in details and "维权 3 人" in details
    assert "张三" not in titles + details  # no complainant is named
    page = client_for("maochang").get(employer.get_absolute_url()).content.decode()
    assert case.reference in page


# --- documents: preview and the font ---------------------------------------------------------


def test_the_preview_says_what_the_decision_document_lacks(on_day: Any) -> None:
    from laborgrid.cases.documents import preview
    from laborgrid.cases.tests.test_procedure import investigate

    case = complaint(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    investigate(case)
    services.complete_investigation(actor=user("county"), case=case)
    services.decide_case(
        actor=user("county"), case=case, decision_kind="correction_order", summary="支付工资。"
    )
    case.refresh_from_db()
    rows = {r.doc_type: r for r in preview(user("county"), case)}
    assert "调查查明的违法事实" in rows["correction_order"].problem
    assert "违法行为及其违反条款" in rows["correction_order"].problem
    page = client_for("county").get(case.get_absolute_url()).content.decode()
    assert "签发前检查" in page and "调查查明的违法事实" in page


def test_a_character_outside_the_font_is_refused_before_a_number_is_used(on_day: Any) -> None:
    from laborgrid.cases.tests.test_procedure import investigate

    case = complaint(on_day, employer_name="大方县猫场镇𠮷祥建筑劳务有限公司")  # 𠮷: CJK ext. B
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    investigate(case)
    before = list(DocumentSequence.objects.values_list("doc_type", "last"))
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=user("county"), case=case, doc_type="inquiry_notice")
    assert "𠮷" in " ".join(exc.value.messages) and "字体" in " ".join(exc.value.messages)
    assert list(DocumentSequence.objects.values_list("doc_type", "last")) == before
    assert not case.documents.exists()


def test_the_renderer_never_drops_a_character_silently() -> None:
    from laborgrid.documents.render import missing_glyphs
    from laborgrid.documents.samples import sample_context
    from laborgrid.documents.services import DocumentType, UnprintableText, render_document

    assert missing_glyphs("张三 𠮷 😀 ①") == "𠮷😀"
    ctx = sample_context(DocumentType.INQUIRY_NOTICE)
    ctx["addressee"] = "𠮷祥公司"
    with pytest.raises(UnprintableText, match="𠮷"):
        render_document(DocumentType.INQUIRY_NOTICE, ctx)


# --- files encrypted at rest -----------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _on_disk(root: Path, name: str) -> bytes:
    return (root / name).read_bytes()


def test_evidence_and_issued_pdfs_are_encrypted_and_download_as_they_were(
    on_day: Any, media: Path
) -> None:
    case = complaint(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    assign(case)
    county = client_for("county")
    r = county.post(
        reverse("cases:record_add", args=[case.pk]),
        {
            "kind": "evidence",
            "title": "工资台账",
            "occurred_on": "2026-10-09",
            "file": SimpleUploadedFile("ledger.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert r.status_code == 302
    rec = case.records.get(kind="evidence")
    raw = _on_disk(media, rec.file.name)
    assert raw.startswith(FILE_MAGIC) and b"wage ledger" not in raw
    download = county.get(reverse("cases:record_file", args=[case.pk, rec.pk]))
    assert body(download) == PDF

    doc = services.issue_document(actor=user("county"), case=case, doc_type="acceptance_notice")
    raw_pdf = _on_disk(media, doc.file.name)
    assert raw_pdf.startswith(FILE_MAGIC) and b"%PDF" not in raw_pdf[:64]
    got = county.get(reverse("cases:document_file", args=[case.pk, doc.pk]))
    assert body(got).startswith(b"%PDF")


def test_older_plaintext_files_are_read_and_the_command_encrypts_them(
    on_day: Any, media: Path
) -> None:
    case = complaint(on_day)
    name = "cases/2026/09/legacy.bin"
    (media / "cases/2026/09").mkdir(parents=True)
    (media / name).write_bytes(PDF)  # stored before encryption at rest
    rec = CaseRecord.objects.create(
        case=case, kind="evidence", title="旧证据", file=name, file_name="old.pdf"
    )
    url = reverse("cases:record_file", args=[case.pk, rec.pk])
    county = client_for("county")
    assert body(county.get(url)) == PDF
    assert not EVIDENCE_STORAGE.is_encrypted(name)
    call_command("encrypt_media", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _on_disk(media, name).startswith(FILE_MAGIC)
    assert body(county.get(url)) == PDF
    call_command("encrypt_media", stdout=open("/dev/null", "w"))  # noqa: SIM115  (again: no-op)
    assert body(county.get(url)) == PDF
