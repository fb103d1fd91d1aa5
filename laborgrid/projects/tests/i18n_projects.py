"""Chinese that is data on project pages (names, addresses, notes, legal citations): what the
English page checks (core/tests/test_i18n, projects/tests/test_english) strip before looking for
untranslated text."""

from __future__ import annotations


def data_strings() -> set[str]:
    from laborgrid.projects.choices import ARTICLE
    from laborgrid.projects.models import (
        Obligation,
        PayLine,
        Project,
        SiteWorker,
        Subcontractor,
    )

    data: set[str] = set()
    for field in ("name", "code", "client_name", "address", "labour_officer"):
        data.update(Project.objects.values_list(field, flat=True))
    for field in ("bank", "reference", "note"):
        data.update(Obligation.objects.values_list(field, flat=True))
    data.update(Subcontractor.objects.values_list("scope", flat=True))
    data.update(SiteWorker.objects.values_list("name", flat=True))
    data.update(PayLine.objects.values_list("name", flat=True))
    data.update(ARTICLE.values())
    data.update(a for v in ARTICLE.values() for a in v.split("；"))
    data.discard("")
    return data
