"""Visit photos (licence, rights-information board, roster page): checked by content and size,
encrypted at rest with the field key ring (a roster page shows names and ID numbers: SECURITY.md
数据保密性) and served only through the access-checked view."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.collection.choices import PhotoKind, SubmissionStatus
from laborgrid.collection.models import MAX_PHOTO_BYTES, PHOTO_TYPES, Submission, SubmissionPhoto
from laborgrid.core.filecrypt import open_sealed_photo, sealed_photo

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

PHOTO_CONTEXT = "collection.photo"


def photo_bytes(photo: SubmissionPhoto) -> bytes:
    """The image of a stored photo (decrypted)."""
    return open_sealed_photo(photo.file, PHOTO_CONTEXT)


def sniff_image(content: bytes) -> str | None:
    """The image type the bytes really are (the client's Content-Type is not trusted)."""
    if content[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def add_photo(
    *,
    actor: User,
    submission: Submission,
    kind: str,
    content: bytes,
    content_type: str,
    request: Any = None,
) -> tuple[SubmissionPhoto, bool]:
    """Attach a photo of ``kind`` to the author's pending submission (the same bytes sent
    again change nothing; other bytes replace the photo). Checked: type by content, size."""
    if submission.submitted_by_id != actor.pk:
        raise PermissionDenied
    if submission.status != SubmissionStatus.PENDING:
        raise ValidationError(_("已审核的提交不能再添加照片。"))
    if kind not in PhotoKind.values:
        raise ValidationError({"kind": [_("照片类型无效。")]})
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationError(
            {"file": [_("照片过大（不超过 %(mb)s MB）。") % {"mb": MAX_PHOTO_BYTES // 1048576}]}
        )
    sniffed = sniff_image(content)
    if sniffed is None or sniffed not in PHOTO_TYPES or content_type.split(";")[0] != sniffed:
        raise ValidationError({"file": [_("只接受 JPEG、PNG 或 WebP 图片。")]})
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        photo = (
            SubmissionPhoto.objects.select_for_update()
            .filter(submission=submission, kind=kind)
            .first()
        )
        if photo is not None and photo.sha256 == digest:
            return photo, False
        if photo is None:
            photo = SubmissionPhoto(submission=submission, kind=kind)
        photo.content_type = sniffed
        photo.size = len(content)
        photo.sha256 = digest
        # Encrypted at rest like personal numbers (a roster page shows names and ID numbers:
        # SECURITY.md 数据保密性): the file holds the key ring's token, never the image.
        photo.file.save("photo", sealed_photo(content, PHOTO_CONTEXT), save=False)
        photo.save()
    return photo, True
