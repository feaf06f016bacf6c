"""graphdesk behind a gateway (docs/tlcp-gateway/), and whose X-Forwarded-For it believes.

What can be run here: Debian's nginx (no Tengine or Tongsuo package exists
to terminate TLCP itself) with a plain TLS server block that includes the
committed upstream and location files unchanged but for the upstream's port,
in front of a real ``graphdesk`` server (uvicorn with the proxy settings
``serve`` uses) on the real embedded graph; graphdesk's envelope client
goes through it over HTTPS. The client address that rate limits, lockout
and audit use is seen through the lockout (one failed login locks an
address out): from a trusted peer it is X-Forwarded-For's, from any other
peer the peer's own, and through the gateway a client's own header is
replaced.
"""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.envelope_client import EnvelopeClient
from api.envelope_key import generate
from api.settings import Settings
from graph.falkor import FalkorStore
from tests.auth import bearer, token
from tests.certificates import self_signed
from tests.live_server import free_port, live_server, wait_port

GATEWAY = Path(__file__).resolve().parent.parent / "docs" / "tlcp-gateway"
KEY = generate()
VIEWER = {"query": "{ viewer { role } }"}
BAD = {"Authorization": "Bearer not-a-token"}


def _upstream_for(port: int) -> str:
    text = (GATEWAY / "graphdesk-upstream.conf").read_text()
    default = f"{Settings.model_fields['host'].default}:{Settings.model_fields['port'].default}"
    assert text.count(f"server {default};") == 1, "the upstream is graphdesk's default address"
    return text.replace(f"server {default};", f"server 127.0.0.1:{port};")


@contextmanager
def _nginx(tmp_path: Path, upstream_port: int) -> Iterator[tuple[int, Path]]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx)")
    cert, key = self_signed(tmp_path, "127.0.0.1")
    port = free_port()
    (tmp_path / "graphdesk-upstream.conf").write_text(_upstream_for(upstream_port))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/graphdesk-upstream.conf;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_protocols TLSv1.3;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        include {GATEWAY}/graphdesk-location.conf;
    }}
}}
""")
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf)],
                            stderr=subprocess.PIPE)  # fmt: skip
    try:
        wait_port(port)
        yield port, cert
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _locks_out(post: Any, spoofed: str, other: str) -> tuple[int, int, int]:
    """A failed login claiming ``spoofed`` (it locks its address out at once: 429), then a
    good one claiming ``spoofed`` and one claiming ``other``: their statuses."""
    failed = post("/graphql", json=VIEWER, headers={**BAD, "X-Forwarded-For": spoofed})
    same = post("/graphql", json=VIEWER,
                headers={**bearer("agent", "a"), "X-Forwarded-For": spoofed})  # fmt: skip
    elsewhere = post("/graphql", json=VIEWER,
                     headers={**bearer("agent", "a"), "X-Forwarded-For": other})  # fmt: skip
    return failed.status_code, same.status_code, elsewhere.status_code


def test_a_trusted_peer_names_the_client_and_the_gateway_carries_sealed_requests(
    store: FalkorStore, tmp_path: Path
) -> None:
    with live_server(store, tmp_path, KEY, trusted="127.0.0.1", auth_max_failures=1) as port:
        direct = httpx.Client(base_url=f"http://127.0.0.1:{port}")
        # From the trusted peer, X-Forwarded-For is the client: one address is locked out.
        assert _locks_out(direct.post, "198.51.100.1", "198.51.100.2") == (429, 429, 200)
        with _nginx(tmp_path, port) as (gateway_port, cert):
            trust = ssl.create_default_context(cafile=str(cert))
            https = httpx.Client(base_url=f"https://127.0.0.1:{gateway_port}", verify=trust)
            assert https.get("/healthz").json()["status"] == "ok"
            plain = https.post("/graphql", json=VIEWER, headers=bearer("agent", "a"))
            assert plain.json() == {"data": {"viewer": {"role": "agent"}}}
            assert re.fullmatch(r"[0-9a-f]{32}", plain.headers["x-request-id"])  # nginx's id
            refused = https.post("/graphql", json={"query": "{ tickets { key } }"},
                                 headers=bearer("agent", "a"))  # fmt: skip
            assert refused.json()["errors"][0]["extensions"]["code"] == "ENVELOPE_REQUIRED"
            client = EnvelopeClient("", token("agent", "a"), kid=KEY.kid, http=https)
            sealed = client.execute("{ tickets { key } }")
            assert sealed.sealed and sealed.body == {"data": {"tickets": []}}
            # Through the gateway a client's own X-Forwarded-For is replaced by its address,
            # so its failed login locks out the address it really has.
            assert _locks_out(https.post, "203.0.113.7", "203.0.113.8") == (429, 429, 429)


def test_an_untrusted_peer_cannot_name_the_client(store: FalkorStore, tmp_path: Path) -> None:
    with live_server(store, tmp_path, KEY, trusted="", auth_max_failures=1) as port:
        direct = httpx.Client(base_url=f"http://127.0.0.1:{port}")
        assert _locks_out(direct.post, "198.51.100.1", "198.51.100.2") == (429, 429, 429)


def test_the_tlcp_example_includes_the_tested_files_and_sets_both_certificates() -> None:
    text = (GATEWAY / "tengine-tlcp.conf").read_text()
    directives = [line.split("#")[0].strip() for line in text.splitlines()]
    for needed in ("include graphdesk-upstream.conf;", "include graphdesk-location.conf;",
                   "enable_ntls on;", "listen 443 ssl;"):  # fmt: skip
        assert needed in directives, needed
    for part in ("sign", "enc"):
        assert any(d.startswith(f"ssl_{part}_certificate ") for d in directives)
        assert any(d.startswith(f"ssl_{part}_certificate_key ") for d in directives)
