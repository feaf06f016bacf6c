"""The typed GraphQL context: what every resolver gets as ``info.context``.

Resolvers declare ``info: strawberry.Info[Context, None]`` and reach the
store and the answer pipeline through it, never through
module globals, so a test can build an app around its own store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from extractors.text.crypto.sealer import Sealer
from graph.store import Store
from resolvers.identity import Identity
from resolvers.routing.config import RoutingConfig

if TYPE_CHECKING:
    from resolvers.conversation.desk import Desk
    from resolvers.pipeline.answerer import Answerer


@dataclass
class Context:
    store: Store
    answerer: Answerer
    max_question_chars: int
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    # Who asks (api/authentication.py); None is allowed nothing (resolvers/policy.py).
    identity: Identity | None = None
    # Conversations (resolvers/conversation/desk.py); None where the app serves none.
    desk: Desk | None = None
    # Opens sealed personal data (extractors/text/crypto/sealer.py); None: what is stored, masked.
    sealer: Sealer | None = None
    # The router's settings (resolvers/routing/config.py); None: the defaults.
    routing: RoutingConfig | None = None
