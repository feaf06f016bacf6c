"""API tokens: signed with HMAC-SM3, expiring, carrying role, subject, id and times.

A token is ``gd1.<claims>.<signature>``: the claims are compact JSON,
base64url without padding (``jti`` the token id, ``sub`` the subject,
``role``, ``iat`` and ``exp`` in seconds since the epoch); the signature is
HMAC-SM3 (GB/T 32905 hash in RFC 2104's HMAC, from ``cryptography``) over
``gd1.<claims>`` with a key derived from the configured secret
(``api/signing_key.py``), so the same secret can key other things later
without one use forging another. Verification is constant-time, then the
claims are checked: a known role, a subject, not expired, not issued in
the future (a minute's clock skew allowed). Revocation is the graph's
(``graph/queries/tokens.py``), checked by ``api/authentication.py``.

Every failure is one ``InvalidToken`` whose reason is for the server's log,
never for the client: a client learns only that its token was refused.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac

from resolvers.identity import Identity, Role

PREFIX = "gd1"
MAX_TOKEN_CHARS = 4096
MAX_SUBJECT_CHARS = 200
CLOCK_SKEW = 60  # seconds a token may seem issued in the future
MAX_TTL = 366 * 86400
_PURPOSE = b"graphdesk api token v1"
_TTL = re.compile(r"(\d+)([smhdw]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class InvalidToken(Exception):
    """The token is malformed, forged, expired or otherwise unusable; the reason is for logs."""


@dataclass(frozen=True)
class Claims:
    token_id: str
    role: Role
    subject: str
    issued_at: int
    expires_at: int

    def identity(self) -> Identity:
        return Identity(self.role, self.subject, self.token_id, self.issued_at, self.expires_at)


def derive_key(secret: bytes) -> bytes:
    """The token-signing key: HMAC-SM3 of a fixed purpose label under the secret."""
    return _mac(secret, _PURPOSE)


def _mac(key: bytes, data: bytes) -> bytes:
    h = hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise InvalidToken("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken(f"not base64url: {exc}") from None


def parse_ttl(text: str) -> int:
    """``90m``, ``12h``, ``7d``, ``2w``, ``1h30m`` or plain seconds, as seconds."""
    raw = text.strip().lower()
    parts = _TTL.findall(raw)
    if not raw or "".join(n + u for n, u in parts) != raw:
        raise ValueError(f"{text!r} is not a duration like 30m, 12h, 7d or 3600")
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if not 1 <= seconds <= MAX_TTL:
        raise ValueError(f"{text!r} is out of range: between 1 second and {MAX_TTL // 86400} days")
    return seconds


def issue(
    key: bytes, role: Role, subject: str, ttl: int, now: float | None = None
) -> tuple[str, Claims]:
    """A new token and its claims; ``key`` is :func:`derive_key`'s."""
    subject = subject.strip()
    if not subject or len(subject) > MAX_SUBJECT_CHARS:
        raise ValueError(f"the subject must be 1 to {MAX_SUBJECT_CHARS} characters")
    if not 1 <= ttl <= MAX_TTL:
        raise ValueError(f"the lifetime must be between 1 second and {MAX_TTL // 86400} days")
    issued = int(time.time() if now is None else now)
    claims = Claims(secrets.token_hex(16), role, subject, issued, issued + ttl)
    body = {"jti": claims.token_id, "sub": subject, "role": role.value,
            "iat": claims.issued_at, "exp": claims.expires_at}  # fmt: skip
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    signed = f"{PREFIX}.{payload}"
    return f"{signed}.{_b64(_mac(key, signed.encode('ascii')))}", claims


def _split(token: str) -> tuple[str, str, str]:
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken(f"longer than {MAX_TOKEN_CHARS} characters")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise InvalidToken(f"not a {PREFIX} token")
    return parts[0], parts[1], parts[2]


def _claims(payload: str) -> Claims:
    try:
        body: Any = json.loads(_unb64(payload))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidToken(f"claims are not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise InvalidToken("claims are not an object")
    jti, sub, role = body.get("jti"), body.get("sub"), body.get("role")
    iat: Any = body.get("iat")
    exp: Any = body.get("exp")
    if not (isinstance(jti, str) and re.fullmatch(r"[0-9a-f]{32}", jti)):
        raise InvalidToken("no token id")
    if not isinstance(sub, str) or not 0 < len(sub) <= MAX_SUBJECT_CHARS:
        raise InvalidToken(f"token {jti}: no subject")
    if role not in set(Role):
        raise InvalidToken(f"token {jti}: unknown role")
    if not (_seconds(iat) and _seconds(exp)):
        raise InvalidToken(f"token {jti}: no issue or expiry time")
    return Claims(jti, Role(role), sub, iat, exp)


def _seconds(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def verify(key: bytes, token: str, now: float | None = None) -> Claims:
    """The claims of a genuine, current token; raises InvalidToken otherwise."""
    prefix, payload, signature = _split(token)
    h = hmac.HMAC(key, hashes.SM3())
    h.update(f"{prefix}.{payload}".encode("ascii"))
    try:
        h.verify(_unb64(signature))
    except InvalidSignature:
        raise InvalidToken("bad signature") from None
    claims = _claims(payload)
    at = time.time() if now is None else now
    if claims.expires_at <= at:
        raise InvalidToken(f"token {claims.token_id}: expired")
    if claims.issued_at > at + CLOCK_SKEW:
        raise InvalidToken(f"token {claims.token_id}: issued in the future")
    return claims


class VerifiedTokens:
    """``verify`` for a server: a token whose signature checked out is not hashed
    again on its next request (a busy client sends the same one hundreds of
    times a second). Its claims are kept, at most ``size`` tokens, the least
    recently used forgotten first; expiry is still checked at every use, and
    revocation is the caller's, as with ``verify``."""

    def __init__(self, key: bytes, size: int = 4096) -> None:
        self.key = key
        self.size = size
        self._claims: OrderedDict[str, Claims] = OrderedDict()

    def verify(self, token: str, now: float | None = None) -> Claims:
        claims = self._claims.get(token)
        if claims is None:
            claims = verify(self.key, token, now)
            self._claims[token] = claims
            if len(self._claims) > self.size:
                self._claims.popitem(last=False)
            return claims
        self._claims.move_to_end(token)
        if claims.expires_at <= (time.time() if now is None else now):
            del self._claims[token]
            raise InvalidToken(f"token {claims.token_id}: expired")
        return claims


def unverified_claims(token: str) -> Claims:
    """The claims a token states, signature unchecked (to revoke one by its text)."""
    return _claims(_split(token)[1])
