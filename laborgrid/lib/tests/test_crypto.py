"""Tests for laborgrid.lib.crypto: plain pytest, no Django, no database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import hashes

from laborgrid.lib.crypto import (
    DecryptionError,
    IndexKey,
    Key,
    KeyRing,
    generate_config,
    normalise_for_index,
)

# Fixed, obviously-not-production keys so that the pinned-format tests below are reproducible.
AES_K1 = bytes(range(32))
SM4_K2 = bytes(range(100, 116))
AES_K3 = bytes(range(50, 82))
INDEX = bytes(range(200, 232))
OTHER_INDEX = bytes(range(150, 182))

ID_NUMBER = "11010519491231002X"
CTX = "worker.id_number"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def config(current: str = "k1", index_algorithm: str = "hmac-sha256", index: bytes = INDEX) -> str:
    return (
        f"current={current};k1=aes-256-gcm:{b64(AES_K1)};k2=sm4-gcm:{b64(SM4_K2)};"
        f"index={index_algorithm}:{b64(index)}"
    )


@pytest.fixture
def ring() -> KeyRing:
    """k1 (AES-256-GCM) is current; k2 (SM4-GCM) can still decrypt."""
    return KeyRing.from_config(config("k1"))


@pytest.fixture(params=["k1", "k2"], ids=["aes-256-gcm", "sm4-gcm"])
def any_ring(request: pytest.FixtureRequest) -> KeyRing:
    return KeyRing.from_config(config(request.param))


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def flip(text: str, index: int) -> str:
    """Flip one bit of byte ``index`` of a base64url field, re-encoding canonically."""
    data = bytearray(b64url_decode(text))
    data[index] ^= 0x01
    return b64url_encode(bytes(data))


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "plaintext",
    [
        ID_NUMBER,
        "13800138000",
        "6222021234567890123",
        "张三（曾用名：李四）",
        "贵州省毕节市大方县 𠀀 emoji 👷",
        "",
    ],
    ids=["id-number", "phone", "bank-card", "chinese", "astral", "empty"],
)
def test_round_trip(any_ring: KeyRing, plaintext: str) -> None:
    token = any_ring.encrypt(plaintext, context=CTX)
    assert any_ring.decrypt(token, context=CTX) == plaintext
    assert plaintext == "" or plaintext not in token


def test_token_shape_and_documented_length(any_ring: KeyRing) -> None:
    token = any_ring.encrypt(ID_NUMBER, context=CTX)
    key_id = any_ring.current_key_id
    assert re.fullmatch(rf"v1\.{key_id}\.[A-Za-z0-9_-]{{16}}\.[A-Za-z0-9_-]+", token)
    n = len(ID_NUMBER.encode())
    assert len(token) == 3 + len(key_id) + 1 + 16 + 1 + math.ceil((n + 16) * 4 / 3) == 69


def test_same_plaintext_encrypts_differently(any_ring: KeyRing) -> None:
    tokens = {any_ring.encrypt(ID_NUMBER, context=CTX) for _ in range(20)}
    assert len(tokens) == 20
    nonces = {t.split(".")[2] for t in tokens}
    assert len(nonces) == 20
    assert all(any_ring.decrypt(t, context=CTX) == ID_NUMBER for t in tokens)


def test_pinned_tokens_keep_decrypting() -> None:
    """Tokens already stored in databases must stay readable: the format is a contract."""
    ring = KeyRing.from_config(config("k1"))
    aes = "v1.k1.EO3IzanNtGKeYDNV.KKJvBGk_cOoVkPGsDabu3wvyWcbiCCuMfByKZ9gmrbQNVw"
    sm4 = "v1.k2.GUGXCmJVww3FknjX.hvA8pKZDjq5SICY4KhMFxMJ4lQ3yvQ"
    assert ring.decrypt(aes, context=CTX) == ID_NUMBER
    assert ring.decrypt(sm4, context="worker.name") == "张三"


# --------------------------------------------------------------------------- known answers


def test_aes_256_gcm_known_answer(ring: KeyRing) -> None:
    """McGrew & Viega GCM specification, test case 16 (AES-256, 60-byte plaintext, AAD)."""
    key = Key("kat", "aes-256-gcm", bytes.fromhex("feffe9928665731c6d6a8f9467308308" * 2))
    kat = KeyRing([key], current="kat", index_key=IndexKey("hmac-sha256", INDEX))
    sealed = kat._seal(
        key,
        bytes.fromhex("cafebabefacedbaddecaf888"),
        bytes.fromhex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        ),
        bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
    )
    assert sealed.hex() == (
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        "76fc6ece0f4e1768cddf8853bb2d551b"
    )


def test_sm4_gcm_known_answer() -> None:
    """RFC 8998 appendix A.1 (SM4-GCM): the bundled OpenSSL really implements SM4-GCM."""
    key = Key("kat", "sm4-gcm", bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"))
    kat = KeyRing([key], current="kat", index_key=IndexKey("hmac-sm3", INDEX))
    sealed = kat._seal(
        key,
        bytes.fromhex("00001234567800000000ABCD"),
        bytes.fromhex("".join(c * 16 for c in "ABCDEFEA")),
        bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"),
    )
    assert sealed.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )


def test_sm3_known_answer() -> None:
    """GB/T 32905-2016 example 1: SM3("abc")."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


# --------------------------------------------------------------------------- tampering


def test_every_ciphertext_byte_is_authenticated(any_ring: KeyRing) -> None:
    token = any_ring.encrypt(ID_NUMBER, context=CTX)
    version, key_id, nonce, sealed = token.split(".")
    for i in range(len(b64url_decode(sealed))):  # ciphertext and tag
        bad = ".".join((version, key_id, nonce, flip(sealed, i)))
        with pytest.raises(DecryptionError, match="failed authentication"):
            any_ring.decrypt(bad, context=CTX)


def test_every_nonce_byte_is_authenticated(any_ring: KeyRing) -> None:
    token = any_ring.encrypt(ID_NUMBER, context=CTX)
    version, key_id, nonce, sealed = token.split(".")
    for i in range(12):
        bad = ".".join((version, key_id, flip(nonce, i), sealed))
        with pytest.raises(DecryptionError, match="failed authentication"):
            any_ring.decrypt(bad, context=CTX)


def test_relabelled_key_id_fails() -> None:
    """Two keys of the same algorithm: moving a token to the other key id is detected."""
    text = config("k1") + f";k3=aes-256-gcm:{b64(AES_K3)}"
    ring = KeyRing.from_config(text)
    token = ring.encrypt(ID_NUMBER, context=CTX)
    for other in ("k2", "k3"):
        with pytest.raises(DecryptionError, match="failed authentication"):
            ring.decrypt(token.replace("v1.k1.", f"v1.{other}.", 1), context=CTX)


def test_changed_version_fails(ring: KeyRing) -> None:
    token = ring.encrypt(ID_NUMBER, context=CTX)
    with pytest.raises(DecryptionError, match="unsupported token version 'v2'"):
        ring.decrypt("v2" + token[2:], context=CTX)


def test_unknown_key_id_fails(ring: KeyRing) -> None:
    token = ring.encrypt(ID_NUMBER, context=CTX)
    with pytest.raises(DecryptionError, match="unknown key id 'k9'"):
        ring.decrypt(token.replace(".k1.", ".k9.", 1), context=CTX)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: "",
        lambda t: t[: t.rindex(".")],  # ciphertext field missing
        lambda t: t + ".extra",
        lambda t: t.replace("v1.", "x1.", 1),
        lambda t: t.replace(".k1.", ".k.1.", 1),
        lambda t: t.replace(".k1.", "..", 1),
        lambda t: t[:-1] + "!",  # not base64url
        lambda t: t[:-1] + "é",  # not ASCII
        lambda t: t + "AAA",  # not a valid base64 length
        lambda t: ".".join((*t.split(".")[:3], "AAAA")),  # shorter than the tag
        lambda t: ".".join((t.split(".")[0], "k1", "AAAA", t.split(".")[3])),  # short nonce
        lambda t: " " + t,
    ],
)
def test_malformed_tokens_raise_decryption_error(
    ring: KeyRing, mangle: Callable[[str], str]
) -> None:
    token = ring.encrypt(ID_NUMBER, context=CTX)
    bad = mangle(token)
    with pytest.raises(DecryptionError):
        ring.decrypt(bad, context=CTX)


def test_non_canonical_base64_is_rejected(ring: KeyRing) -> None:
    """The last character of a base64 field carries spare bits; they must not be ignored."""
    token = ring.encrypt(ID_NUMBER, context=CTX)  # 34 bytes -> 46 chars, 4 spare bits
    version, key_id, nonce, sealed = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(sealed[-1])
    sibling = alphabet[last ^ 0b0001]  # same decoded bytes, different spelling
    bad = ".".join((version, key_id, nonce, sealed[:-1] + sibling))
    with pytest.raises(DecryptionError, match="non-canonical"):
        ring.decrypt(bad, context=CTX)


def test_non_string_token_is_rejected(ring: KeyRing) -> None:
    with pytest.raises(DecryptionError, match="must be str"):
        ring.decrypt(b"v1.k1.a.b", context=CTX)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- context


def test_wrong_context_fails(any_ring: KeyRing) -> None:
    token = any_ring.encrypt(ID_NUMBER, context="worker.id_number")
    with pytest.raises(DecryptionError, match="failed authentication") as excinfo:
        any_ring.decrypt(token, context="complainant.id_number")
    assert ID_NUMBER not in str(excinfo.value)
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__suppress_context__


@pytest.mark.parametrize(
    "context", ["", " worker", "worker id", "a" * 129, "工人.身份证", "x\x00y"]
)
def test_invalid_context_is_a_programming_error(ring: KeyRing, context: str) -> None:
    with pytest.raises(ValueError, match="context must be") as excinfo:
        ring.encrypt(ID_NUMBER, context=context)
    assert not isinstance(excinfo.value, DecryptionError)
    with pytest.raises(ValueError, match="context must be"):
        ring.blind_index(ID_NUMBER, context=context)


# --------------------------------------------------------------------------- rotation


def test_rotation_from_aes_to_sm4() -> None:
    old = KeyRing.from_config(config("k1"))
    new = KeyRing.from_config(config("k2"))
    token = old.encrypt(ID_NUMBER, context=CTX)

    assert not old.needs_rotation(token)
    assert new.needs_rotation(token)
    assert new.decrypt(token, context=CTX) == ID_NUMBER  # old key still decrypts

    rotated = new.rotate(token, context=CTX)
    assert rotated.startswith("v1.k2.")
    assert not new.needs_rotation(rotated)
    assert new.decrypt(rotated, context=CTX) == ID_NUMBER
    assert old.decrypt(rotated, context=CTX) == ID_NUMBER  # k2 was already in the old ring


def test_ring_without_the_new_key_cannot_read_rotated_tokens() -> None:
    only_k1 = KeyRing(
        [Key("k1", "aes-256-gcm", AES_K1)], current="k1", index_key=IndexKey("hmac-sha256", INDEX)
    )
    new = KeyRing.from_config(config("k2"))
    rotated = new.rotate(only_k1.encrypt(ID_NUMBER, context=CTX), context=CTX)
    with pytest.raises(DecryptionError, match="unknown key id 'k2'"):
        only_k1.decrypt(rotated, context=CTX)
    assert only_k1.needs_rotation(rotated)  # not the current key, whatever it is


def test_rotate_keeps_current_tokens_and_verifies_them(ring: KeyRing) -> None:
    token = ring.encrypt(ID_NUMBER, context=CTX)
    assert ring.rotate(token, context=CTX) == token
    with pytest.raises(DecryptionError):
        ring.rotate(token, context="worker.phone")


def test_rotate_refuses_tampered_tokens() -> None:
    old = KeyRing.from_config(config("k1"))
    new = KeyRing.from_config(config("k2"))
    version, key_id, nonce, sealed = old.encrypt(ID_NUMBER, context=CTX).split(".")
    with pytest.raises(DecryptionError):
        new.rotate(".".join((version, key_id, nonce, flip(sealed, 0))), context=CTX)


def test_needs_rotation_rejects_malformed_tokens(ring: KeyRing) -> None:
    with pytest.raises(DecryptionError):
        ring.needs_rotation("not a token")


# --------------------------------------------------------------------------- blind index


def test_blind_index_is_deterministic_hex(ring: KeyRing) -> None:
    a = ring.blind_index(ID_NUMBER, context=CTX)
    assert a == ring.blind_index(ID_NUMBER, context=CTX)
    assert re.fullmatch(r"[0-9a-f]{64}", a)
    assert ID_NUMBER not in a and ID_NUMBER.lower() not in a


def test_blind_index_ignores_encryption_keys() -> None:
    """Rotating the encryption key must not change lookups."""
    assert KeyRing.from_config(config("k1")).blind_index(ID_NUMBER, context=CTX) == (
        KeyRing.from_config(config("k2")).blind_index(ID_NUMBER, context=CTX)
    )


def test_blind_index_differs_by_context_key_algorithm_and_value(ring: KeyRing) -> None:
    base = ring.blind_index(ID_NUMBER, context=CTX)
    other_key = KeyRing.from_config(config(index=OTHER_INDEX))
    sm3 = KeyRing.from_config(config(index_algorithm="hmac-sm3"))
    assert base != ring.blind_index(ID_NUMBER, context="complainant.id_number")
    assert base != other_key.blind_index(ID_NUMBER, context=CTX)
    assert base != sm3.blind_index(ID_NUMBER, context=CTX)
    assert base != ring.blind_index("110105194912310029", context=CTX)
    assert re.fullmatch(r"[0-9a-f]{64}", sm3.blind_index(ID_NUMBER, context=CTX))


def test_blind_index_construction_is_pinned() -> None:
    """Changing the construction would orphan every stored index: pin it against plain HMAC."""
    message = b"laborgrid.bidx.v1\x00" + CTX.encode() + b"\x00" + ID_NUMBER.encode()
    sha = KeyRing.from_config(config()).blind_index(ID_NUMBER.lower(), context=CTX)
    assert sha == hmac.new(INDEX, message, hashlib.sha256).hexdigest()
    assert sha == "90b48121a8606a7fdfd0eed81ef0774cfa6d9c91c625eb257fcadeb36653c368"

    def sm3(data: bytes) -> bytes:
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize()

    key = INDEX.ljust(64, b"\x00")  # RFC 2104 with SM3's 64-byte block
    inner = sm3(bytes(b ^ 0x36 for b in key) + message)
    expected = sm3(bytes(b ^ 0x5C for b in key) + inner).hex()
    ring = KeyRing.from_config(config(index_algorithm="hmac-sm3"))
    assert ring.blind_index(ID_NUMBER, context=CTX) == expected


@pytest.mark.parametrize(
    "variant",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width, as typed with a Chinese IME
        "110105-19491231-002X",
        "110105\u300019491231002X",  # ideographic space
    ],
)
def test_blind_index_normalises(ring: KeyRing, variant: str) -> None:
    assert normalise_for_index(variant) == ID_NUMBER
    assert ring.blind_index(variant, context=CTX) == ring.blind_index(ID_NUMBER, context=CTX)


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "-"])
def test_blind_index_refuses_empty_values(ring: KeyRing, blank: str) -> None:
    with pytest.raises(ValueError, match="cannot index an empty value"):
        ring.blind_index(blank, context=CTX)


def test_blind_index_of_chinese_text(ring: KeyRing) -> None:
    assert ring.blind_index("张三", context="worker.name") != ring.blind_index(
        "李四", context="worker.name"
    )


# --------------------------------------------------------------------------- configuration


def test_from_config_tolerates_whitespace_and_alphabets() -> None:
    text = (
        f"  current = k2 ;\n k1 = AES-256-GCM:{base64.urlsafe_b64encode(AES_K1).decode().rstrip('=')};"
        f"k2=sm4-gcm:{b64(SM4_K2)} ;\nindex=hmac-sm3:{b64(INDEX)};"
    )
    ring = KeyRing.from_config(text)
    assert ring.current_key_id == "k2"
    assert ring.key_ids == ("k1", "k2")
    assert ring.decrypt(ring.encrypt("x", context=CTX), context=CTX) == "x"


K1 = f"k1=aes-256-gcm:{b64(AES_K1)}"
IDX = f"index=hmac-sha256:{b64(INDEX)}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "configuration is empty"),
        ("  ;  ", "no encryption keys|current' is missing"),
        (f"{K1};{IDX}", "'current' is missing"),
        (f"current=k1;{K1}", "index key is missing"),
        (f"current=k1;{IDX}", "no encryption keys"),
        (f"current=k2;{K1};{IDX}", "current key 'k2' is not one of the defined keys"),
        (f"current=k1;{K1};{K1};{IDX}", "'k1' is defined more than once"),
        (f"current=k1;current=k1;{K1};{IDX}", "'current' is defined more than once"),
        (f"current=k1;{K1};{IDX};{IDX}", "'index' is defined more than once"),
        (
            f"current=k1;{K1};{IDX};{b64(AES_K3).rstrip('=')}",
            "entry 4 is not of the form name=value",
        ),
        (f"current=k1;{K1};{IDX};{b64(AES_K3)}", "entry 4: invalid name"),
        (f"current=k1;{K1};{IDX};k2={b64(AES_K3)}", "key 'k2': expected <algorithm>:<base64>"),
        (
            f"current=k1;{K1};{IDX};k2=aes-128-gcm:{b64(AES_K3)}",
            "key 'k2': unknown algorithm 'aes-128-gcm'",
        ),
        (f"current=k1;{K1};{IDX};k2=rot13:{b64(AES_K3)}", "key 'k2': unknown algorithm 'rot13'"),
        (
            f"current=k1;{K1};{IDX};k2=sm4-gcm:{b64(AES_K3)}",
            "key 'k2': sm4-gcm needs 16 bytes of key material, got 32",
        ),
        (
            f"current=k1;{K1};{IDX};k2=aes-256-gcm:{b64(SM4_K2)}",
            "key 'k2': aes-256-gcm needs 32 bytes of key material, got 16",
        ),
        (
            f"current=k1;{K1};{IDX};k2=aes-256-gcm:not*base64",
            "key 'k2': key material is not valid base64",
        ),
        (
            f"current=k1;{K1};{IDX};k2=aes-256-gcm:{b64(AES_K3)[:41]}",
            "key 'k2': key material is not valid base64",
        ),
        (
            f"current=k1;{K1};{IDX};k2=aes-256-gcm:",
            "key 'k2': aes-256-gcm needs 32 bytes of key material, got 0",
        ),
        (
            f"current=k1;{K1};{IDX};k2=aes-256-gcm:{b64(bytes(32))}",
            "key 'k2': key material is a constant byte",
        ),
        (
            f"current=k1;{K1};index=aes-256-gcm:{b64(INDEX)}",
            "index key: unknown algorithm 'aes-256-gcm'",
        ),
        (
            f"current=k1;{K1};index=hmac-sha256:{b64(INDEX[:16])}",
            "index key: hmac-sha256 needs 32 to 64 bytes",
        ),
        (
            f"current=k1;{K1};index=hmac-sha256:{b64(AES_K1)}",
            "index key must differ from every encryption key",
        ),
        (f"current=k1;{K1};{IDX};current2=x", "key 'current2': expected <algorithm>:<base64>"),
        (f"current=k.1;{K1};{IDX}", "current: invalid key id"),
        (
            f"current=k1;{K1};{IDX};index2=hmac-sha256:{b64(INDEX)}",
            "key 'index2': unknown algorithm 'hmac-sha256'",
        ),
        (f"current=k1;{K1};{IDX};=aes-256-gcm:{b64(AES_K3)}", "entry 4: invalid name"),
        (
            f"current=k1;{K1};{IDX};a-very-long-key-identifier=aes-256-gcm:{b64(AES_K3)}",
            "entry 4: invalid name",
        ),
    ],
)
def test_from_config_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as excinfo:
        KeyRing.from_config(text)
    shown = str(excinfo.value)
    for secret in (AES_K1, AES_K3, SM4_K2, INDEX):
        assert b64(secret).rstrip("=")[:12] not in shown
        assert secret.hex() not in shown
    assert excinfo.value.__suppress_context__ or excinfo.value.__context__ is None


def test_config_error_never_echoes_misplaced_key_material() -> None:
    """Key and algorithm swapped by mistake: the 'algorithm' is key material and is not shown."""
    with pytest.raises(ValueError, match=r"unknown algorithm \(not shown\)") as excinfo:
        KeyRing.from_config(f"current=k1;k1={b64(AES_K1)}:aes-256-gcm;{IDX}")
    assert b64(AES_K1)[:12] not in str(excinfo.value)


def test_reserved_and_invalid_key_ids_in_constructor() -> None:
    with pytest.raises(ValueError, match="reserved"):
        Key("index", "aes-256-gcm", AES_K1)
    with pytest.raises(ValueError, match="invalid key id"):
        Key("k 1", "aes-256-gcm", AES_K1)
    with pytest.raises(ValueError, match="at least one encryption key"):
        KeyRing([], current="k1", index_key=IndexKey("hmac-sha256", INDEX))
    with pytest.raises(ValueError, match="key 'k1' is defined more than once"):
        KeyRing(
            [Key("k1", "aes-256-gcm", AES_K1), Key("k1", "sm4-gcm", SM4_K2)],
            current="k1",
            index_key=IndexKey("hmac-sha256", INDEX),
        )


# --------------------------------------------------------------------------- generate_config


@pytest.mark.parametrize(
    ("algorithm", "index_algorithm"),
    [("aes-256-gcm", "hmac-sha256"), ("sm4-gcm", "hmac-sm3")],
)
def test_generate_config_round_trip(algorithm: str, index_algorithm: str) -> None:
    text = generate_config(algorithm)
    assert re.fullmatch(
        rf"current=k1;k1={algorithm}:[A-Za-z0-9_-]+;index={index_algorithm}:[A-Za-z0-9_-]{{43}}",
        text,
    )
    ring = KeyRing.from_config(text)
    assert repr(ring) == f"KeyRing(current='k1', keys=[k1:{algorithm}], index={index_algorithm})"
    token = ring.encrypt("张三 11010519491231002X", context=CTX)
    assert ring.decrypt(token, context=CTX) == "张三 11010519491231002X"
    assert generate_config(algorithm) != text  # fresh random keys each time


def test_generate_config_options_and_rotation_workflow() -> None:
    first = generate_config()
    second = generate_config("sm4-gcm", key_id="k2", index_algorithm="hmac-sha256")
    new_key_entry = second.split(";")[1]
    assert new_key_entry.startswith("k2=sm4-gcm:")
    rotated = KeyRing.from_config(first.replace("current=k1", "current=k2") + ";" + new_key_entry)
    old = KeyRing.from_config(first)
    token = old.encrypt(ID_NUMBER, context=CTX)
    assert rotated.rotate(token, context=CTX).startswith("v1.k2.")
    assert rotated.blind_index(ID_NUMBER, context=CTX) == old.blind_index(ID_NUMBER, context=CTX)


def test_generate_config_rejects_unknown_algorithms() -> None:
    with pytest.raises(ValueError, match="unknown algorithm 'des'"):
        generate_config("des")
    with pytest.raises(ValueError, match="unknown index algorithm 'md5'"):
        generate_config(index_algorithm="md5")
    with pytest.raises(ValueError, match="reserved"):
        generate_config(key_id="current")


# --------------------------------------------------------------------------- no leaks


def test_reprs_do_not_show_key_material(ring: KeyRing) -> None:
    shown = " ".join(
        (
            repr(ring),
            str(ring),
            repr(Key("k1", "aes-256-gcm", AES_K1)),
            repr(IndexKey("hmac-sha256", INDEX)),
        )
    )
    assert "KeyRing(current='k1', keys=[k1:aes-256-gcm, k2:sm4-gcm], index=hmac-sha256)" in shown
    assert "Key(id='k1', algorithm='aes-256-gcm')" in shown
    for secret in (AES_K1, SM4_K2, INDEX):
        assert b64(secret)[:12] not in shown
        assert b64url_encode(secret)[:12] not in shown
        assert secret.hex()[:12] not in shown
        assert repr(secret)[:14] not in shown
    assert "material" not in shown


def test_exceptions_do_not_contain_plaintext(ring: KeyRing) -> None:
    secret = "52052119800101123X"
    token = ring.encrypt(secret, context=CTX)
    errors: list[BaseException] = []
    for call in (
        lambda: ring.decrypt(token, context="worker.phone"),
        lambda: ring.decrypt(token.replace(".k1.", ".k9.", 1), context=CTX),
        lambda: ring.encrypt(secret + "\ud800", context=CTX),  # lone surrogate
        lambda: ring.blind_index(secret + "\ud800", context=CTX),
        lambda: ring.blind_index(secret, context=secret + " "),
        lambda: ring.encrypt(secret, context=secret + "!"),
    ):
        with pytest.raises((ValueError, TypeError)) as excinfo:
            call()
        errors.append(excinfo.value)
    for error in errors:
        assert secret not in str(error)
        assert secret not in repr(error)
        assert error.__suppress_context__ or error.__context__ is None
        assert all(secret not in repr(arg) for arg in error.args)


def test_wrong_types_are_rejected_without_echo(ring: KeyRing) -> None:
    with pytest.raises(TypeError, match="plaintext must be str, not int"):
        ring.encrypt(110105194912310029, context=CTX)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="value must be str, not bytes"):
        ring.blind_index(b"110105194912310029", context=CTX)  # type: ignore[arg-type]


# --- files ------------------------------------------------------------------------------------


def test_file_round_trip_binding_and_tampering(any_ring: KeyRing) -> None:
    from laborgrid.lib.crypto import FILE_MAGIC, is_encrypted_file

    data = b"%PDF-1.4 " + bytes(range(256)) * 4
    blob = any_ring.encrypt_bytes(data, context="file:cases.evidence")
    assert blob.startswith(FILE_MAGIC) and is_encrypted_file(blob)
    assert data not in blob and len(blob) - len(data) < 64
    assert any_ring.decrypt_bytes(blob, context="file:cases.evidence") == data
    with pytest.raises(DecryptionError):
        any_ring.decrypt_bytes(blob, context="file:cases.document")  # another kind of file
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionError):
        any_ring.decrypt_bytes(tampered, context="file:cases.evidence")
    with pytest.raises(DecryptionError):
        any_ring.decrypt_bytes(data, context="file:cases.evidence")  # a plaintext file
    assert not is_encrypted_file(data)
