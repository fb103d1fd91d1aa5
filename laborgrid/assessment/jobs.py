"""The background computation of a year's assessment (``assessment.compute``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from laborgrid.assessment import services
from laborgrid.core.jobs import Progress, job_runner
from laborgrid.core.models import Job
from laborgrid.grids.models import Grid


@job_runner("assessment.compute")
def compute_job(job: Job, progress: Progress) -> None:
    # Scope is checked again with the job's actor (check_write inside the service).
    county = Grid.objects.get(code=job.params["county"])
    progress.set_total(1)
    assessment = services.compute_assessment(
        actor=job.actor, root=county, year=int(job.params["year"])
    )
    progress.advance(1, message=_("已计算第 %(v)s 版。") % {"v": assessment.version})
