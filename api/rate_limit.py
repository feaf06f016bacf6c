"""Request rate limits per client address and per token: 429 with Retry-After.

Behind the authentication middleware (``api/authentication.py``), so a token's
requests are counted by its id and a client without one by its address; every
request also counts for its address, so many tokens from one address cannot
flood the service either. Limits are in the notation of the ``limits``
package ("20/second", "600/minute", several joined by ";"), counted in a
moving window in this process's memory (each worker counts its own), and an
empty setting turns a limit off. ``/healthz`` is not counted.
"""

from __future__ import annotations

import json
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from resolvers.identity import Identity

OPEN_PATHS = frozenset({"/healthz"})


def parse_limits(text: str) -> list[RateLimitItem]:
    """The limits of one setting (checked when the settings load); none when empty."""
    return list(parse_many(text)) if text.strip() else []


class RateLimits:
    def __init__(
        self, app: ASGIApp, per_token: list[RateLimitItem], per_address: list[RateLimitItem]
    ) -> None:
        self.app = app
        self.per_token, self.per_address = per_token, per_address
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def _wait(self, items: list[RateLimitItem], key: str) -> int | None:
        """None when a request of ``key`` may pass (and is counted), else the
        seconds until it may."""
        for item in items:
            if not self._limiter.hit(item, key):
                reset = self._limiter.get_window_stats(item, key).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        identity = scope.get("state", {}).get("identity")
        wait = self._wait(self.per_address, "address:" + address)
        if wait is None and isinstance(identity, Identity) and identity.token_id:
            wait = self._wait(self.per_token, "token:" + identity.token_id)
        if wait is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {"errors": [{"message": f"too many requests; retry in {wait} s"}]}
        ).encode()
        await send({
            "type": "http.response.start", "status": 429,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(wait).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body})
