"""Permission-matrix entries for the order pages and endpoints (found by
site/tests/test_permission_matrix). Objects are demo orders of 马场镇 / 猫场镇."""

from __future__ import annotations

from django.core.files.base import ContentFile

from laborgrid.rectifications.choices import FileStage
from laborgrid.rectifications.models import OrderFile, RectificationOrder
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _order(code: str) -> RectificationOrder:
    order = (
        RectificationOrder.objects.filter(grid_path__contains=f"/{code}/", state="open")
        .order_by("id")
        .first()
    )
    assert order is not None, f"the demo has no open order in {code}"
    return order


def machang_order() -> int:
    return _order(MACHANG).pk


def maochang_order() -> int:
    return _order(MAOCHANG).pk


def _file(code: str) -> int:
    order = _order(code)
    row = OrderFile(
        order=order,
        stage=FileStage.RESPONSE,
        name="report.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=order.issued_by,
    )
    row.file.save("f.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return row.pk


def _kw(code: str, **extra: object) -> dict[str, object]:
    return {"pk": lambda: _order(code).pk, **extra}


SPECS: dict[str, Spec] = {
    "rectifications:order_list": Spec(lists={"q": "马场"}),
    "rectifications:order_create": Spec(methods=("get", "post"), writes=True),
    "rectifications:order_detail": Spec(other=_kw(MACHANG), own=_kw(MAOCHANG)),
    "rectifications:document_file": Spec(other=_kw(MACHANG), own=_kw(MAOCHANG)),
    "rectifications:order_file": Spec(
        other=_kw(MACHANG, file_id=lambda: _file(MACHANG)),
        own=_kw(MAOCHANG, file_id=lambda: _file(MAOCHANG)),
    ),
    **{
        f"rectifications:order_{step}": Spec(
            other=_kw(MACHANG), own=_kw(MAOCHANG), methods=("post",), writes=True
        )
        for step in ("respond", "recheck", "close", "escalate")
    },
}
_ids = {"other": {"order_id": machang_order}, "own": {"order_id": maochang_order}}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/rectifications"): Spec(lists={"q": "马场"}),
    ("post", "/api/v1/rectifications"): Spec(writes=True),
    ("get", "/api/v1/rectifications/{order_id}"): Spec(**_ids),  # type: ignore[arg-type]
    **{
        ("post", f"/api/v1/rectifications/{{order_id}}/{step}"): Spec(**_ids, writes=True)  # type: ignore[arg-type]
        for step in ("respond", "recheck", "close", "escalate")
    },
}
