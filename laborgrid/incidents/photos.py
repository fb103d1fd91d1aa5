"""Scene photos: checked by content (the client's Content-Type is not trusted) and size, encrypted
at rest with the field key ring, served only through the access-checked view — the collection
app's way (``laborgrid.collection.photos``), whose content check this module reuses."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from laborgrid.collection.models import PHOTO_TYPES
from laborgrid.collection.photos import sniff_image
from laborgrid.core.filecrypt import open_sealed_photo, sealed_photo
from laborgrid.incidents.models import Incident, IncidentPhoto

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

PHOTO_CONTEXT = "incidents.photo"
#: A phone's camera photo, uncompressed (the rapid report must not stop to shrink it).
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6


def check_photo(content: bytes, content_type: str) -> str:
    """The photo's real type, or a ``ValidationError`` on ``photos`` saying what is wrong."""
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationError(
            {"photos": [_("照片过大（不超过 %(mb)s MB）。") % {"mb": MAX_PHOTO_BYTES // 1048576}]}
        )
    sniffed = sniff_image(content)
    declared = content_type.split(";")[0].strip()
    if sniffed is None or sniffed not in PHOTO_TYPES or (declared and declared != sniffed):
        raise ValidationError({"photos": [_("只接受 JPEG、PNG 或 WebP 图片。")]})
    return sniffed


def store_photo(
    *, actor: User, incident: Incident, content: bytes, content_type: str
) -> tuple[IncidentPhoto, bool]:
    """Attach a checked photo (the same bytes again change nothing). Call inside the caller's
    transaction (the service writes the audit event)."""
    sniffed = check_photo(content, content_type)
    digest = hashlib.sha256(content).hexdigest()
    existing = IncidentPhoto.objects.filter(incident=incident, sha256=digest).first()
    if existing is not None:
        return existing, False
    if IncidentPhoto.objects.filter(incident=incident).count() >= MAX_PHOTOS:
        raise ValidationError({"photos": [_("每起事件最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}]})
    photo = IncidentPhoto(
        incident=incident,
        content_type=sniffed,
        size=len(content),
        sha256=digest,
        uploaded_by=actor,
    )
    photo.file.save("photo", sealed_photo(content, PHOTO_CONTEXT), save=False)
    photo.save()
    return photo, True


def photo_bytes(photo: IncidentPhoto) -> bytes:
    return open_sealed_photo(photo.file, PHOTO_CONTEXT)
