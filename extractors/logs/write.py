"""Log templates into the graph: `graphdesk logs ingest LOGFILE --format FMT`.

The file's templates are mined as by `graphdesk logs parse`; each becomes a
LogTemplate node (its template, how many lines it covers, the levels seen, an
example line with personal data masked) linked to the components that log it,
to the product given, and to the error codes its lines mention. Re-ingesting
a file replaces its templates. Components are one node however a log spells
them: case and punctuation are ignored (`DataNode`, `data_node`), and typos
resolve as product names do (recorded aliases, undone with `graphdesk merges undo`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.logs.format import CONTENT, check_log_file, format_fields, parse_format, read_lines
from extractors.logs.miner import TemplateMiner
from extractors.records import EXTRACTOR_VERSION, digest, slug
from extractors.text.masking import mask
from extractors.text.resolution import EntityResolver, name_key
from extractors.text.segment import search_field
from extractors.tickets import error_codes
from graph.queries import concepts as cq
from graph.queries import logs as q
from graph.store import Store
from graph.types import Params


@dataclass
class _Seen:
    count: int = 0
    levels: set[str] = field(default_factory=set)
    components: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    example: str = ""


@dataclass
class LogIngestReport:
    source: str
    lines: int
    templates: int
    components: int
    codes: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.source}: {self.lines:,} lines, {self.templates} templates, "
            f"{self.components} components, {self.codes} error-code links in {self.seconds:.2f} s"
        )


def ingest_log(
    store: Store,
    path: str | Path,
    fmt: str,
    product: str | None = None,
    extra: Sequence[tuple[str, Params]] = (),
) -> LogIngestReport:
    """Mine a log file's templates into the graph, replacing the file's earlier
    ones; ``extra`` statements (the Source record) commit in the same transaction."""
    start = time.perf_counter()
    src = Path(path).resolve()
    pattern = parse_format(fmt)
    fields = format_fields(fmt)
    check_log_file(src)
    miner = TemplateMiner()
    seen: dict[int, _Seen] = defaultdict(_Seen)
    lines = 0
    for line in read_lines(src, []):
        lines += 1
        m = pattern.match(line)
        # Personal data is masked before mining: it never reaches the graph,
        # and an e-mail address is a variable like any other.
        content = mask(m.group(CONTENT) if m else line)
        sid = miner.add(content)
        s = seen[sid]
        s.count += 1
        if m is not None:
            if "Level" in fields and m.group("Level"):
                s.levels.add(m.group("Level"))
            if "Component" in fields and m.group("Component"):
                s.components.add(m.group("Component"))
        if not s.example:
            s.example = content[:500]
        if len(s.codes) < 5:
            # only codes the graph knows are linked (LINK_CODES matches them)
            s.codes.update(code for code, _strong in error_codes(content))
    by_template: dict[str, _Seen] = defaultdict(_Seen)
    texts: dict[str, str] = {}
    for sid, s in seen.items():
        found = miner.template_of(sid)
        agg = by_template[found.event_id]
        texts[found.event_id] = found.template
        agg.count += s.count
        agg.levels |= s.levels
        agg.components |= s.components
        agg.codes |= s.codes
        agg.example = agg.example or s.example
    uri = str(src)
    now = int(time.time() * 1000)
    resolver = EntityResolver(
        {r["id"]: [r["name"], *(r.get("aliases") or [])] for r in store.read(cq.COMPONENT_NAMES)},
        {r["name"] for r in store.read(cq.BLOCKED_ALIASES, {"kind": "component"})},
        prefix="component:",
    )
    aliases: dict[str, dict[str, Any]] = {}

    def resolve(name: str) -> str:
        res = resolver.resolve(name)
        if res.merged:
            aliases[name_key(name)] = {
                "id": "alias:component:" + name_key(name), "cid": res.product_id,
                "props": {"name": name, "method": res.method, "score": res.score,
                          "source": uri, "kind": "component"},
            }  # fmt: skip
        elif res.method != "exact":
            resolver.learn(name, res.product_id)
        return res.product_id

    facts = {"source": uri, "extractor": f"graphdesk.logs/{EXTRACTOR_VERSION}",
             "confidence": 0.9, "extracted_at": now}  # fmt: skip
    rows: list[dict[str, Any]] = []
    components: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    for event_id, agg in by_template.items():
        # One node per template and file: the same template in two files is two facts.
        tid = f"logtemplate:{digest(uri)[:8]}:{event_id}"
        template = texts[event_id]
        rows.append({"id": tid, "props": {
            "event_id": event_id, "template": template, "count": agg.count,
            "levels": sorted(agg.levels), "example": agg.example, "product": product,
            "component_names": sorted(agg.components),
            "search": search_field((template, 2), (" ".join(sorted(agg.components)), 1)),
            **facts}})  # fmt: skip
        components += [{"tid": tid, "cid": resolve(c), "name": c}
                       for c in sorted(agg.components)]  # fmt: skip
        codes += [{"tid": tid, "code": c} for c in sorted(agg.codes)]
    # One transaction: the file is wholly its old templates or wholly its new.
    with store.transaction() as tx:
        tx.run(q.DELETE_TEMPLATES_OF, {"uris": [uri]})
        tx.run_batch(q.UPSERT_TEMPLATES, rows)
        tx.run_batch(q.LINK_COMPONENTS, components)
        tx.run_batch(cq.RECORD_COMPONENT_ALIASES, list(aliases.values()))
        if product:
            tx.run_batch(
                q.LINK_PRODUCT,
                [
                    {"tid": r["id"], "pid": "product:" + slug(product), "name": product}
                    for r in rows
                ],
            )
        tx.run_batch(q.LINK_CODES, codes)
        for cypher, params in extra:
            tx.run(cypher, params)
    return LogIngestReport(
        uri, lines, len(rows), len({c["cid"] for c in components}), len(codes),
        time.perf_counter() - start,
    )  # fmt: skip
