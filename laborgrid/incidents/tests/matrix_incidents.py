"""Permission-matrix entries for the incident pages and API (merged by
site/tests/test_permission_matrix). ``other`` points at 马场镇 objects (404 for 猫场镇 staff),
``own`` at 猫场镇 ones the read-only leader can see but not change (403)."""

from __future__ import annotations

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _incident(code: str) -> int:
    from laborgrid.incidents.tests.helpers import make_incident

    reporter = "machang" if code == MACHANG else "maochang"
    return make_incident(code, reporter=reporter).pk


def _other_incident() -> int:
    return _incident(MACHANG)


def _own_incident() -> int:
    return _incident(MAOCHANG)


def _other_photo() -> int:
    from laborgrid.accounts.models import User
    from laborgrid.incidents.tests.helpers import JPEG, make_incident

    incident = make_incident(MACHANG, reporter="machang")
    from laborgrid.incidents import services

    services.add_photos(
        actor=User.objects.get(username="machang"),
        incident=incident,
        photos=[(JPEG, "image/jpeg")],
    )
    return incident.photos.get().pk


def _warning(code: str) -> int:
    from laborgrid.grids.models import Grid
    from laborgrid.incidents.models import EarlyWarning, WarningRule

    grid = Grid.objects.get(code=code)
    return EarlyWarning.objects.create(
        rule=WarningRule.objects.get(key="repeated_complaints"),
        subject_key=f"name:矩阵{code}",
        subject_name=f"矩阵单位{code}",
        grid=grid,
        grid_path=grid.path,
        count=3,
    ).pk


def _other_warning() -> int:
    return _warning(MACHANG)


def _own_warning() -> int:
    return _warning(MAOCHANG)


def _incident_pair(methods: tuple[str, ...] = ("post",), writes: bool = True) -> Spec:
    return Spec(
        other={"pk": _other_incident}, own={"pk": _own_incident}, methods=methods, writes=writes
    )


SPECS: dict[str, Spec] = {
    "incidents:incident_list": Spec(lists={"status": "all"}),
    "incidents:incident_report": Spec(methods=("get", "post"), writes=True),
    "incidents:employer_search": Spec(lists={"q": "镇"}),
    "incidents:incident_detail": Spec(other={"pk": _other_incident}, own={"pk": _own_incident}),
    "incidents:incident_update": _incident_pair(),
    "incidents:incident_settle": _incident_pair(),
    "incidents:incident_close": _incident_pair(),
    "incidents:incident_case": _incident_pair(),
    "incidents:incident_photos": _incident_pair(),
    "incidents:incident_pdf": Spec(other={"pk": _other_incident}, own={"pk": _own_incident}),
    "incidents:incident_photo": Spec(other={"pk": _other_photo}),
    "incidents:warning_list": Spec(lists={"status": "all"}),
    "incidents:warning_acknowledge": Spec(
        other={"pk": _other_warning}, own={"pk": _own_warning}, methods=("post",), writes=True
    ),
    "incidents:warning_resolve": Spec(
        other={"pk": _other_warning}, own={"pk": _own_warning}, methods=("post",), writes=True
    ),
    "incidents:settings": Spec(),
    "incidents:level_save": Spec(methods=("post",), writes=True),
    "incidents:rule_save": Spec(methods=("post",), writes=True),
}

API_SPECS: dict[tuple[str, str], Spec] = {
    ("post", "/api/v1/incidents"): Spec(),
    ("get", "/api/v1/incidents"): Spec(lists={"status": ""}),
    ("post", "/api/v1/incidents/{incident_id}/updates"): Spec(
        other={"incident_id": _other_incident}
    ),
    ("get", "/api/v1/warnings"): Spec(lists={"status": "all"}),
}
