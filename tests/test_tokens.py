"""API tokens: HMAC-SM3, the claims they carry, and every way one can be wrong."""

from __future__ import annotations

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes

from api.tokens import (
    InvalidToken,
    VerifiedTokens,
    derive_key,
    issue,
    parse_ttl,
    unverified_claims,
    verify,
)
from resolvers.identity import Role

KEY = derive_key(b"k" * 40)


def _sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def test_sm3_is_gb_t_32905() -> None:
    # GB/T 32905-2016, appendix A: "abc" and the 64-byte message "abcd" * 16.
    assert _sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert _sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_the_signature_is_rfc_2104_hmac_over_sm3() -> None:
    token, _ = issue(KEY, Role.AGENT, "agent:abc", 60)
    signed, _, sig = token.rpartition(".")
    block = KEY.ljust(64, b"\0")  # SM3's block is 64 bytes; the key is 32
    inner = _sm3(bytes(b ^ 0x36 for b in block) + signed.encode())
    expected = _sm3(bytes(b ^ 0x5C for b in block) + inner)
    assert base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)) == expected


def test_a_token_carries_role_subject_id_and_times() -> None:
    now = time.time()
    token, claims = issue(KEY, Role.CUSTOMER, "customer:0123", 3600, now=now)
    assert token.startswith("gd1.") and token.count(".") == 2
    back = verify(KEY, token, now=now + 10)
    assert back == claims
    assert (back.role, back.subject) == (Role.CUSTOMER, "customer:0123")
    assert back.expires_at - back.issued_at == 3600 and len(back.token_id) == 32
    assert unverified_claims(token) == claims
    assert issue(KEY, Role.CUSTOMER, "customer:0123", 3600)[1].token_id != claims.token_id


def _swap_claims(token: str, **changes: object) -> str:
    prefix, payload, sig = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{prefix}.{raw}.{sig}"


def test_every_wrong_token_is_refused() -> None:
    now = time.time()
    token, _ = issue(KEY, Role.EDITOR, "ed", 60, now=now)
    wrong = {
        "another key": (derive_key(b"q" * 40), token),
        "a raised role": (KEY, _swap_claims(token, role="admin")),
        "a longer life": (KEY, _swap_claims(token, exp=int(now) + 10**6)),
        "a cut signature": (KEY, token[:-3]),
        "no signature": (KEY, token.rpartition(".")[0]),
        "another format": (KEY, "Bearer " + token),
        "junk": (KEY, "gd1.!!!.???"),
        "too long": (KEY, token + "A" * 5000),
    }
    for what, (key, text) in wrong.items():
        with pytest.raises(InvalidToken):
            verify(key, text, now=now)
            pytest.fail(what)
    with pytest.raises(InvalidToken, match="expired"):
        verify(KEY, token, now=now + 61)
    future, _ = issue(KEY, Role.EDITOR, "ed", 60, now=now + 3600)
    with pytest.raises(InvalidToken, match="future"):
        verify(KEY, future, now=now)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600), ("1h30m", 5400)],
)
def test_ttl(text: str, seconds: int) -> None:
    assert parse_ttl(text) == seconds


@pytest.mark.parametrize("text", ["", "1y", "h", "-5m", "0", "400d", "1.5h"])
def test_bad_ttl(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ttl(text)


def test_a_verified_token_is_remembered_but_still_expires() -> None:
    now = time.time()
    token, _ = issue(KEY, Role.AGENT, "agent:7", ttl=60, now=now)
    tokens = VerifiedTokens(KEY, size=2)
    assert tokens.verify(token, now).subject == "agent:7"
    assert tokens.verify(token, now + 30).subject == "agent:7"  # from memory
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token, now + 61)
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token, now + 61)  # forgotten: checked afresh, still expired


def test_remembered_tokens_are_bounded_and_forgeries_never_enter() -> None:
    now = time.time()
    tokens = VerifiedTokens(KEY, size=2)
    issued = [issue(KEY, Role.CUSTOMER, f"customer:{i}", ttl=60, now=now)[0] for i in range(3)]
    for token in issued:
        tokens.verify(token, now)
    assert len(tokens._claims) == 2 and issued[0] not in tokens._claims
    forged = issued[1][:-2] + ("AA" if not issued[1].endswith("AA") else "BB")
    with pytest.raises(InvalidToken):
        tokens.verify(forged, now)
    other, _ = issue(derive_key(b"o" * 40), Role.ADMIN, "admin:1", ttl=60, now=now)
    with pytest.raises(InvalidToken, match="signature"):
        tokens.verify(other, now)
    assert forged not in tokens._claims and other not in tokens._claims
