"""Concurrent issues never share a number and leave no gap (PostgreSQL: real row locks).

Each thread has its own connection and commits its own transactions, outside the test's
transaction; the rows use a bureau of their own and are removed at the end.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from laborgrid.documents.models import DocumentSequence
from laborgrid.documents.services import DocumentType, allocate_number

pytestmark = pytest.mark.django_db

BUREAU = "concurrency"
THREADS, EACH = 6, 15


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: nothing to race"
)
def test_parallel_allocations_are_unique_and_gap_free() -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                with transaction.atomic():
                    number = allocate_number(
                        doc_type=DocumentType.SERVICE_RECEIPT, year=2031, bureau=BUREAU
                    )
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        expected = {f"大人社监〔2031〕送字第{n}号" for n in range(1, THREADS * EACH + 1)}
        assert sorted(numbers) == sorted(expected)
    finally:

        def cleanup() -> None:
            DocumentSequence.objects.filter(bureau=BUREAU).delete()
            connections.close_all()

        t = threading.Thread(target=cleanup)
        t.start()
        t.join()
