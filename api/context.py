"""The typed GraphQL context: what every resolver gets as ``info.context``.

Resolvers declare ``info: strawberry.Info[Context, None]`` and reach the
store, the answer pipeline and the settings through it, never through
module globals, so a test can build an app around its own store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.settings import Settings
from graph.store import Store

if TYPE_CHECKING:
    from resolvers.answer import Answerer


@dataclass
class Context:
    store: Store
    answerer: Answerer
    settings: Settings
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
