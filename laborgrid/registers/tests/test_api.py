"""``/api/v1/imports``: upload with a dry run, watch it, commit; errors by field; scope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.core.tasks import run_job
from laborgrid.employers.models import Employer
from laborgrid.registers.models import BatchStatus, ImportBatch
from laborgrid.registers.tests.files import HEADER, csv_text, with_titles
from laborgrid.testing.employers import make_uscc

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def token_client(username: str) -> Client:
    raw, _token = issue_token(user=User.objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def gbk(rows: list[list[str]]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "scjg.csv", csv_text(with_titles([HEADER, *rows])).encode("gbk"), "text/csv"
    )


def row(n: int) -> list[str]:
    return [
        make_uscc(n),
        f"大方县接口{n}号商贸有限公司",
        "李四",
        "有限责任公司",
        "2016-01-02",
        "100万元",
        "存续",
        "贵州省毕节市大方县猫场镇箐口村",
    ]


def run(batch_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    run_job.call(str(batch.job_id))


def test_upload_dry_run_then_commit() -> None:
    client = token_client("county")
    bad = row(895002)
    bad[0] = "91520521XXXXXXXXX1"
    response = client.post(
        URL,
        {
            "file": gbk([row(895001), bad]),
            "source": "scjg",
            "policy": json.dumps({"status": "keep"}),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "uploaded" and body["progress"]["status"] == "queued"
    assert body["policy"] == {"status": "keep"}
    run(body["id"])
    got = client.get(f"{URL}/{body['id']}").json()
    assert got["status"] == BatchStatus.PREVIEWED
    assert got["counts"]["created"] == 1 and got["counts"]["rejected"] == 1
    assert got["progress"]["status"] == "succeeded" and got["progress"]["done"] == 2
    assert got["encoding"] and got["header_row"] == 4
    assert got["links"]["page"] == f"/registers/{body['id']}/"
    assert not Employer.objects.filter(uscc=make_uscc(895001)).exists()

    committed = client.post(f"{URL}/{body['id']}/commit")
    assert committed.status_code == 202
    run(body["id"])
    assert client.get(f"{URL}/{body['id']}").json()["status"] == BatchStatus.COMMITTED
    assert Employer.objects.filter(uscc=make_uscc(895001)).exists()
    again = client.post(f"{URL}/{body['id']}/commit")
    assert again.status_code == 409 and again.json()["detail"]


def test_unknown_columns_and_an_upload_without_dry_run() -> None:
    client = token_client("county")
    content = csv_text([[*HEADER, "备用字段X"], [*row(896001), "x"]]).encode()
    response = client.post(
        URL,
        {"file": SimpleUploadedFile("a.csv", content), "source": "scjg", "dry_run": "false"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["progress"]["job"] is None and body["status"] == "uploaded"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"source": "xx"}, "source"),
        ({"source": "scjg", "mapping": "[1]"}, "mapping"),
        ({"source": "scjg", "mapping": json.dumps({"没有这列": "name"})}, "mapping"),
        ({"source": "scjg", "policy": json.dumps({"name": "sometimes"})}, "policy"),
    ],
)
def test_invalid_uploads_name_their_field(data: dict[str, Any], field: str) -> None:
    response = token_client("county").post(URL, {"file": gbk([row(897001)]), **data})
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert not ImportBatch.objects.filter(file_name="scjg.csv", source="scjg").exists()


def test_a_bad_file_is_422_on_file() -> None:
    response = token_client("county").post(
        URL, {"file": SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n" + bytes(50)), "source": "mz"}
    )
    assert response.status_code == 422 and "file" in response.json()["errors"]


def test_scope() -> None:
    county = token_client("county")
    body = county.post(URL, {"file": gbk([row(898001)]), "source": "scjg"}).json()
    for username in ("maochang", "machang"):
        client = token_client(username)
        assert client.get(f"{URL}/{body['id']}").status_code == 404
        assert client.post(f"{URL}/{body['id']}/commit").status_code == 404
        assert client.post(URL, {"file": gbk([row(898002)]), "source": "scjg"}).status_code == 403
    leader = token_client("leader")
    assert leader.get(f"{URL}/{body['id']}").status_code == 200
    assert leader.post(f"{URL}/{body['id']}/commit").status_code == 403
    assert county.get(f"{URL}/{2**63}").status_code == 404
    assert Client().get(f"{URL}/{body['id']}").status_code == 401
