"""Sync of queued submissions, measured (issue 5 closing note): what the phone's sync does for N
queued forms — one ``POST /api/v1/collection/submissions`` each, then one photo upload each —
timed through the full Django stack (middleware, session auth, CSRF, services, audit), on a fresh
demo database, then the same N sent again (a retried sync: nothing new may be stored).

    DATABASE_URL=sqlite:////tmp/lg-bench.sqlite3 .venv/bin/python bench/collection_sync.py [N] [PHOTO_KB]

Prints a table; network time is not included (add the phone's round trips: N × 2 requests).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid


def main(n: int = 200, photo_kb: int = 250) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from laborgrid.site.demo import seed_demo

    seed_demo(log=lambda _m: None)

    from laborgrid.accounts.models import User
    from laborgrid.collection.models import CollectionTask, Submission
    from laborgrid.collection.tests.helpers import FACTS, make_round
    from laborgrid.testing.employers import make_employer

    user = User.objects.get(username="maochang-a1")
    have = CollectionTask.objects.filter(assignee=user, status="open").count()
    if have < n:  # more employers in a1's villages, then a round that covers them
        for i in range(2 * (n - have) + 10):
            make_employer("520521102002", name=f"压测用人单位{i}号有限公司")
        make_round("520521102", opener="maochang", name=f"压测轮次 {uuid.uuid4().hex[:6]}")
    tasks = list(
        CollectionTask.objects.filter(assignee=user, status="open")
        .select_related("employer")
        .order_by("id")[:n]
    )
    if len(tasks) != n:
        raise SystemExit(f"only {len(tasks)} tasks")
    client = Client()
    client.force_login(user)
    bodies = [
        json.dumps(
            {
                "client_uuid": str(uuid.uuid4()),
                "task": t.pk,
                "outcome": "collected",
                "data": {**FACTS, "note": "实地走访，信息已核对。"},
                "base_snapshot": t.employer.current_snapshot_id,
                "base_version": t.employer.version,
                "gps_lat": 27.14,
                "gps_lng": 105.61,
                "gps_accuracy": 15,
                "contact_name": "陈德海",
                "contact_confirmed": True,
            },
            ensure_ascii=False,
        ).encode()
        for t in tasks
    ]
    photo = b"\xff\xd8\xff\xe0" + os.urandom(photo_kb * 1024 - 4)

    def run(label: str, with_photos: bool) -> None:
        sent = received = 0
        ids = []
        started = time.perf_counter()
        for body in bodies:
            r = client.post("/api/v1/collection/submissions", body, content_type="application/json")
            if r.status_code not in (200, 201):
                raise SystemExit(r.content.decode())
            sent += len(body)
            received += len(r.content)
            ids.append(r.json()["id"])
        json_s = time.perf_counter() - started
        photo_s = 0.0
        if with_photos and photo_kb:
            from django.core.files.uploadedfile import SimpleUploadedFile

            started = time.perf_counter()
            for sid in ids:
                r = client.post(
                    f"/api/v1/collection/submissions/{sid}/photos/licence",
                    {"file": SimpleUploadedFile("p.jpg", photo, "image/jpeg")},
                )
                if r.status_code not in (200, 201):
                    raise SystemExit(r.content.decode())
                sent += len(photo)
                received += len(r.content)
            photo_s = time.perf_counter() - started
        print(
            f"| {label} | {n} | {json_s:.2f} s ({1000 * json_s / n:.1f} ms each) | "
            f"{photo_s:.2f} s | {sent / 1024:.0f} KiB | {received / 1024:.0f} KiB |"
        )

    print(f"database: {django.db.connection.vendor}; photo: {photo_kb} KiB each")
    print("| run | submissions | JSON posts | photo uploads | sent | received |")
    print("|---|---|---|---|---|---|")
    run("first sync", with_photos=True)
    run("retried sync (same UUIDs)", with_photos=True)
    stored = Submission.objects.filter(task__in=tasks).count()
    print(f"submissions stored: {stored} (expected {n}: a retry stores nothing new)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
