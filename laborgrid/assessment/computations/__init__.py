"""The indicator computations the platform ships (``laborgrid.assessment.indicators``).

One module per source of records; ``register_builtin()`` (called by ``AssessmentConfig.ready``)
registers them. An app that lands later adds a module here and a line below.
"""

from __future__ import annotations


def register_builtin() -> None:
    from laborgrid.assessment.computations import (
        acceptance,
        collection,
        complaints,
        deadlines,
        freshness,
        incidents,
        patrols,
        reviews,
    )

    freshness.register_it()
    collection.register_it()
    deadlines.register_it()
    complaints.register_it()
    acceptance.register_it()
    incidents.register_it()
    patrols.register_it()
    reviews.register_it()
