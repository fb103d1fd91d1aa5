"""Field-level encryption and blind indexes for personal numbers (ID card, phone, bank card).

Why this exists: 等保 2.0 level 3 (数据保密性) and the PIPL require 重要个人信息 to be protected with
密码技术 *in storage*, and docs/SECURITY.md decides that personal numbers are encrypted at rest
(AES-256-GCM, or SM4-GCM where 商用密码 rules apply) with a separate keyed hash for exact lookup.
Disk or backup encryption alone does not satisfy that: a database dump, a replica or a mistaken
``SELECT`` would still show the numbers. So each value is encrypted by the application before it
reaches the database, and the database only ever sees opaque tokens.

The module is deliberately framework-free (no Django imports) so that models, import jobs,
management commands and benchmarks can share it, and so its tests need no database. Settings are
expected to build one :class:`KeyRing` at start-up, e.g.
``KeyRing.from_config(os.environ["LABORGRID_FIELD_KEYS"])``, and to fail fast if it is invalid.

Design points:

* **Tokens are self-describing** (``v1.<key id>.<nonce>.<ciphertext+tag>``, base64url without
  padding) so that keys can be rotated without a migration flag day: every key in the ring can
  decrypt, only the *current* one encrypts, and :meth:`KeyRing.needs_rotation` /
  :meth:`KeyRing.rotate` let a background job re-encrypt old rows at its own pace. Key ids are
  therefore permanent: renaming a key id makes its tokens undecryptable.
* **The column is bound as associated data** (``context``, e.g. ``"worker.id_number"``, together
  with the version and key id). A token copied into another column or another table fails to
  decrypt instead of silently showing, say, a phone number where an ID number is expected.
* **Nonces are 12 random bytes** from the OS CSPRNG. With random 96-bit nonces NIST SP 800-38D
  limits one key to 2^32 encryptions; a county platform encrypts a few million values per key at
  most, and rotation resets the count.
* **The blind index** (:meth:`KeyRing.blind_index`) is an HMAC with a *separate* key, so exact
  lookups ("which employers has this worker been on?") and de-duplication across imports work
  without decrypting every row, and knowing the index does not help to decrypt. Because it is
  keyed, an attacker with the database but not the key cannot brute-force the (small) space of
  valid ID numbers against it.
* **No plaintext or key material in reprs, exception messages or logs.** Error messages name the
  key id, context and reason only. Note that crash reporters which capture frame locals can still
  see plaintext in the caller's frames; configure them to scrub locals.

Token length, for sizing database columns: for a plaintext of *n* UTF-8 bytes and a key id of *k*
characters, a token is ``3 + k + 1 + 16 + 1 + ceil((n + 16) * 4 / 3)`` characters (an 18-digit ID
number with key id ``k1`` gives 69 characters).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal, cast, get_args

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "CIPHER_ALGORITHMS",
    "FILE_MAGIC",
    "INDEX_ALGORITHMS",
    "TOKEN_VERSION",
    "CipherAlgorithm",
    "DecryptionError",
    "IndexAlgorithm",
    "IndexKey",
    "Key",
    "KeyRing",
    "generate_config",
    "is_encrypted_file",
    "normalise_for_index",
]

CipherAlgorithm = Literal["aes-256-gcm", "sm4-gcm"]
IndexAlgorithm = Literal["hmac-sha256", "hmac-sm3"]

#: Key material length per cipher: AES-256 needs 32 bytes, SM4 (GB/T 32907) has a 128-bit key.
CIPHER_ALGORITHMS: Final[dict[str, int]] = {"aes-256-gcm": 32, "sm4-gcm": 16}
#: HMAC keys shorter than the hash output weaken the index; longer than the block size (64 bytes
#: for both SHA-256 and SM3) they are hashed first and gain nothing.
INDEX_ALGORITHMS: Final[frozenset[str]] = frozenset(get_args(IndexAlgorithm))
_INDEX_KEY_MIN, _INDEX_KEY_MAX = 32, 64

#: The first field of every token. A future format gets a new version; old tokens keep decrypting.
TOKEN_VERSION: Final = "v1"  # noqa: S105  (a format tag, not a secret)

#: The first bytes of a file encrypted by :meth:`KeyRing.encrypt_bytes` (no PDF, JPEG or PNG
#: starts with them, so an older plaintext file is told apart by its first bytes).
FILE_MAGIC: Final = b"LGENC1\x00"

_NONCE_BYTES: Final = 12
_TAG_BYTES: Final = 16

#: Key ids end up in tokens and in the configuration string, so they must not contain the
#: separators of either (``.``, ``;``, ``=``, ``:``); short, because every token repeats it.
_KEY_ID_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,16}")
_RESERVED_NAMES: Final = frozenset({"current", "index"})
#: Contexts are developer-chosen constants naming a column ("worker.id_number"); restricting
#: them catches accidental use of user input as a context.
_CONTEXT_RE: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}")
#: Only algorithm names that look like names are echoed in errors, never something that could
#: be key material pasted into the wrong place.
_SHOWABLE_NAME_RE: Final = re.compile(r"[A-Za-z0-9-]{1,16}")


class DecryptionError(ValueError):
    """A token could not be decrypted: malformed, tampered with, unknown key, or wrong context.

    A subclass of :class:`ValueError` because it is always caused by bad input data. The message
    never contains plaintext or key material, so it is safe to log.
    """


# --------------------------------------------------------------------------- keys


@dataclass(frozen=True, slots=True)
class Key:
    """One named encryption key. ``material`` is excluded from the repr so it never gets logged."""

    id: str
    algorithm: CipherAlgorithm
    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_key_id(self.id)
        expected = CIPHER_ALGORITHMS.get(self.algorithm)
        if expected is None:
            raise ValueError(
                f"key {self.id!r}: unknown algorithm {_showable(self.algorithm)} "
                f"(expected one of {', '.join(CIPHER_ALGORITHMS)})"
            )
        if not isinstance(self.material, bytes) or len(self.material) != expected:
            got = len(self.material) if isinstance(self.material, bytes) else "non-bytes"
            raise ValueError(
                f"key {self.id!r}: {self.algorithm} needs {expected} bytes of key material, got {got}"
            )
        _check_not_placeholder(self.material, f"key {self.id!r}")


@dataclass(frozen=True, slots=True)
class IndexKey:
    """The HMAC key for blind indexes. Kept apart from the encryption keys (key separation)."""

    algorithm: IndexAlgorithm
    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.algorithm not in INDEX_ALGORITHMS:
            raise ValueError(
                f"index key: unknown algorithm {_showable(self.algorithm)} "
                f"(expected one of {', '.join(sorted(INDEX_ALGORITHMS))})"
            )
        if not isinstance(self.material, bytes) or not (
            _INDEX_KEY_MIN <= len(self.material) <= _INDEX_KEY_MAX
        ):
            got = len(self.material) if isinstance(self.material, bytes) else "non-bytes"
            raise ValueError(
                f"index key: {self.algorithm} needs {_INDEX_KEY_MIN} to {_INDEX_KEY_MAX} bytes "
                f"of key material, got {got}"
            )
        _check_not_placeholder(self.material, "index key")


class KeyRing:
    """Named encryption keys (one of them current) plus the blind-index key.

    Build it once at start-up (normally with :meth:`from_config`) and share it: it is immutable
    and safe to use from several threads.
    """

    __slots__ = ("_aead", "_current", "_index_key", "_keys")

    def __init__(self, keys: Iterable[Key], *, current: str, index_key: IndexKey) -> None:
        by_id: dict[str, Key] = {}
        for key in keys:
            if key.id in by_id:
                raise ValueError(f"key {key.id!r} is defined more than once")
            by_id[key.id] = key
        if not by_id:
            raise ValueError("at least one encryption key is required")
        if current not in by_id:
            raise ValueError(f"current key {_showable_id(current)} is not one of the defined keys")
        if any(hmac.compare_digest(index_key.material, k.material) for k in by_id.values()):
            # Reusing a key for two purposes is a classic mistake when keys are pasted by hand.
            raise ValueError("index key must differ from every encryption key")
        self._keys: dict[str, Key] = by_id
        self._current: Key = by_id[current]
        self._index_key: IndexKey = index_key
        # AESGCM objects are reusable and thread-safe; SM4 has no AEAD class and uses Cipher.
        self._aead: dict[str, AESGCM] = {
            k.id: AESGCM(k.material) for k in by_id.values() if k.algorithm == "aes-256-gcm"
        }

    # ---------------------------------------------------------------- configuration

    @classmethod
    def from_config(cls, text: str) -> KeyRing:
        """Parse the compact configuration string kept in an environment variable or secret.

        Format: ``;``-separated ``name=value`` entries, e.g.
        ``current=k2;k1=aes-256-gcm:<base64>;k2=sm4-gcm:<base64>;index=hmac-sha256:<base64>``.
        Whitespace around entries and an empty trailing entry are ignored; base64 may be the
        standard or the URL-safe alphabet, with or without padding. Raises :class:`ValueError`
        saying which entry is wrong and why, without echoing key material.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError("key configuration is empty")
        keys: list[Key] = []
        seen: set[str] = set()
        current: str | None = None
        index_key: IndexKey | None = None
        for position, raw in enumerate(text.split(";"), start=1):
            entry = raw.strip()
            if not entry:
                continue
            name, sep, value = entry.partition("=")
            name, value = name.strip(), value.strip()
            if not sep:
                raise ValueError(f"entry {position} is not of the form name=value")
            if name in seen:
                raise ValueError(f"{_showable_id(name)} is defined more than once")
            seen.add(name)
            if name == "current":
                _check_key_id(value, what="current")
                current = value
                continue
            if not _KEY_ID_RE.fullmatch(name):
                raise ValueError(
                    f"entry {position}: invalid name (expected 'current', 'index' or a key id "
                    "of 1-16 characters from A-Z a-z 0-9 _ -)"
                )
            label = "index key" if name == "index" else f"key {name!r}"
            algorithm, sep, encoded = value.partition(":")
            algorithm = algorithm.strip().lower()
            if not sep:
                raise ValueError(f"{label}: expected <algorithm>:<base64>")
            known = INDEX_ALGORITHMS if name == "index" else CIPHER_ALGORITHMS
            if algorithm not in known:
                raise ValueError(
                    f"{label}: unknown algorithm {_showable(algorithm)} "
                    f"(expected one of {', '.join(sorted(known))})"
                )
            material = _decode_key_material(encoded.strip(), label)
            if name == "index":
                index_key = IndexKey(cast(IndexAlgorithm, algorithm), material)
            else:
                keys.append(Key(name, cast(CipherAlgorithm, algorithm), material))
        if current is None:
            raise ValueError("'current' is missing: name the key used to encrypt, e.g. current=k1")
        if index_key is None:
            raise ValueError(
                "index key is missing: add index=hmac-sha256:<base64> (or hmac-sm3) "
                "with a key different from the encryption keys"
            )
        if not keys:
            raise ValueError("no encryption keys defined: add e.g. k1=aes-256-gcm:<base64>")
        return cls(keys, current=current, index_key=index_key)

    # ---------------------------------------------------------------- introspection

    @property
    def current_key_id(self) -> str:
        """The id of the key new values are encrypted with."""
        return self._current.id

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key id that can decrypt, in configuration order."""
        return tuple(self._keys)

    def __repr__(self) -> str:
        keys = ", ".join(f"{k.id}:{k.algorithm}" for k in self._keys.values())
        return (
            f"KeyRing(current={self._current.id!r}, keys=[{keys}], "
            f"index={self._index_key.algorithm})"
        )

    __str__ = __repr__

    # ---------------------------------------------------------------- encryption

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` with the current key, bound to ``context`` (the column name).

        Every call uses a fresh random nonce, so equal plaintexts give different tokens; use
        :meth:`blind_index` for equality lookups.
        """
        _check_context(context)
        if not isinstance(plaintext, str):
            raise TypeError(f"plaintext must be str, not {type(plaintext).__name__}")
        try:
            data = plaintext.encode("utf-8")
        except UnicodeEncodeError:
            # The codec's message and ``.object`` would carry the plaintext: drop them.
            raise ValueError("plaintext is not valid Unicode text (lone surrogate)") from None
        key = self._current
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._seal(key, nonce, data, _aad(key.id, context))
        return ".".join((TOKEN_VERSION, key.id, _b64e(nonce), _b64e(sealed)))

    def decrypt(self, token: str, *, context: str) -> str:
        """Decrypt a token made by :meth:`encrypt` for the same ``context``.

        Raises :class:`DecryptionError` if the token is malformed, names an unknown key, was
        tampered with, or belongs to another context.
        """
        _check_context(context)
        key, nonce, sealed = self._parse(token, context)
        data = self._open(key, nonce, sealed, _aad(key.id, context), context)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:  # authenticated, so only possible with a misused key
            raise DecryptionError(f"{context}: decrypted value is not UTF-8 text") from None

    def needs_rotation(self, token: str) -> bool:
        """True if ``token`` was not made with the current key (and format version).

        Only the token's header is read, so this is cheap enough to scan a whole table with; a
        malformed token raises :class:`DecryptionError`.
        """
        version, key_id = _split_header(token)
        return version != TOKEN_VERSION or key_id != self._current.id

    def rotate(self, token: str, *, context: str) -> str:
        """Return ``token`` re-encrypted with the current key.

        A token that is already current is verified and returned unchanged, so a rotation job
        can skip writing rows whose value did not change.
        """
        plaintext = self.decrypt(token, context=context)
        if not self.needs_rotation(token):
            return token
        return self.encrypt(plaintext, context=context)

    # ---------------------------------------------------------------- files

    def encrypt_bytes(self, data: bytes, *, context: str) -> bytes:
        """Encrypt a file's bytes with the current key, bound to ``context`` (e.g.
        ``"file:cases.evidence"``): ``FILE_MAGIC``, the key id's length and the key id, the nonce,
        then the ciphertext and tag. Binary, so a file grows by a few dozen bytes only."""
        _check_context(context)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        key = self._current
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._seal(key, nonce, bytes(data), _aad(key.id, context))
        key_id = key.id.encode("ascii")
        return FILE_MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed

    def file_needs_rotation(self, blob: bytes) -> bool:
        """True if an :meth:`encrypt_bytes` file was not made with the current key (only its
        header is read)."""
        if not is_encrypted_file(blob):
            return False
        at = len(FILE_MAGIC)
        size = blob[at]
        return bytes(blob[at + 1 : at + 1 + size]).decode("ascii", "replace") != self._current.id

    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        """Decrypt what :meth:`encrypt_bytes` made for the same ``context``; raises
        :class:`DecryptionError` when it is not such a file, names an unknown key, or was
        tampered with. Use :func:`is_encrypted_file` to tell an older plaintext file apart."""
        _check_context(context)
        if not is_encrypted_file(blob):
            raise DecryptionError(f"{context}: not an encrypted file")
        at = len(FILE_MAGIC)
        size = blob[at]
        key_id = bytes(blob[at + 1 : at + 1 + size]).decode("ascii", "replace")
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionError(f"{context}: file uses unknown key id {_showable_id(key_id)}")
        start = at + 1 + size
        nonce = bytes(blob[start : start + _NONCE_BYTES])
        sealed = bytes(blob[start + _NONCE_BYTES :])
        if len(nonce) != _NONCE_BYTES or len(sealed) < _TAG_BYTES:
            raise DecryptionError(f"{context}: malformed encrypted file (too short)")
        return self._open(key, nonce, sealed, _aad(key.id, context), context)

    # ---------------------------------------------------------------- blind index

    def blind_index(self, value: str, *, context: str) -> str:
        """Keyed hash of the normalised ``value`` for exact lookup: 64 lowercase hex characters.

        Deterministic for a given key, context and value, so it can carry a database index and a
        uniqueness constraint; different per context, so an ID-number index cannot be matched
        against a phone-number index. Not reversible without the index key. The value is
        normalised with :func:`normalise_for_index` first. An empty value is refused: every
        blank row would share one index value and be treated as the same person.
        """
        _check_context(context)
        if not isinstance(value, str):
            raise TypeError(f"value must be str, not {type(value).__name__}")
        normalised = normalise_for_index(value)
        if not normalised:
            raise ValueError(f"{context}: cannot index an empty value (store NULL instead)")
        try:
            data = normalised.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("value is not valid Unicode text (lone surrogate)") from None
        hash_algorithm: hashes.HashAlgorithm = (
            hashes.SM3() if self._index_key.algorithm == "hmac-sm3" else hashes.SHA256()
        )
        mac = crypto_hmac.HMAC(self._index_key.material, hash_algorithm)
        # Domain separation: version, context and value are NUL-separated; a context cannot
        # contain NUL, so no two (context, value) pairs produce the same message.
        mac.update(b"laborgrid.bidx.v1\x00" + context.encode("ascii") + b"\x00" + data)
        return mac.finalize().hex()

    # ---------------------------------------------------------------- internals

    def _seal(self, key: Key, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        if key.algorithm == "aes-256-gcm":
            return self._aead[key.id].encrypt(nonce, data, aad)
        encryptor = Cipher(algorithms.SM4(key.material), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        body = encryptor.update(data) + encryptor.finalize()
        return body + encryptor.tag

    def _open(self, key: Key, nonce: bytes, sealed: bytes, aad: bytes, context: str) -> bytes:
        try:
            if key.algorithm == "aes-256-gcm":
                return self._aead[key.id].decrypt(nonce, sealed, aad)
            body, tag = sealed[:-_TAG_BYTES], sealed[-_TAG_BYTES:]
            decryptor = Cipher(algorithms.SM4(key.material), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(aad)
            return decryptor.update(body) + decryptor.finalize()
        except InvalidTag:
            raise DecryptionError(
                f"{context}: token failed authentication (tampered with, wrong key or wrong context)"
            ) from None

    def _parse(self, token: str, context: str) -> tuple[Key, bytes, bytes]:
        version, key_id = _split_header(token)
        if version != TOKEN_VERSION:
            raise DecryptionError(f"{context}: unsupported token version {version!r}")
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionError(f"{context}: token uses unknown key id {key_id!r}")
        _, _, nonce_text, sealed_text = token.split(".")
        nonce = _b64d_token(nonce_text, context)
        sealed = _b64d_token(sealed_text, context)
        if len(nonce) != _NONCE_BYTES:
            raise DecryptionError(f"{context}: malformed token (bad nonce length)")
        if len(sealed) < _TAG_BYTES:
            raise DecryptionError(f"{context}: malformed token (ciphertext too short)")
        return key, nonce, sealed


# --------------------------------------------------------------------------- functions


def is_encrypted_file(blob: bytes) -> bool:
    """Does ``blob`` start like a file made by :meth:`KeyRing.encrypt_bytes`?"""
    return bytes(blob[: len(FILE_MAGIC)]) == FILE_MAGIC


def normalise_for_index(value: str) -> str:
    """Canonical form of a personal number for the blind index.

    Imports mix full-width digits (``１２３``), ``x`` and ``X`` check characters, spaces and
    hyphens (``138-0013-8000``); without normalising, the same person would get several index
    values and lookups would miss. Applies NFKC (full-width to ASCII), removes all whitespace
    and ``-``, and upper-cases. Meant for numbers: validate and compact with python-stdnum
    before encrypting, and use this only to make the index robust to what slips through.
    """
    text = unicodedata.normalize("NFKC", value)
    return "".join(text.split()).replace("-", "").upper()


def generate_config(
    algorithm: str = "aes-256-gcm",
    *,
    key_id: str = "k1",
    index_algorithm: str | None = None,
) -> str:
    """Create a configuration string with fresh random keys, for :meth:`KeyRing.from_config`.

    The index algorithm defaults to the same family as the cipher (HMAC-SM3 with SM4, so a
    商用密码 deployment uses national algorithms throughout; HMAC-SHA256 with AES). To rotate,
    generate a config with a new ``key_id``, copy its key entry into the existing configuration
    and point ``current`` at it; keep the old keys and the old index key.
    """
    algorithm = algorithm.lower()
    if algorithm not in CIPHER_ALGORITHMS:
        raise ValueError(
            f"unknown algorithm {_showable(algorithm)} "
            f"(expected one of {', '.join(CIPHER_ALGORITHMS)})"
        )
    if index_algorithm is None:
        index_algorithm = "hmac-sm3" if algorithm == "sm4-gcm" else "hmac-sha256"
    index_algorithm = index_algorithm.lower()
    if index_algorithm not in INDEX_ALGORITHMS:
        raise ValueError(
            f"unknown index algorithm {_showable(index_algorithm)} "
            f"(expected one of {', '.join(sorted(INDEX_ALGORITHMS))})"
        )
    _check_key_id(key_id)
    key = secrets.token_bytes(CIPHER_ALGORITHMS[algorithm])
    index = secrets.token_bytes(_INDEX_KEY_MIN)
    return (
        f"current={key_id};{key_id}={algorithm}:{_b64e(key)};index={index_algorithm}:{_b64e(index)}"
    )


# --------------------------------------------------------------------------- helpers


def _aad(key_id: str, context: str) -> bytes:
    # Version and key id cannot contain ".", so the context (last) is unambiguous. Binding the
    # key id too means a token cannot be re-labelled to another key of the same algorithm.
    return f"{TOKEN_VERSION}.{key_id}.{context}".encode("ascii")


def _split_header(token: str) -> tuple[str, str]:
    if not isinstance(token, str):
        raise DecryptionError(f"token must be str, not {type(token).__name__}")
    parts = token.split(".")
    if len(parts) != 4 or not all(parts):
        raise DecryptionError("malformed token (expected version.key.nonce.ciphertext)")
    version, key_id = parts[0], parts[1]
    if not re.fullmatch(r"v[0-9]{1,3}", version):
        raise DecryptionError("malformed token (bad version field)")
    if not _KEY_ID_RE.fullmatch(key_id):
        raise DecryptionError("malformed token (bad key id field)")
    return version, key_id


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d_token(text: str, context: str) -> bytes:
    """Strict base64url: only the canonical encoding is accepted, so a token has one spelling."""
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{context}: malformed token (bad base64)") from None
    if _b64e(data) != text:
        raise DecryptionError(f"{context}: malformed token (non-canonical base64)")
    return data


def _decode_key_material(text: str, label: str) -> bytes:
    standard = text.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{label}: key material is not valid base64") from None


def _check_key_id(key_id: str, *, what: str = "key id") -> None:
    if not isinstance(key_id, str) or not _KEY_ID_RE.fullmatch(key_id):
        raise ValueError(f"{what}: invalid key id (1-16 characters from A-Z a-z 0-9 _ -)")
    if key_id in _RESERVED_NAMES:
        raise ValueError(f"{what}: {key_id!r} is reserved and cannot be used as a key id")


def _check_context(context: str) -> None:
    if not isinstance(context, str) or not _CONTEXT_RE.fullmatch(context):
        raise ValueError(
            "context must be a short column name such as 'worker.id_number' "
            "(1-128 characters from A-Z a-z 0-9 _ . : / -)"
        )


def _check_not_placeholder(material: bytes, label: str) -> None:
    # All-zero (or all-same-byte) keys are what example configurations and "AAAA…" placeholders
    # decode to; refusing them stops a copied example from reaching production.
    if len(set(material)) <= 1:
        raise ValueError(f"{label}: key material is a constant byte, not a random key")


def _showable(name: str) -> str:
    return repr(name) if _SHOWABLE_NAME_RE.fullmatch(name) else "(not shown)"


def _showable_id(name: str) -> str:
    return repr(name) if _KEY_ID_RE.fullmatch(name) else "(invalid name, not shown)"


# python -m laborgrid.lib.crypto [--algorithm sm4-gcm]: a new key ring, without Django settings
# (production settings refuse to load until LABORGRID_FIELD_KEYS is set).
if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Print a new LABORGRID_FIELD_KEYS key ring.")
    parser.add_argument("--algorithm", choices=sorted(CIPHER_ALGORITHMS), default="aes-256-gcm")
    parser.add_argument("--key-id", default="k1")
    options = parser.parse_args()
    print(generate_config(options.algorithm, key_id=options.key_id))
