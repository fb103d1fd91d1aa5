"""Abuse limits of public intake (issue 6 "Bad input and abuse"): text and file sizes, file types
judged by content, rate limits per IP and per phone (counted in the database), the unguessable
tracking code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.cases.models import IntakeCount
from laborgrid.core import pii

PHONE_CONTEXT = "complainant.phone"


#: Unambiguous alphabet (no 0/O, 1/I/L, U/V): 29 symbols; 12 of them ≈ 3.5e17 codes (≥ 10 random
#: characters, issue §"abuse"), drawn with ``secrets``.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


TRACKING_LENGTH = 12


MAX_FACTS = 5000


MAX_SHORT = 200


MAX_REPRESENTATIVES = 5  # 若干规定; 浙江 Art. 20


# Content signatures of the attachment types accepted (checked on the bytes, not the name).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_file_bytes() -> int:
    return setting("LABORGRID_INTAKE_MAX_FILE_MB", 5) * 1024 * 1024


def max_files() -> int:
    return setting("LABORGRID_INTAKE_MAX_FILES", 5)


class Throttled(ValidationError):
    """Too many submissions from one IP or phone (the API answers 429)."""


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").upper()
    return re.sub(r"[\s\-_]", "", text)[:32]


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one event under ``key`` in the current window of ``window`` seconds; True while
    within ``limit``. One upsert that answers the new count: atomic on SQLite and PostgreSQL
    (a cache's get-then-set lets a burst of parallel requests through)."""
    if limit <= 0:
        return True
    now = timezone.now()
    slot = int(now.timestamp()) // window
    ends = dt.datetime.fromtimestamp((slot + 1) * window, tz=dt.UTC)
    table = IntakeCount._meta.db_table
    expires = IntakeCount._meta.get_field("expires_at").get_db_prep_value(ends, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ("key", "count", "expires_at") VALUES (%s, 1, %s) '  # noqa: S608
            f'ON CONFLICT ("key") DO UPDATE SET "count" = "{table}"."count" + 1 '
            'RETURNING "count"',
            [f"{key}:{slot}", expires],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window: forget the past ones
        IntakeCount.objects.filter(expires_at__lte=now).delete()
    return bool(count <= limit)


def throttle_ip(ip: str | None, *, scope: str = "submit") -> None:
    """Per-IP limit on public submissions (``LABORGRID_INTAKE_PER_IP_PER_HOUR``) and on tracking
    queries (``LABORGRID_TRACKING_PER_IP_PER_HOUR``): floods are refused, guessing is slowed."""
    if scope == "submit":
        limit = setting("LABORGRID_INTAKE_PER_IP_PER_HOUR", 10)
    else:
        limit = setting("LABORGRID_TRACKING_PER_IP_PER_HOUR", 60)
    digest = hashlib.sha256((ip or "-").encode()).hexdigest()[:32]
    if not _hit(f"lg:intake:{scope}:ip:{digest}", limit, 3600):
        raise Throttled(_("提交过于频繁，请稍后再试。"))


def throttle_phone(phone: str) -> None:
    limit = setting("LABORGRID_INTAKE_PER_PHONE_PER_DAY", 5)
    key = pii.blind(phone, context=PHONE_CONTEXT)[:32]
    if not _hit(f"lg:intake:phone:{key}", limit, 86400):
        raise Throttled(_("该手机号码今天提交次数过多，请明天再试或拨打 12333。"))


def check_file(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) of an accepted attachment, judged by its first bytes."""
    size = upload.size or 0
    if size > max_file_bytes():
        raise ValidationError(
            {
                "attachments": _("附件“%(name)s”超过 %(mb)d MB。")
                % {"name": (upload.name or "")[:60], "mb": max_file_bytes() // 1024 // 1024}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, ctype, ext in SIGNATURES:
        if head.startswith(magic):
            return ctype, ext
    raise ValidationError(
        {
            "attachments": _("附件“%(name)s”不是 PDF、JPEG 或 PNG 文件。")
            % {"name": (upload.name or "")[:60]}
        }
    )
