"""Graph consistency: what ``graphdesk doctor`` finds and what ``--repair`` mends.

Problems looked for, each a way an interrupted or concurrent write leaves
the graph:

- duplicate ids: two or more nodes of one label with one ``id`` (two ingests
  at once, or a retried CREATE);
- parallel edges: two edges of one type between the same two nodes;
- documents without a source: a Document whose ``source`` names no Source
  node (an ingest stopped before it recorded the source);
- sections without a document: a Section nothing points to with HAS_SECTION;
- edges to retired facts: an edge from a live node to a retired one that
  should have gone with the retirement. Kept on purpose, and not reported
  (``KEPT_RETIRED_EDGES``): a node's own parts (a document's sections, a
  ticket's messages and solutions, an error code's causes and steps, a
  thread's posts), which retire with it and stay traceable; retired specs
  under their product, which keep the history and come back when their
  source does; and a DUPLICATE_OF link that another, live source stated.
  Reported, because traversals would follow them into retired facts and no
  write removes them: links to retired error codes (MENTIONS_CODE, OF_CODE),
  a symptom's RESOLVED_BY to a retired ticket's solution, DESCRIBED_IN to a
  retired section, and any other type.

Repair, in this order: parallel edges are deleted down to one, duplicates
are merged into one node per id (the most recently extracted; every edge of
the others is moved to it with MERGE, so none is lost and none doubled),
documents without a source are deleted with their sections (the source's
hash is then unknown, so the next ingest writes the file again), sections
without a document are deleted, and stale edges are deleted.

Neither checking nor repairing needs the migrations: they run on the graph
as it is, so a directory doubled before ids were made unique can be mended
before the migration that makes them so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.dialect import LABELS
from graph.queries import doctor as q
from graph.store import Store


@dataclass
class Findings:
    """What ``examine`` found; empty lists mean that kind of problem is absent."""

    # (label, ids duplicated, extra nodes, sample ids)
    duplicates: list[tuple[str, int, int, list[str]]] = field(default_factory=list)
    # (relationship type, node pairs, extra edges)
    parallel: list[tuple[str, int, int]] = field(default_factory=list)
    documents_without_source: tuple[int, list[str]] = (0, [])
    sections_without_document: tuple[int, list[str]] = (0, [])
    # (start label, type, end label, edges)
    stale_edges: list[tuple[str, str, str, int]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.duplicates
            or self.parallel
            or self.documents_without_source[0]
            or self.sections_without_document[0]
            or self.stale_edges
        )

    def lines(self) -> list[str]:
        """One line per kind of check, saying what it found."""
        out = []
        if self.duplicates:
            for label, ids, extra, sample in self.duplicates:
                out.append(
                    f"PROBLEM duplicate ids: {ids} {label} id(s) on more than one node "
                    f"({extra} extra nodes), e.g. {_sample(sample)}"
                )
        else:
            out.append("ok      duplicate ids: none")
        if self.parallel:
            for rel_type, pairs, extra in self.parallel:
                out.append(
                    f"PROBLEM parallel edges: {extra} extra {rel_type} edge(s) "
                    f"between {pairs} pair(s) of nodes"
                )
        else:
            out.append("ok      parallel edges: none")
        n, sample = self.documents_without_source
        out.append(
            f"PROBLEM documents without a source: {n}, e.g. {_sample(sample)}"
            if n
            else "ok      documents without a source: none"
        )
        n, sample = self.sections_without_document
        out.append(
            f"PROBLEM sections without a document: {n}, e.g. {_sample(sample)}"
            if n
            else "ok      sections without a document: none"
        )
        if self.stale_edges:
            for start, rel_type, end, n in self.stale_edges:
                out.append(
                    f"PROBLEM edges to retired facts: {n} ({start})-[:{rel_type}]->(retired {end})"
                )
        else:
            out.append("ok      edges to retired facts: none")
        return out


@dataclass
class Repairs:
    """What ``repair`` changed."""

    merged: dict[str, int] = field(default_factory=dict)  # label -> nodes merged away
    moved_edges: int = 0
    unmerged: dict[str, int] = field(default_factory=dict)  # label -> duplicates left
    parallel_deleted: int = 0
    documents_deleted: int = 0
    sections_of_documents_deleted: int = 0
    orphan_sections_deleted: int = 0
    stale_edges_deleted: int = 0

    def lines(self) -> list[str]:
        merged = ", ".join(f"{n} {label}" for label, n in sorted(self.merged.items()))
        out = [
            f"merged duplicate nodes: {merged or 'none'} ({self.moved_edges} edges moved)",
            f"deleted parallel edges: {self.parallel_deleted}",
            f"deleted documents without a source: {self.documents_deleted} "
            f"(with {self.sections_of_documents_deleted} sections; the next ingest "
            "writes them again)",
            f"deleted sections without a document: {self.orphan_sections_deleted}",
            f"deleted edges to retired facts: {self.stale_edges_deleted}",
        ]
        for label, n in sorted(self.unmerged.items()):
            out.append(
                f"NOT MERGED {n} {label} duplicate(s): they have edges of a type "
                "graphdesk does not write"
            )
        return out


def _sample(ids: list[str]) -> str:
    return ", ".join(repr(i) for i in ids)


def _count(store: Store, cypher: str, params: dict[str, object] | None = None) -> int:
    rows = store.write(cypher, params)
    return int(rows[0]["n"]) if rows and rows[0].get("n") is not None else 0


def examine(store: Store) -> Findings:
    """Run every check; reads only."""
    found = Findings()
    found.duplicates = [
        (str(r["label"]), int(r["ids"]), int(r["extra"]), [str(i) for i in r["sample"]])
        for r in store.read(q.DUPLICATE_IDS)
    ]
    found.parallel = [
        (str(r["type"]), int(r["pairs"]), int(r["extra"])) for r in store.read(q.PARALLEL_EDGES)
    ]
    r = store.read(q.DOCUMENTS_WITHOUT_SOURCE)[0]
    found.documents_without_source = (int(r["n"]), [str(i) for i in r["sample"]])
    r = store.read(q.SECTIONS_WITHOUT_DOCUMENT)[0]
    found.sections_without_document = (int(r["n"]), [str(i) for i in r["sample"]])
    found.stale_edges = [
        (str(r["start"]), str(r["type"]), str(r["end"]), int(r["n"]))
        for r in store.read(q.STALE_EDGES, {"kept": q.KEPT_RETIRED_EDGES})
    ]
    return found


def repair(store: Store, found: Findings | None = None) -> Repairs:
    """Mend what ``examine`` finds. The caller holds the data directory's write lock."""
    found = found if found is not None else examine(store)
    done = Repairs()
    # Parallel edges go first as well, so that moving a duplicate's edge meets
    # at most one edge to MERGE with; and again after, in case a backend's
    # MERGE did not see an edge created earlier in the same statement.
    done.parallel_deleted = _count(store, q.DELETE_PARALLEL_EDGES)
    for label, _ids, _extra, _sample in found.duplicates:
        if label in LABELS:  # anything else was not written by graphdesk: reported only
            _merge_duplicates(store, label, done)
    done.parallel_deleted += _count(store, q.DELETE_PARALLEL_EDGES)
    done.sections_of_documents_deleted = _count(store, q.DELETE_SECTIONS_OF_SOURCELESS)
    done.documents_deleted = _count(store, q.DELETE_SOURCELESS_DOCUMENTS)
    done.orphan_sections_deleted = _count(store, q.DELETE_ORPHAN_SECTIONS)
    done.stale_edges_deleted = _count(store, q.DELETE_STALE_EDGES, {"kept": q.KEPT_RETIRED_EDGES})
    return done


def _merge_duplicates(store: Store, label: str, done: Repairs) -> None:
    store.write(q.render("clear_marks", label))
    if not _count(store, q.render("mark_duplicates", label)):
        return
    types = [str(r["type"]) for r in store.read(q.render("types_of_dropped", label))]
    for rel_type in types:
        if rel_type not in q.RELATIONSHIP_TYPES:
            continue  # left on the dropped node, which then stays (and is reported)
        done.moved_edges += _count(store, q.render("move_outgoing", label, rel_type))
        done.moved_edges += _count(store, q.render("move_incoming", label, rel_type))
    deleted = _count(store, q.render("delete_dropped", label))
    if deleted:
        done.merged[label] = deleted
    left = _count(store, q.render("left_dropped", label))
    if left:
        done.unmerged[label] = left
    store.write(q.render("clear_marks", label))
