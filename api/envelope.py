"""The SM envelope: a request body sealed for the server, its answer sealed back.

Protocol version 1 (the README's "SM envelope" section says the same for
other client implementations):

- The client draws a 16-byte SM4 key and wraps it with the server's SM2
  public key (SM2 public-key encryption, GM/T 0003.4; the ciphertext in the
  DER ``SM2Cipher`` form of GM/T 0009, C1 C3 C2).
- The body (the ordinary GraphQL JSON request, UTF-8) is sealed with
  SM4-GCM under that key, a random 12-byte IV and the associated data
  ``METHOD|path|timestamp|nonce|kid`` (ASCII; the nonce and key id exactly
  as sent).
- The request goes as ``Content-Type: application/vnd.graphdesk.envelope+json``
  with the JSON object ``{"v": 1, "kid", "ts", "nonce", "key", "iv", "ct"}``:
  ``ts`` Unix seconds (an integer), ``nonce`` 16 random bytes, ``key`` the
  wrapped key, ``iv``, and ``ct`` the ciphertext followed by its 16-byte tag,
  the byte fields in URL-safe base64 (padding optional).
- The answer has the same content type and ``{"v": 1, "iv", "ct"}``: the
  response body sealed under the request's SM4 key with a fresh IV and the
  associated data ``response|STATUS|`` followed by the request's, so it
  cannot be passed off as the answer to another request or with another
  status.

Version 2 is version 1 with the sealed body's own content type: the
envelope carries ``"type"`` (``application/json``, or
``multipart/form-data; boundary=...`` for a GraphQL multipart request with
files, exactly the Content-Type the plain request would have), and the
associated data ends with it: ``METHOD|path|timestamp|nonce|kid|type``, so
a type altered on the way does not authenticate. The answer is
``{"v": 2, "iv", "ct"}``, sealed as in version 1 (the request's associated
data, type included, after ``response|STATUS|``).

This module is the format and the cryptography only, for the server
(``api/envelope_guard.py``) and the client (``api/envelope_client.py``)
alike; which requests must be sealed, and replays, are the guard's.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from api import sm2

VERSION = 1  # what every client may send; VERSIONS: what this server opens
VERSIONS = (1, 2)
JSON = "application/json"
MULTIPART = "multipart/form-data"
BODY_TYPES = (JSON, MULTIPART)  # what a version 2 envelope may seal
MAX_TYPE_CHARS = 200
CONTENT_TYPE = "application/vnd.graphdesk.envelope+json"
SM4_KEY_BYTES = 16
IV_BYTES = 12
NONCE_BYTES = 16
TAG_BYTES = 16
KEY_ID_HEX = 16  # the first 8 bytes of SM3(public key), in hex
PUBLIC_KEY_BYTES = 64  # x || y
REQUEST_FIELDS = ("v", "kid", "ts", "nonce", "key", "iv", "ct")


class EnvelopeError(Exception):
    """A request the envelope refuses: HTTP status, a code for clients, a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def malformed(message: str) -> EnvelopeError:
    return EnvelopeError(400, "ENVELOPE_MALFORMED", f"malformed envelope: {message}")


def key_id(public_key: bytes) -> str:
    """The key id clients name: SM3 of the 64-byte public key, first 8 bytes in hex."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(public_key)
    return digest.finalize().hex()[:KEY_ID_HEX]


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: object, field: str, size: int | None = None) -> bytes:
    if not isinstance(text, str) or not text:
        raise malformed(f"{field!r} must be a non-empty base64 string")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise malformed(f"{field!r} is not URL-safe base64") from None
    if size is not None and len(data) != size:
        raise malformed(f"{field!r} must hold {size} bytes, not {len(data)}")
    return data


def associated_data(
    method: str, path: str, ts: int, nonce: str, kid: str, body_type: str | None = None
) -> bytes:
    """Version 1 without ``body_type``; version 2 ends with it."""
    aad = f"{method.upper()}|{path}|{ts}|{nonce}|{kid}"
    return (aad if body_type is None else f"{aad}|{body_type}").encode("ascii")


def media_type(body_type: str) -> str:
    """``multipart/form-data; boundary=x`` -> ``multipart/form-data``."""
    return body_type.split(";")[0].strip().lower()


def checked_type(value: object) -> str:
    """A version 2 envelope's ``type``: a JSON or multipart content type, ASCII."""
    if not isinstance(value, str) or not value or len(value) > MAX_TYPE_CHARS:
        raise malformed(f"'type' must be a content type of at most {MAX_TYPE_CHARS} characters")
    if not value.isascii() or not value.isprintable():
        raise malformed("'type' must be printable ASCII")
    kind = media_type(value)
    if kind not in BODY_TYPES:
        raise malformed(f"'type' {kind!r} is not one of {', '.join(BODY_TYPES)}")
    if kind == MULTIPART and "boundary=" not in value.lower():
        raise malformed("a multipart 'type' must name its boundary")
    return value


def envelope_size(body_bytes: int) -> int:
    """The most bytes an envelope of a body of ``body_bytes`` may take: the sealed
    body in base64 plus room for the other fields (the wrapped key, a type)."""
    return 4 * -(-(body_bytes + TAG_BYTES) // 3) + 4096


def response_data(status: int, request_aad: bytes) -> bytes:
    return f"response|{status}|".encode("ascii") + request_aad


def gcm_seal(key: bytes, iv: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """SM4-GCM: ciphertext followed by the 16-byte tag."""
    enc = Cipher(algorithms.SM4(key), modes.GCM(iv)).encryptor()
    enc.authenticate_additional_data(aad)
    return enc.update(plaintext) + enc.finalize() + enc.tag


def gcm_open(key: bytes, iv: bytes, aad: bytes, sealed: bytes) -> bytes:
    """The plaintext; raises InvalidTag when the ciphertext, tag or aad were altered."""
    if len(sealed) < TAG_BYTES:
        raise InvalidTag()
    dec = Cipher(algorithms.SM4(key), modes.GCM(iv, sealed[-TAG_BYTES:])).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(sealed[:-TAG_BYTES]) + dec.finalize()


@dataclass(frozen=True)
class Sealed:
    """One request's SM4 key and associated data: what seals and opens its answer."""

    key: bytes
    aad: bytes
    nonce: str
    ts: int
    version: int = VERSION
    body_type: str = JSON  # the sealed body's content type (version 1: always JSON)

    def seal_response(self, status: int, body: bytes) -> bytes:
        iv = os.urandom(IV_BYTES)
        ct = gcm_seal(self.key, iv, response_data(status, self.aad), body)
        return json.dumps({"v": self.version, "iv": b64encode(iv), "ct": b64encode(ct)}).encode()

    def open_response(self, status: int, body: bytes) -> bytes:
        """The answer's plaintext (client side); EnvelopeError when it is not ours."""
        try:
            value = json.loads(body)
        except ValueError:
            raise malformed("the response is not JSON") from None
        if not isinstance(value, dict) or value.get("v") != self.version:
            raise malformed(f"the response is not a version {self.version} envelope")
        iv = b64decode(value.get("iv"), "iv", IV_BYTES)
        ct = b64decode(value.get("ct"), "ct")
        try:
            return gcm_open(self.key, iv, response_data(status, self.aad), ct)
        except InvalidTag:
            raise EnvelopeError(
                502, "ENVELOPE_TAMPERED", "the response does not open under this request's key"
            ) from None


def seal_request(
    public_key: bytes,
    kid: str,
    method: str,
    path: str,
    body: bytes,
    now: float | None = None,
    body_type: str | None = None,
) -> tuple[bytes, Sealed]:
    """The envelope of ``body`` for the server with ``public_key`` (client side):
    version 1 for a JSON body, version 2 when ``body_type`` names its content type."""
    key = os.urandom(SM4_KEY_BYTES)
    ts = int(time.time() if now is None else now)
    nonce = b64encode(secrets.token_bytes(NONCE_BYTES))
    if body_type is not None:
        checked_type(body_type)
    aad = associated_data(method, path, ts, nonce, kid, body_type)
    iv = os.urandom(IV_BYTES)
    version = VERSION if body_type is None else 2
    envelope: dict[str, object] = {
        "v": version,
        "kid": kid,
        "ts": ts,
        "nonce": nonce,
        "key": b64encode(sm2.encrypt(public_key, key)),
        "iv": b64encode(iv),
        "ct": b64encode(gcm_seal(key, iv, aad, body)),
    }
    if body_type is not None:
        envelope["type"] = body_type
    sealed = Sealed(key, aad, nonce, ts, version, body_type or JSON)
    return json.dumps(envelope).encode("utf-8"), sealed


def _fields(body: bytes) -> dict[str, object]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise malformed("the body is not JSON") from None
    if not isinstance(value, dict):
        raise malformed("the body must be a JSON object")
    if "v" in value and (type(value["v"]) is not int or value["v"] not in VERSIONS):
        supported = " and ".join(str(v) for v in VERSIONS)
        raise malformed(f"version {value['v']!r} is not supported (only {supported})")
    fields = REQUEST_FIELDS + (("type",) if value.get("v") == 2 else ())
    missing = [f for f in fields if f not in value]
    if missing:
        raise malformed(f"missing {', '.join(missing)}")
    return value


def open_request(
    private_key: bytes,
    kid: str,
    method: str,
    path: str,
    body: bytes,
    max_skew: int,
    now: float | None = None,
) -> tuple[bytes, Sealed]:
    """The plaintext of a request envelope and what seals its answer (server side).

    Checks in this order, each refusal with its own code: the format (a
    version 2 envelope's ``type`` too), the key id, the timestamp, then the
    wrapped key and the body's tag (tampering, the type included).
    Replays are the caller's to check, with the returned nonce, after this
    has proved the request authentic.
    """
    value = _fields(body)
    version = 2 if value["v"] == 2 else 1
    body_type = checked_type(value["type"]) if version == 2 else None
    sent_kid, ts, nonce = value["kid"], value["ts"], value["nonce"]
    if not isinstance(sent_kid, str) or sent_kid != kid:
        raise EnvelopeError(
            400, "ENVELOPE_UNKNOWN_KEY",
            f"unknown envelope key id {sent_kid!r}: this server's key id is {kid} "
            "(GET /envelope/key)",
        )  # fmt: skip
    if not isinstance(ts, int) or isinstance(ts, bool):
        raise malformed("'ts' must be an integer (Unix seconds)")
    if not isinstance(nonce, str):
        raise malformed("'nonce' must be a string")
    b64decode(nonce, "nonce", NONCE_BYTES)
    clock = time.time() if now is None else now
    if ts < clock - max_skew:
        raise EnvelopeError(
            400, "ENVELOPE_STALE",
            f"envelope timestamp {ts} is {int(clock - ts)} s old; at most {max_skew} s "
            "are accepted (GRAPHDESK_ENVELOPE_MAX_SKEW_SECONDS): seal the request anew",
        )  # fmt: skip
    if ts > clock + max_skew:
        raise EnvelopeError(
            400, "ENVELOPE_FUTURE",
            f"envelope timestamp {ts} is {int(ts - clock)} s ahead of the server's clock; "
            f"at most {max_skew} s are accepted: check the client's clock",
        )  # fmt: skip
    wrapped = b64decode(value["key"], "key")
    iv = b64decode(value["iv"], "iv", IV_BYTES)
    ct = b64decode(value["ct"], "ct")
    try:
        key = sm2.decrypt(private_key, wrapped)
    except sm2.SM2Error:
        raise EnvelopeError(
            400, "ENVELOPE_TAMPERED",
            f"the wrapped key does not open with SM2 key {kid} (altered, or sealed for "
            "another key)",
        ) from None  # fmt: skip
    if len(key) != SM4_KEY_BYTES:
        raise malformed(f"the wrapped key must be {SM4_KEY_BYTES} bytes, not {len(key)}")
    aad = associated_data(method, path, ts, nonce, kid, body_type)
    try:
        plaintext = gcm_open(key, iv, aad, ct)
    except InvalidTag:
        raise EnvelopeError(
            400, "ENVELOPE_TAMPERED",
            "the envelope does not authenticate: its ciphertext, or the method, path, "
            "timestamp, nonce or key id it was sealed for (or its body type), differ from "
            "this request's",
        ) from None  # fmt: skip
    return plaintext, Sealed(key, aad, nonce, ts, version, body_type or JSON)
