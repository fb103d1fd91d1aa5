"""A project may issue rectification orders (``rectifications.registry``): the order links back to
the project; escalating it to a case carries the board photo and the pay sheets as evidence."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext_lazy as _

from laborgrid.rectifications.registry import EvidenceFile, register_source

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _opener(field: Any) -> Any:
    def open_() -> io.BytesIO:
        with field.open("rb") as fh:
            return io.BytesIO(fh.read())

    return open_


def evidence(project: Any) -> list[EvidenceFile]:
    files = [
        EvidenceFile(
            f"board-{ob.pk}.{ob.photo_type.rsplit('/', 1)[-1]}",
            ob.photo_type,
            _opener(ob.photo),
            str(_("维权信息告示牌照片")),
        )
        for ob in project.obligations.exclude(photo="")
    ]
    files += [
        EvidenceFile(
            f"paysheet-{s.month:%Y-%m}.xlsx",
            XLSX,
            _opener(s.file),
            str(_("工资支付表 %(month)s") % {"month": f"{s.month:%Y-%m}"}),
        )
        for s in project.paysheets.all()[:12]
    ]
    return files


def register() -> None:
    from laborgrid.projects.models import Project

    register_source(
        Project, label=_("在建工程项目"), url=lambda p: p.get_absolute_url(), evidence=evidence
    )
