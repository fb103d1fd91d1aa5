"""Permission-matrix entries for the case URLs and endpoints (merged by
core/tests/test_permission_matrix). Objects are demo cases of 马场镇 / 猫场镇."""

from __future__ import annotations

from django.core.files.base import ContentFile

from laborgrid.cases.models import Case, CaseDocument, CaseRecord
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _case(code: str) -> Case:
    case = (
        Case.objects.filter(grid_path__contains=f"/{code}/", complainants__isnull=False)
        .order_by("id")
        .first()
    )
    assert case is not None, f"the demo has no case in {code}"
    return case


def machang_case() -> int:
    return _case(MACHANG).pk


def maochang_case() -> int:
    return _case(MAOCHANG).pk


def _person(code: str) -> int:
    return _case(code).complainants.first().pk  # type: ignore[union-attr]


def _record(code: str) -> int:
    case = _case(code)
    rec = CaseRecord(
        case=case, kind="evidence", title="工资条", file_name="a.pdf", file_type="application/pdf"
    )
    rec.file.save("a.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return rec.pk


def _document(code: str) -> int:
    from laborgrid.accounts.models import User

    case = _case(code)
    doc = CaseDocument(
        case=case,
        doc_type="correction_order",
        title="责令改正指令书",
        number=f"测试〔2026〕{case.pk}-{CaseDocument.objects.count() + 1}号",
        issued_by=User.objects.get(username="county"),
    )
    doc.file.save("d.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return doc.pk


def _kw(code: str, **extra: object) -> dict[str, object]:
    return {"pk": lambda: _case(code).pk, **extra}


SPECS: dict[str, Spec] = {
    "cases:case_list": Spec(lists={"q": "马场"}),
    "cases:case_boards": Spec(),
    "cases:case_create": Spec(methods=("get", "post"), writes=True),
    "cases:case_detail": Spec(other=_kw(MACHANG), own=_kw(MAOCHANG)),
    "cases:case_action": Spec(
        other=_kw(MACHANG, action="accept"),
        own=_kw(MAOCHANG, action="accept"),
        methods=("post",),
        writes=True,
    ),
    "cases:record_add": Spec(other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True),
    "cases:record_file": Spec(
        other=_kw(MACHANG, record_id=lambda: _record(MACHANG)),
        own=_kw(MAOCHANG, record_id=lambda: _record(MAOCHANG)),
    ),
    "cases:preservation_decide": Spec(
        other=_kw(MACHANG, record_id=lambda: _record(MACHANG)),
        own=_kw(MAOCHANG, record_id=lambda: _record(MAOCHANG)),
        methods=("post",),
        writes=True,
    ),
    "cases:outcome_edit": Spec(
        other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True
    ),
    "cases:case_reroute": Spec(
        other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True
    ),
    "cases:case_merge": Spec(other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True),
    "cases:complainant_reveal": Spec(
        other=_kw(MACHANG, person_id=lambda: _person(MACHANG)),
        own=_kw(MAOCHANG, person_id=lambda: _person(MAOCHANG)),
        methods=("post",),
        writes=True,
    ),
    "cases:document_issue": Spec(
        other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True
    ),
    "cases:document_file": Spec(
        other=_kw(MACHANG, doc_id=lambda: _document(MACHANG)),
        own=_kw(MAOCHANG, doc_id=lambda: _document(MAOCHANG)),
    ),
    "cases:certificate_list": Spec(methods=("get", "post")),
    "cases:certificate_revoke": Spec(other={"pk": 999999}, methods=("post",)),
    "public:complaint_form": Spec(public=True),
    "public:complaint_done": Spec(public=True),
    "public:track": Spec(public=True),
    "notifications:notification_list": Spec(),
    "notifications:notification_read": Spec(methods=("post",)),
}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("post", "/api/v1/public/complaints"): Spec(public=True),
    ("get", "/api/v1/public/complaints/{tracking_code}"): Spec(public=True),
    ("get", "/api/v1/cases"): Spec(lists={"q": "马场"}),
    ("get", "/api/v1/cases/{case_id}"): Spec(
        other={"case_id": machang_case}, own={"case_id": maochang_case}
    ),
    ("get", "/api/v1/cases/{case_id}/employer-candidates"): Spec(
        other={"case_id": machang_case}, own={"case_id": maochang_case}
    ),
    ("post", "/api/v1/cases/{case_id}/actions/{action}"): Spec(
        other={"case_id": machang_case, "action": "accept"},
        own={"case_id": maochang_case, "action": "accept"},
        writes=True,
    ),
    ("post", "/api/v1/cases/{case_id}/reroute"): Spec(
        other={"case_id": machang_case}, own={"case_id": maochang_case}, writes=True
    ),
    ("post", "/api/v1/cases/{case_id}/merge"): Spec(
        other={"case_id": machang_case}, own={"case_id": maochang_case}, writes=True
    ),
}
