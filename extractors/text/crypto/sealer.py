"""The one write path of personal data, and its way back at read.

Writers (``extractors/tickets/write.py``) hand each node's clear originals
to :meth:`Sealer.seal` -- only the fields whose text held personal data,
whose stored text is the masked one -- and store what it returns next to
the masked text:

- ``<field>_sealed``: ``sm4gcm.v<version>.<base64url(nonce | ciphertext | tag)>``,
  SM4-GCM under the current key version with a random 96-bit nonce and the
  associated data ``graphdesk | node id | field | v<version>``, so a sealed
  value moved to another node or field, or relabelled with another
  version, does not open;
- ``sealed``: true, which the rotation looks for.

:meth:`index` gives the blind-index entries, HMAC-SM3 (first 16 bytes, hex)
of each personal value found, normalised by shape
(``extractors/text/crypto/blind_index.py``): an exact lookup without the value
being stored. Writers store them as ``BlindIndex`` nodes linked to the ticket
or customer (``graph/queries/blind_index.py``).

Customer ids are keyed too (:meth:`customer_id`): ``customer:`` and 32 hex
characters of HMAC-SM3 over the system and the customer's own id, so no one
without the key recomputes them from a phone number or an e-mail address.
Resolvers open values with :meth:`open` and decide who sees them in clear.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from extractors.text.crypto.blind_index import normalised
from extractors.text.crypto.keys import Keyring
from extractors.text.crypto.primitives import (
    GCM_NONCE,
    SealError,
    hmac_sm3,
    sm4_gcm_open,
    sm4_gcm_seal,
)

SUFFIX = "_sealed"
_SCHEME = "sm4gcm"


def _aad(node_id: str, field: str, version: int) -> bytes:
    return "\x1f".join(("graphdesk", node_id, field, f"v{version}")).encode()


def version_of(sealed: str) -> int:
    """The key version a sealed value names (SealError when it is not one)."""
    scheme, _, rest = sealed.partition(".")
    label, _, _ = rest.partition(".")
    if scheme != _SCHEME or not label.startswith("v") or not label[1:].isdigit():
        raise SealError("not a sealed value")
    return int(label[1:])


class Sealer:
    def __init__(self, ring: Keyring) -> None:
        self.ring = ring

    # --- sealing -----------------------------------------------------------------------

    def seal_value(self, node_id: str, field: str, clear: str) -> str:
        ring = self.ring  # once: a ring that follows its file may change meanwhile
        version = ring.current
        nonce = secrets.token_bytes(GCM_NONCE)
        body = sm4_gcm_seal(
            ring.field_key(version), nonce, clear.encode(), _aad(node_id, field, version)
        )
        text = base64.urlsafe_b64encode(nonce + body).rstrip(b"=").decode()
        return f"{_SCHEME}.v{version}.{text}"

    def seal(
        self,
        node_id: str,
        originals: Mapping[str, str],
    ) -> dict[str, Any]:
        """Properties to store beside the masked text: each original sealed, and
        ``sealed``. Empty when there is nothing to seal."""
        props: dict[str, Any] = {
            field + SUFFIX: self.seal_value(node_id, field, clear)
            for field, clear in originals.items()
            if clear
        }
        if props:
            props["sealed"] = True
        return props

    def index(self, values: Iterable[tuple[str, str]]) -> list[str]:
        """The blind-index entries of ``(kind, value)`` pairs (the personal values
        masking found, or a record's e-mail and phone), sorted, once each."""
        return sorted({self.blind(kind, value) for kind, value in values})

    # --- opening -------------------------------------------------------------------------

    def open_value(self, node_id: str, field: str, sealed: str) -> str:
        version = version_of(sealed)
        try:
            key = self.ring.field_key(version)
        except KeyError:
            raise SealError(f"key version {version} is not in the key ring") from None
        raw = sealed.split(".", 2)[2]
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except ValueError:
            raise SealError("sealed value is not base64") from None
        nonce, body = data[:GCM_NONCE], data[GCM_NONCE:]
        return sm4_gcm_open(key, nonce, body, _aad(node_id, field, version)).decode()

    def open(self, node_id: str, props: Mapping[str, Any]) -> dict[str, str]:
        """Field -> clear value for every sealed field of ``props``."""
        return {
            key[: -len(SUFFIX)]: self.open_value(node_id, key[: -len(SUFFIX)], value)
            for key, value in props.items()
            if key.endswith(SUFFIX) and isinstance(value, str)
        }

    def reseal(self, node_id: str, props: Mapping[str, Any]) -> dict[str, str]:
        """The sealed fields of ``props`` not under the current version, sealed under it."""
        out: dict[str, str] = {}
        current = self.ring.current
        for key, value in props.items():
            if not key.endswith(SUFFIX) or not isinstance(value, str):
                continue
            if version_of(value) != current:
                field = key[: -len(SUFFIX)]
                clear = self.open_value(node_id, field, value)
                out[key] = self.seal_value(node_id, field, clear)
        return out

    # --- keyed references ----------------------------------------------------------------

    def blind(self, kind: str, value: str) -> str:
        message = f"{kind}\x1f{normalised(kind, value)}".encode()
        return hmac_sm3(self.ring.index_key, message)[:16].hex()

    def keyed(self, purpose: str, value: str) -> str:
        """A keyed reference to ``value`` (32 hex): the same in every process of
        the ring, not recomputable without it; ``purpose`` keeps uses apart."""
        message = f"{purpose}\x1e{value}".encode()
        return hmac_sm3(self.ring.index_key, message)[:16].hex()

    def customer_id(self, system: str, raw: str) -> str:
        message = f"{system}\x1f{raw.strip().lower()}".encode()
        return "customer:" + hmac_sm3(self.ring.id_key, message)[:16].hex()


_EPHEMERAL: list[Sealer] = []


def ephemeral_sealer() -> Sealer:
    """A sealer under a ring this process made and keeps nowhere: for callers
    that configure no keys (tests, benchmarks, one-off scripts). What it seals
    is as unreadable after the process ends as if it had not been kept, and
    its customer ids hold only within the process. ``graphdesk`` commands and
    the server always pass the configured ring (``api/data_keys.py``)."""
    if not _EPHEMERAL:
        _EPHEMERAL.append(Sealer(Keyring.generate()))
    return _EPHEMERAL[0]
