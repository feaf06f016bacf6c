"""Community Q&A: Threads with their Question and ordered Answers, duplicates,
and the concepts and products they are about.

A source's rewrite: its threads are marked stale, the posts and derived edges
of its threads (and of the threads it now writes) are deleted, threads are
merged by id (so duplicate links from other sources survive), posts and edges
are created again, and threads still stale are deleted with their posts.
"""

from __future__ import annotations

from graph.store import Store
from graph.types import Row

MARK_STALE_THREADS = """
MATCH (t:Thread {source: $uri})
SET t.stale = true
"""

DELETE_QUESTIONS_OF = """
MATCH (q:Question {source: $uri})
DETACH DELETE q
"""

DELETE_ANSWERS_OF = """
MATCH (a:Answer {source: $uri})
DETACH DELETE a
"""

# Posts and derived edges of threads that this source writes now (a thread may
# have been written by another export of the same site before).
DELETE_THREAD_POSTS = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.id})-[:HAS_QUESTION|HAS_ANSWER]->(p)
DETACH DELETE p
"""

DELETE_THREAD_EDGES = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.id})-[m:MENTIONS|ABOUT]->()
DELETE m
"""

DELETE_SOURCE_EDGES = """
MATCH (t:Thread {source: $uri})-[m:MENTIONS|ABOUT]->()
DELETE m
"""

DELETE_DUPLICATES_OF = """
MATCH (:Thread)-[d:DUPLICATE_OF]->(:Thread)
WHERE d.source = $uri
DELETE d
"""

UPSERT_THREADS = """
UNWIND $rows AS r
MERGE (t:Thread {id: r.id})
SET t += r.props, t.stale = null, t.retired_at = null
"""

UPSERT_QUESTIONS = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.tid})
MERGE (q:Question {id: r.props.id})
SET q = r.props
MERGE (t)-[h:HAS_QUESTION]->(q)
SET h = r.edge
"""

UPSERT_ANSWERS = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.tid})
MERGE (a:Answer {id: r.props.id})
SET a = r.props
MERGE (t)-[h:HAS_ANSWER]->(a)
SET h = r.edge
"""

LINK_ACCEPTED = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.tid})
MATCH (a:Answer {id: r.aid})
MERGE (t)-[h:ACCEPTED_ANSWER]->(a)
SET h = r.edge
"""

LINK_MENTIONS = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.tid})
MATCH (c:Concept {id: r.cid})
MERGE (t)-[m:MENTIONS]->(c)
SET m = r.edge
"""

LINK_PRODUCTS = """
UNWIND $rows AS r
MATCH (t:Thread {id: r.tid})
MATCH (p:Product {id: r.pid})
MERGE (t)-[a:ABOUT]->(p)
SET a += r.edge
"""

LINK_DUPLICATES = """
UNWIND $rows AS r
MATCH (a:Thread {id: r.a})
MATCH (b:Thread {id: r.b})
MERGE (a)-[d:DUPLICATE_OF]->(b)
SET d += r.edge
RETURN count(d) AS n
"""

DELETE_STALE_POSTS = """
MATCH (t:Thread {source: $uri})-[:HAS_QUESTION|HAS_ANSWER]->(p)
WHERE t.stale = true
DETACH DELETE p
"""

DELETE_STALE_THREADS = """
MATCH (t:Thread {source: $uri})
WHERE t.stale = true
DETACH DELETE t
RETURN count(*) AS n
"""

# A removed source's threads stay traceable but leave search.
RETIRE_THREADS_OF = """
UNWIND $uris AS u
MATCH (t:Thread {source: u})
SET t.retired_at = timestamp()
REMOVE t.search
"""

PRODUCT_NAMES = """
MATCH (p:Product)
RETURN p.id AS id, p.name AS name, p.aliases AS aliases
"""

THREAD = """
MATCH (t:Thread {id: $id})
OPTIONAL MATCH (t)-[:HAS_QUESTION]->(q:Question)
OPTIONAL MATCH (t)-[:ACCEPTED_ANSWER]->(acc:Answer)
OPTIONAL MATCH (t)-[:DUPLICATE_OF]->(dup:Thread)
OPTIONAL MATCH (t)-[:MENTIONS]->(c:Concept)
OPTIONAL MATCH (t)-[:ABOUT]->(p:Product)
RETURN t {.id, .site, .key, .platform, .title, .url, .tags, .views, .votes, .lang,
          .answer_count, .source, .created_at, .retired_at} AS thread,
       CASE WHEN q IS NULL THEN NULL
            ELSE q {.id, .text, .votes, .author, .created_at, .url} END AS question,
       acc.id AS accepted,
       collect(DISTINCT dup.id) AS duplicate_of,
       collect(DISTINCT c.id) AS concepts,
       collect(DISTINCT p.id) AS products
"""

THREAD_ANSWERS = """
MATCH (t:Thread {id: $id})-[h:HAS_ANSWER]->(a:Answer)
RETURN a {.id, .text, .votes, .accepted, .author, .created_at, .url} AS answer,
       h.ordinal AS ordinal
ORDER BY ordinal
"""

# A page of live threads, newest first (undated last), with question and duplicates.
THREADS = """
MATCH (t:Thread)
WHERE t.retired_at IS NULL
WITH t
ORDER BY coalesce(t.created_at, '') DESC, t.id
SKIP $skip LIMIT $limit
OPTIONAL MATCH (t)-[:HAS_QUESTION]->(q:Question)
OPTIONAL MATCH (t)-[:DUPLICATE_OF]->(dup:Thread)
RETURN t {.id, .site, .key, .platform, .title, .url, .tags, .views, .votes, .lang,
          .answer_count, .source, .created_at, .retired_at} AS thread,
       CASE WHEN q IS NULL THEN NULL
            ELSE q {.id, .text, .votes, .author, .created_at, .url} END AS question,
       collect(DISTINCT dup.id) AS duplicate_of
ORDER BY coalesce(thread.created_at, '') DESC, thread.id
"""

# The answers of several threads (a page of THREADS), in order.
ANSWERS_OF_THREADS = """
UNWIND $ids AS tid
MATCH (t:Thread {id: tid})-[h:HAS_ANSWER]->(a:Answer)
RETURN tid AS thread, h.ordinal AS ordinal,
       a {.id, .text, .votes, .accepted, .author, .created_at, .url} AS answer
ORDER BY thread, ordinal
"""

# Term statistics for ranking threads.
SEARCH_FIELDS = """
MATCH (t:Thread)
WHERE t.retired_at IS NULL AND t.search IS NOT NULL
RETURN t.id AS id, t.title AS title, t.url AS url, t.source AS source, t.search AS search
"""


def thread(store: Store, tid: str) -> Row | None:
    """A thread with its question, ordered answers, duplicates, concepts and products."""
    rows = store.read(THREAD, {"id": tid})
    if not rows or rows[0]["thread"] is None:
        return None
    out = dict(rows[0])
    answers = store.read(THREAD_ANSWERS, {"id": tid})
    out["answers"] = [{**r["answer"], "ordinal": r["ordinal"]} for r in answers]
    return out


def threads(store: Store, skip: int, limit: int) -> list[Row]:
    """A page of live threads, shaped like ``thread()`` but without concepts and products."""
    page = store.read(THREADS, {"skip": skip, "limit": limit})
    answers: dict[str, list[Row]] = {}
    ids = [r["thread"]["id"] for r in page]
    for r in store.read(ANSWERS_OF_THREADS, {"ids": ids}) if ids else []:
        answers.setdefault(r["thread"], []).append({**r["answer"], "ordinal": r["ordinal"]})
    return [{**r, "answers": answers.get(r["thread"]["id"], [])} for r in page]
