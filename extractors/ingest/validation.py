"""The validation section of an ingest report.

After an ingest the graph is checked for what a knowledge editor should look
at: error codes without solutions (per product), orphan sections, documents
without sections, conflicting specs, and low-confidence facts. Each check is
one read; the report lists counts with a few examples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.queries import validation as q
from graph.store import Store

LOW_CONFIDENCE = 0.5


@dataclass
class Finding:
    check: str
    count: int
    detail: str = ""
    sample: list[str] = field(default_factory=list)

    def line(self) -> str:
        more = f" ({self.detail})" if self.detail else ""
        eg = f"; e.g. {', '.join(self.sample[:5])}" if self.sample else ""
        return f"{self.check}: {self.count}{more}{eg}"


def validate(store: Store) -> list[Finding]:
    out: list[Finding] = []
    for r in store.read(q.CODES_WITHOUT_SOLUTION):
        out.append(
            Finding(
                "error codes without solutions",
                int(r["n"]),
                f"product {r['product'] or 'unknown'}",
                [str(x) for x in r["sample"] or []],
            )
        )
    for check, cypher in (
        ("orphan sections", q.ORPHAN_SECTIONS),
        ("documents without sections", q.EMPTY_DOCUMENTS),
        ("conflicting specs", q.CONFLICTING_SPECS),
    ):
        r = store.read(cypher)[0]
        if int(r["n"]):
            out.append(Finding(check, int(r["n"]), sample=[str(x) for x in r["sample"] or []]))
    for r in store.read(q.LOW_CONFIDENCE, {"threshold": LOW_CONFIDENCE}):
        out.append(
            Finding(f"low-confidence facts (< {LOW_CONFIDENCE})", int(r["n"]), str(r["label"]))
        )
    return out
