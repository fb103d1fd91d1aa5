"""Permission-matrix entries for these employer URLs (merged by core/tests/test_permission_matrix).

The archive page is read-only; the contact-phone reveal is a POST that needs ``pii.reveal``
(the read-only leader gets 403 on a 猫场镇 employer it can see, before the reason is read).
"""

from __future__ import annotations

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG_VILLAGE, MAOCHANG_VILLAGE


def _employer_in(grid_code: str) -> int:
    from laborgrid.testing.employers import make_employer

    return make_employer(grid_code, contact_phone="13812345678").pk


def _machang_employer() -> int:
    return _employer_in(MACHANG_VILLAGE)


def _maochang_employer() -> int:
    return _employer_in(MAOCHANG_VILLAGE)


SPECS: dict[str, Spec] = {
    "employers:employer_detail": Spec(
        other={"pk": _machang_employer}, own={"pk": _maochang_employer}
    ),
    "employers:contact_reveal": Spec(
        other={"pk": _machang_employer},
        own={"pk": _maochang_employer},
        methods=("post",),
        writes=True,
    ),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
