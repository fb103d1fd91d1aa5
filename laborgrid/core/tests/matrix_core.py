"""Permission-matrix entries: health check, jobs, language switch and unknown API paths (found by ``site/tests/test_permission_matrix``)."""

from __future__ import annotations

from laborgrid.accounts.models import User
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG


def _machang_job() -> str:
    from laborgrid.core.models import Job

    job = Job.objects.create(
        kind="grids.export",
        title="马场镇名册",
        actor=User.objects.get(username="machang"),
        params={"grid": MACHANG},
    )
    return str(job.pk)


# kwargs values may be callables (resolved inside the test's transaction)
SPECS: dict[str, Spec] = {
    "core:healthz": Spec(public=True),
    "core:service_worker": Spec(public=True),
    "api_not_found": Spec(public=True),
    "core:job_list": Spec(),
    "core:job_detail": Spec(other={"pk": _machang_job}),
    "core:job_progress": Spec(other={"pk": _machang_job}),
    "core:job_download": Spec(other={"pk": _machang_job}),
    "set_language": Spec(public=True),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
