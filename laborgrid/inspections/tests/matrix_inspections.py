"""Permission-matrix entries for the inspection pages and API (merged by
site/tests/test_permission_matrix). ``other`` points at 马场镇 objects (404 for 猫场镇 staff),
``own`` at 猫场镇 ones the read-only leader can see but not change (403)."""

from __future__ import annotations

from laborgrid.inspections.tests.helpers import JPEG, make_campaign, make_plan, make_visit, user
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _plan(code: str) -> int:
    return make_plan(code, months_ahead=3).pk


def _target(code: str) -> int:
    from laborgrid.inspections import services
    from laborgrid.inspections.tests.helpers import employer_in

    plan = make_plan(code, months_ahead=3)
    employer = employer_in(code, 4)
    services.add_plan_targets(actor=user("county"), plan=plan, employer_ids=[employer.pk])
    return plan.targets.get(employer=employer).pk


def _campaign(code: str) -> int:
    return make_campaign(code, name=f"矩阵 {code}").pk


def _visit(code: str) -> int:
    return make_visit(code).pk


def _photo(code: str) -> int:
    from laborgrid.inspections import services
    from laborgrid.inspections.models import Visit

    visit = Visit.objects.get(pk=_visit(code))
    photo, _created = services.add_photo(
        actor=user("county"), visit=visit, content=JPEG, content_type="image/jpeg"
    )
    return photo.pk


def _concluded(code: str) -> int:
    from laborgrid.inspections import services
    from laborgrid.inspections.choices import Signature
    from laborgrid.inspections.models import Visit

    visit = Visit.objects.get(pk=_visit(code))
    services.conclude_visit(
        actor=user("county"), visit=visit, decisions=[], signature=Signature.ABSENT
    )
    return visit.pk


def _employer(code: str) -> int:
    from laborgrid.inspections.tests.helpers import employer_in

    return employer_in(code, 1).pk


def _ordered(code: str) -> int:
    """A concluded visit with a finding ticked for rectification (the order form is open)."""
    from laborgrid.inspections import services
    from laborgrid.inspections.choices import FindingResult, Signature
    from laborgrid.inspections.models import Visit

    visit = Visit.objects.get(pk=_visit(code))
    services.conclude_visit(
        actor=user("county"),
        visit=visit,
        decisions=[
            services.FindingDecision(
                f.key, f.result, f.note, to_order=f.result == FindingResult.VIOLATION
            )
            for f in visit.findings.all()
        ],
        signature=Signature.ABSENT,
    )
    return visit.pk


def _plan_target(code: str) -> dict[str, int]:
    pk = _target(code)
    from laborgrid.inspections.models import PatrolTarget

    return {"pk": PatrolTarget.objects.get(pk=pk).plan_id, "target": pk}


SPECS: dict[str, Spec] = {
    "inspections:plan_list": Spec(),
    "inspections:plan_create": Spec(methods=("get", "post"), writes=True),
    "inspections:plan_detail": Spec(
        other={"pk": lambda: _plan(MACHANG)}, own={"pk": lambda: _plan(MAOCHANG)}
    ),
    "inspections:plan_targets_add": Spec(
        other={"pk": lambda: _plan(MACHANG)},
        own={"pk": lambda: _plan(MAOCHANG)},
        methods=("post",),
        writes=True,
    ),
    "inspections:plan_target_remove": Spec(
        other={"pk": lambda: _plan_target(MACHANG)["pk"], "target": lambda: _target(MACHANG)},
        own={"pk": lambda: _plan_target(MAOCHANG)["pk"], "target": lambda: _target(MAOCHANG)},
        methods=("post",),
        writes=True,
    ),
    "inspections:cycle": Spec(methods=("get", "post"), writes=True),
    "inspections:campaign_list": Spec(),
    "inspections:campaign_create": Spec(methods=("get", "post"), writes=True),
    "inspections:campaign_detail": Spec(
        other={"pk": lambda: _campaign(MACHANG)}, own={"pk": lambda: _campaign(MAOCHANG)}
    ),
    "inspections:campaign_targets_add": Spec(
        other={"pk": lambda: _campaign(MACHANG)},
        own={"pk": lambda: _campaign(MAOCHANG)},
        methods=("post",),
        writes=True,
    ),
    "inspections:campaign_close": Spec(
        other={"pk": lambda: _campaign(MACHANG)},
        own={"pk": lambda: _campaign(MAOCHANG)},
        methods=("post",),
        writes=True,
    ),
    "inspections:campaign_export": Spec(
        other={"pk": lambda: _campaign(MACHANG)},
        own={"pk": lambda: _campaign(MAOCHANG)},
        methods=("post",),
    ),
    "inspections:visit_list": Spec(),
    "inspections:visit_create": Spec(methods=("get", "post"), writes=True),
    "inspections:visit_form": Spec(
        other={"employer": lambda: _employer(MACHANG)},
        methods=("get", "post"),
        writes=True,
    ),
    "inspections:visit_order": Spec(
        other={"pk": lambda: _ordered(MACHANG)},
        own={"pk": lambda: _ordered(MAOCHANG)},
        methods=("get", "post"),
        writes=True,
    ),
    "inspections:visit_detail": Spec(
        other={"pk": lambda: _visit(MACHANG)}, own={"pk": lambda: _visit(MAOCHANG)}
    ),
    "inspections:visit_photo_add": Spec(
        other={"pk": lambda: _visit(MACHANG)},
        own={"pk": lambda: _visit(MAOCHANG)},
        methods=("post",),
        writes=True,
    ),
    "inspections:visit_conclude": Spec(
        other={"pk": lambda: _visit(MACHANG)},
        own={"pk": lambda: _visit(MAOCHANG)},
        methods=("get", "post"),
        writes=True,
    ),
    "inspections:visit_record": Spec(
        other={"pk": lambda: _concluded(MACHANG)}, own={"pk": lambda: _concluded(MAOCHANG)}
    ),
    "inspections:photo": Spec(other={"pk": lambda: _photo(MACHANG)}),
    "inspections:stats": Spec(),
}

API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/inspections/plans"): Spec(),
    ("post", "/api/v1/inspections/plans"): Spec(writes=True),
    ("get", "/api/v1/inspections/campaigns"): Spec(),
    ("post", "/api/v1/inspections/campaigns"): Spec(writes=True),
    ("get", "/api/v1/inspections/visits"): Spec(),
    ("post", "/api/v1/inspections/visits"): Spec(writes=True),
    ("post", "/api/v1/inspections/visits/{visit_id}/order"): Spec(
        other={"visit_id": lambda: _ordered(MACHANG)},
        own={"visit_id": lambda: _ordered(MAOCHANG)},
        writes=True,
    ),
}
