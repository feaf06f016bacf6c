"""`sendMessage` latency without an LLM, against `ask` in the same run.

The bundled demo corpus (data/demo: manuals and error codes of a fictional
vendor) is ingested into a temporary embedded graph; the app runs in this
process (Starlette's TestClient: the whole ASGI stack, tokens, GraphQL, no
network) in production mode, no LLM key (extractive answers), the answer
cache off so that every `ask` is answered afresh, as every turn of a
conversation is. In one run, alternating, it times:

- `ask` over GraphQL, for each question of the list below;
- `sendMessage` over GraphQL, sealed in the SM envelope as production requires
  of mutations (the client's sealing and opening are in the time):
  conversations of three customer turns (a question, a follow-up naming
  nothing, another question), so turns carry context, are judged, stored,
  and some escalate (a handoff ticket is written; later turns are
  acknowledged);
- the same two in process, without HTTP: `Answerer.answer` and `desk.send`.

The questions are written here for the demo corpus (not from any evaluation set).

Usage: python bench/converse_latency.py [--rounds 3]
Writes bench/results/converse_latency.json and converse_latency.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.envelope_client import EnvelopeClient  # noqa: E402
from api.envelope_key import generate  # noqa: E402
from api.settings import Settings  # noqa: E402
from api.tokens import derive_key, issue  # noqa: E402
from bench.ingest import machine_info  # noqa: E402
from extractors.ingest.pipeline import Ingestor  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.conversation import reader  # noqa: E402
from resolvers.conversation.desk import Desk, send  # noqa: E402
from resolvers.conversation.records import Speaker  # noqa: E402
from resolvers.identity import Role  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402

DEMO = ROOT / "data" / "demo"
RESULTS = ROOT / "bench" / "results"
QUESTIONS = [
    "How do I restore a NimbusDB cluster to a point in time?",
    "What does NDB-1001 mean?",
    "How many connections does one NimbusDB node accept?",
    "How do I connect to NimbusDB with TLS?",
    "What happens when NimbusCache runs out of memory?",
    "How do I route my application through NimbusPool?",
    "How long are NimbusDB backups kept?",
    "Why are my NimbusCache keys evicted?",
    "NimbusDB 如何恢复到某个时间点？",
    "NimbusDB 连接数上限是多少？",
    "NimbusCache 内存满了会怎样？",
    "怎么通过 NimbusPool 连接数据库？",
]
FOLLOW_UP = ["it still fails on v3", "and what about version 3.2?", "还是不行"]
ASK = "query($q:String!){ ask(question:$q){ text mode confidence citations{ kind code } } }"
SEND = (
    "mutation($id: ID, $t: String!){ sendMessage(conversationId: $id, text: $t){ "
    "conversationId reply replyMode state complexity confidence resolved "
    "citations{ kind code } escalation{ rule } } }"
)


def stats(ms: list[float]) -> dict[str, float]:
    a = np.array(ms)
    return {"n": len(ms), "p50": round(float(np.percentile(a, 50)), 2),
            "p95": round(float(np.percentile(a, 95)), 2),
            "max": round(float(a.max()), 2)}  # fmt: skip


def conversations() -> list[list[str]]:
    out = []
    for i, q in enumerate(QUESTIONS):
        out.append([q, FOLLOW_UP[i % len(FOLLOW_UP)], QUESTIONS[(i + 5) % len(QUESTIONS)]])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gdcv", dir="/tmp"))
    secret = secrets.token_hex(32)
    os.environ["GRAPHDESK_EMBEDDINGS"] = "false"
    store = FalkorStore(tmp / "graph")
    try:
        migrate(store)
        Ingestor(store, progress=False).run([DEMO / "docs", DEMO / "errors"])
        answerer = Answerer(store, cache_size=0)
        answerer.warm_up()
        desk = Desk(store, answerer)
        reader.warm_up()
        server_key = generate()
        settings = Settings(data_dir=tmp / "app", env="production", secret_key=secret,
                            rate_limit_per_token="", rate_limit_per_address="",
                            answer_cache_size=0,
                            # production refuses to start without the SM4 data keys and
                            # the SM envelope's key: fresh ones for this run
                            data_keys=f"lookup:{secrets.token_hex(32)},1:{secrets.token_hex(32)}",
                            envelope_key=server_key.text())  # fmt: skip
        key = derive_key(secret.encode())
        samples: dict[str, list[float]] = {k: [] for k in (
            "ask_http", "send_http", "send_http_answered", "send_http_other",
            "ask_inproc", "send_inproc")}  # fmt: skip
        modes: dict[str, int] = {}
        rules: dict[str, int] = {}
        app = create_app(settings, store=store, answerer=answerer, seed_demo=False)
        with TestClient(app) as client:
            for r in range(args.rounds):
                for n, turns in enumerate(conversations()):
                    customer = f"customer:bench{r}x{n}"
                    token = issue(key, Role.CUSTOMER, customer, 3600)[0]
                    headers = {"Authorization": "Bearer " + token}
                    # production takes mutations only in the SM envelope: sealed here,
                    # as a client would, and timed with it
                    sealed = EnvelopeClient("http://testserver", token,
                                            public_key=server_key.public, http=client)  # fmt: skip
                    for q in turns[:1] + turns[2:]:
                        t = time.perf_counter()
                        resp = client.post("/graphql", json={"query": ASK, "variables": {"q": q}},
                                           headers=headers)  # fmt: skip
                        samples["ask_http"].append((time.perf_counter() - t) * 1000)
                        assert resp.status_code == 200 and "errors" not in resp.json(), resp.text
                    cid = None
                    for text in turns:
                        t = time.perf_counter()
                        reply = sealed.execute(SEND, {"id": cid, "t": text})
                        took = (time.perf_counter() - t) * 1000
                        body = reply.body
                        assert reply.status == 200 and "errors" not in body, body
                        sent = body["data"]["sendMessage"]
                        cid = sent["conversationId"]
                        modes[sent["replyMode"]] = modes.get(sent["replyMode"], 0) + 1
                        if sent["replyMode"] == "handoff":
                            rule = sent["escalation"]["rule"]
                            rules[rule] = rules.get(rule, 0) + 1
                        samples["send_http"].append(took)
                        kind = "answered" if sent["replyMode"] == "extractive" else "other"
                        samples[f"send_http_{kind}"].append(took)
                    # In process: the same, without HTTP.
                    for q in turns[:1] + turns[2:]:
                        t = time.perf_counter()
                        answerer.answer(q)
                        samples["ask_inproc"].append((time.perf_counter() - t) * 1000)
                    cid = None
                    for text in turns:
                        t = time.perf_counter()
                        state = send(desk, Speaker("customer", customer + "p"), cid, text)
                        samples["send_inproc"].append((time.perf_counter() - t) * 1000)
                        cid = state.conversation_id
        result = {
            "machine": machine_info(), "corpus": "data/demo (docs, errors)",
            "llm": None, "answer_cache": "off", "rounds": args.rounds,
            "reply_modes": modes, "escalation_rules": rules,
            "timings_ms": {k: stats(v) for k, v in samples.items() if v},
        }  # fmt: skip
    finally:
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "converse_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    labels = {
        "ask_http": "HTTP `ask` (baseline)",
        "send_http": "HTTP `sendMessage` (SM envelope), every turn",
        "send_http_answered": "HTTP `sendMessage`, turns the bot answered",
        "send_http_other": "HTTP `sendMessage`, handoffs and acknowledgements",
        "ask_inproc": "`Answerer.answer` in process (baseline)",
        "send_inproc": "`desk.send` in process, every turn",
    }
    t = result["timings_ms"]
    lines = [
        "# `sendMessage` latency against `ask`, no LLM", "",
        f"Machine: {result['machine']}. Corpus: the bundled demo. Answer cache off, "
        f"no LLM (extractive), one client, same run. Reply modes: {modes}; "
        f"handoffs by rule: {rules}.", "",
        "| what | n | p50 (ms) | p95 (ms) | max (ms) |", "|---|---|---|---|---|",
    ]  # fmt: skip
    for k, label in labels.items():
        if k in t:
            s = t[k]
            lines.append(f"| {label} | {s['n']} | {s['p50']} | {s['p95']} | {s['max']} |")
    ratio = t["send_http"]["p50"] / t["ask_http"]["p50"]
    lines += ["", f"`sendMessage` p50 is {ratio:.1f}x `ask`'s p50 in this run."]
    (RESULTS / "converse_latency.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
