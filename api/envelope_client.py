"""A GraphQL client that sends every request in the SM envelope (``api/envelope.py``).

    from api.envelope_client import EnvelopeClient
    client = EnvelopeClient("https://desk.example.com", token, kid="4f1c...")
    reply = client.execute("mutation($id: String!) { revokeToken(id: $id) }", {"id": "..."})
    reply.status, reply.body   # the server's status and JSON answer, opened
    shot = ("screen.png", png_bytes, "image/png")
    client.execute(SEND, {"text": "see the screenshot", "files": [None]},
                   files={"variables.files.0": shot})   # a sealed multipart request

The server's public key comes from ``GET /envelope/key`` on first use; pass
the key id printed by ``graphdesk envelope key`` on the server (``kid``) to
pin it, so a server answering with another key is refused, or the public key
itself (``public_key``) to fetch nothing. Any ``httpx.Client`` can carry the
requests (``http=``; Starlette's TestClient is one, which is how the tests
run it against the real app). A refusal by the envelope layer or the
authentication comes back plain (the client reads it as it is); everything
else comes back sealed and is opened here, and an answer that does not open
under the request's key raises EnvelopeError.

With ``files`` the operation goes as a GraphQL multipart request (the
``operations``, ``map`` and file fields of the multipart request spec, each
file's variable set to null), sealed in a version 2 envelope under that
body's content type; without, as JSON in version 1, which every server of
the envelope opens.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from api.envelope import CONTENT_TYPE, PUBLIC_KEY_BYTES, EnvelopeError, key_id, seal_request

KEY_PATH = "/envelope/key"
Upload = tuple[str, bytes, str]  # file name, content, content type


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the JSON answer
    sealed: bool  # False for a plain refusal (envelope layer, authentication, limits)


class EnvelopeClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        kid: str | None = None,
        public_key: bytes | None = None,
        http: httpx.Client | None = None,
        path: str = "/graphql",
        timeout: float = 30.0,
    ) -> None:
        self.http = http if http is not None else httpx.Client(base_url=base_url, timeout=timeout)
        self.token, self.path, self.pinned = token, path, kid
        self.public_key: bytes | None = None
        self.kid: str | None = None
        if public_key is not None:
            self._use(public_key)

    def _use(self, public_key: bytes) -> None:
        if len(public_key) != PUBLIC_KEY_BYTES:
            raise ValueError(
                f"an SM2 public key is {PUBLIC_KEY_BYTES} bytes, not {len(public_key)}"
            )
        kid = key_id(public_key)
        if self.pinned is not None and kid != self.pinned:
            raise EnvelopeError(
                400, "ENVELOPE_UNKNOWN_KEY",
                f"the server's envelope key is {kid}, not the pinned {self.pinned}",
            )  # fmt: skip
        self.public_key, self.kid = public_key, kid

    def fetch_key(self) -> str:
        """Ask the server for its public key; returns its key id."""
        response = self.http.get(KEY_PATH)
        if response.status_code != 200:
            raise EnvelopeError(
                response.status_code, "ENVELOPE_UNAVAILABLE",
                f"GET {KEY_PATH} answered {response.status_code}: {response.text[:200]}",
            )  # fmt: skip
        self._use(bytes.fromhex(response.json()["public_key"]))
        assert self.kid is not None
        return self.kid

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        files: Mapping[str, Upload] | None = None,
    ) -> Reply:
        """POST one GraphQL operation sealed, and open its answer. ``files``: the
        spec's object paths (``"variables.files.0"``) to (name, bytes, content type)."""
        if self.public_key is None:
            self.fetch_key()
        assert self.public_key is not None and self.kid is not None
        request: dict[str, Any] = {"query": query}
        if variables is not None:
            request["variables"] = variables
        if operation_name is not None:
            request["operationName"] = operation_name
        plain, body_type = json.dumps(request).encode("utf-8"), None
        if files:
            plain, body_type = multipart(request, files)
        body, sealed = seal_request(
            self.public_key, self.kid, "POST", self.path, plain, body_type=body_type
        )
        headers = {"Content-Type": CONTENT_TYPE}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.http.post(self.path, content=body, headers=headers)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if kind != CONTENT_TYPE:
            return Reply(response.status_code, _json(response.content), sealed=False)
        plain = sealed.open_response(response.status_code, response.content)
        return Reply(response.status_code, _json(plain), sealed=True)

    def close(self) -> None:
        self.http.close()


def multipart(request: dict[str, Any], files: Mapping[str, Upload]) -> tuple[bytes, str]:
    """A GraphQL multipart request (body, content type) of ``request`` and ``files``."""
    operations = json.loads(json.dumps(request))  # a copy whose file variables become null
    for path in files:
        _set_null(operations, path)
    paths = list(files)
    fields = {"operations": json.dumps(operations),
              "map": json.dumps({str(i): [p] for i, p in enumerate(paths)})}  # fmt: skip
    built = httpx.Request("POST", "http://graphdesk/", data=fields,
                          files={str(i): files[p] for i, p in enumerate(paths)})  # fmt: skip
    return built.read(), built.headers["content-type"]


def _set_null(operations: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    node: Any = operations
    try:
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = None
        elif isinstance(node, dict):
            node[last] = None
        else:
            raise TypeError
    except (KeyError, IndexError, ValueError, TypeError):
        raise ValueError(
            f"file path {path!r} names no value in the request (e.g. 'variables.files.0' "
            "for a variable 'files' holding a list)"
        ) from None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return {"errors": [{"message": body.decode("utf-8", "replace")[:500]}]}
