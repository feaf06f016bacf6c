"""Community Q&A -> Thread, Question and Answer facts.

Two export shapes, detected from the content:

* Stack Exchange data dump: ``Posts.xml`` (``<posts><row .../></posts>``,
  streamed with lxml's pull parser, so a large dump is never held as a tree),
  the same rows as a JSON array of objects with the dump's field names, and
  ``PostLinks.xml`` (or its JSON rows) whose ``LinkTypeId`` 3 marks duplicates.
* Discourse: a topic as served by ``/t/{id}.json`` (``post_stream.posts``),
  or a JSON list of such topics (or ``{"topics": [...]}``).

Decisions written down here:

* ``site=`` names the site; the ingest takes it from the dump's own
  ``Sites.xml`` (:mod:`extractors.community.dump`). Without it the site is
  taken from the file's folder (or name) when it looks like a host name
  (``dba.stackexchange.com/Posts.xml``): thread ids are then
  ``thread:dba.stackexchange.com:123`` and urls can be derived. Otherwise the
  folder's slug names the site and there is no url.
* A byte-order mark (UTF-8, UTF-16, UTF-32) names the file's encoding.
* Answers are ordered as the platform shows them: Stack Exchange puts the
  accepted answer first, then votes (highest first), then age; Discourse keeps
  the post order.
* The search field is title x3 + question + accepted answer; a thread with
  no accepted answer uses its best answer with a positive score instead.
* Discourse votes are likes (``like_count``); a post's ``score`` (a ranking
  number, not votes) is used only when likes are absent.
* A malformed row, topic or post is reported with its location (XML line,
  JSON index) and skipped; an XML syntax error ends the reading of that file
  at the reported line, keeping what came before.
* ``PostLinks.xml`` may be parsed on its own (a batch with links only, whose
  edges need both threads in the graph already) or passed with its Posts as
  ``links=`` (resolved in the same write).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import lxml.etree
import lxml.html

from extractors.records import ExtractionError, digest, slug
from extractors.text.encoding import decode_export, utf8_head
from extractors.text.html_text import html_text, plain_text
from extractors.text.segment import language

PLATFORM_SE = "stackexchange"
PLATFORM_DISCOURSE = "discourse"
_HOST = re.compile(r"^(?=.{4,253}$)[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
_DUMP_SUFFIX = re.compile(r"-(?:posts|postlinks)$", re.I)


@dataclass
class Problem:
    """A record that was skipped, and where it is."""

    uri: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.uri}: {self.location}: {self.message}"


@dataclass
class Post:
    key: str  # the platform's own post id
    text: str
    votes: int = 0
    author: str | None = None
    created_at: str | None = None
    accepted: bool = False
    author_id: str | None = None  # the platform's user id, when the author is named by it
    url: str | None = None
    location: str = ""


@dataclass
class CommunityThread:
    site: str
    key: str  # question / topic id on the platform
    platform: str
    title: str
    question: Post
    answers: list[Post] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    views: int | None = None
    url: str | None = None
    created_at: str | None = None
    location: str = ""

    @property
    def id(self) -> str:
        return thread_id(self.site, self.key)

    @property
    def accepted(self) -> Post | None:
        return next((a for a in self.answers if a.accepted), None)

    @property
    def best_answer(self) -> Post | None:
        """The accepted answer, else the highest-voted answer with a positive score."""
        if (acc := self.accepted) is not None:
            return acc
        top = max(self.answers, key=lambda a: a.votes, default=None)
        return top if top is not None and top.votes > 0 else None

    @property
    def lang(self) -> str:
        return language(self.title + " " + self.question.text[:2000])


@dataclass
class DuplicateLink:
    site: str
    key: str  # the duplicate
    target: str  # the thread it duplicates
    location: str


@dataclass
class CommunityBatch:
    """What one community export yields."""

    uri: str
    kind: str  # stackexchange-xml, stackexchange-json, stackexchange-links, discourse-json
    hash: str
    site: str
    threads: list[CommunityThread] = field(default_factory=list)
    links: list[DuplicateLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0  # rows of other kinds (tag wikis, linked-not-duplicate ...)
    site_name: str | None = None  # from the dump's Sites.xml (extractors.community.dump)
    # Worth saying, not failures: "<file>: <what>" (no site metadata ...).
    notes: list[str] = field(default_factory=list)

    @property
    def platform(self) -> str:
        return PLATFORM_DISCOURSE if self.kind.startswith("discourse") else PLATFORM_SE

    @property
    def warnings(self) -> list[str]:
        return [str(p) for p in self.problems]


def thread_id(site: str, key: str) -> str:
    return f"thread:{site}:{key}"


class _Bad(Exception):
    """A malformed record (message without location)."""


# --------------------------------------------------------------------------- entry


def parse_community(
    data: bytes,
    uri: str,
    *,
    site: str | None = None,
    links: bytes | None = None,
    links_uri: str | None = None,
) -> CommunityBatch:
    """Parse a Stack Exchange or Discourse export; raises ExtractionError naming ``uri``."""
    site = site or site_of(uri)
    head = utf8_head(data, 64).lstrip(b" \t\r\n")
    if head.startswith(b"<"):
        batch = _parse_xml(data, uri, site)
    elif head.startswith((b"[", b"{")):
        batch = _parse_json(data, uri, site)
    else:
        raise ExtractionError(f"{uri}: neither XML nor JSON: not a community export")
    if links is not None:
        extra = parse_community(links, links_uri or uri + "#links", site=site)
        if extra.threads or extra.kind != "stackexchange-links":
            raise ExtractionError(f"{links_uri or uri}: not a PostLinks export")
        batch.links.extend(extra.links)
        batch.problems.extend(extra.problems)
    return batch


_SNIFF_XML = re.compile(rb"<(?:posts|postlinks)[\s>]")
_SNIFF_JSON = re.compile(rb'"(?:post_stream|PostTypeId|LinkTypeId)"\s*:')


def is_community(data: bytes) -> bool:
    """A cheap look at the head of a file: is it an export that parse_community reads?"""
    head = utf8_head(data).lstrip(b" \t\r\n")
    if head.startswith(b"<"):
        return _SNIFF_XML.search(head[:8192]) is not None
    return head.startswith((b"[", b"{")) and _SNIFF_JSON.search(head) is not None


def site_of(uri: str) -> str:
    path = PurePath(uri.split("#", 1)[0])
    for name in (path.parent.name, path.stem):
        cand = _DUMP_SUFFIX.sub("", name.lower())
        if _HOST.match(cand):
            return cand
    return slug(path.parent.name or path.stem)


def _is_host(site: str) -> bool:
    return bool(_HOST.match(site))


# ------------------------------------------------------------------ Stack Exchange


_XML_CHUNK = 1 << 20


def _parse_xml(data: bytes, uri: str, site: str) -> CommunityBatch:
    # A pull parser fed in chunks, its events read after each: the rows before a
    # syntax error are kept whatever the parser buffers (iterparse of lxml 6.2
    # raises before yielding the events of the chunk that holds the error).
    parser = lxml.etree.XMLPullParser(
        events=("start", "end"), huge_tree=True, resolve_entities=False, no_network=True
    )
    rows: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[Problem] = []
    root: str | None = None

    def take() -> None:
        nonlocal root
        for event, item in parser.read_events():
            if not isinstance(item, lxml.etree._Element):
                continue  # start and end events carry elements; no other kinds are asked for
            el: Any = item  # lxml-stubs has no clear(keep_tail=)
            if root is None:
                root = str(el.tag).lower()
                if root not in ("posts", "postlinks"):
                    raise ExtractionError(
                        f"{uri}: root element <{el.tag}> is neither <posts> nor <postlinks>"
                    )
                continue
            if event != "end" or el.tag != "row":
                continue
            rows.append((f"line {el.sourceline}", dict(el.attrib)))
            el.clear(keep_tail=False)
            parent = el.getparent()
            while parent is not None and el.getprevious() is not None:
                del parent[0]

    try:
        for start in range(0, len(data), _XML_CHUNK):
            parser.feed(data[start : start + _XML_CHUNK])
            take()
        parser.close()
        take()
    except lxml.etree.XMLSyntaxError as exc:
        take()  # what was parsed before the error
        if root is None:
            raise ExtractionError(
                f"{uri}: line {exc.lineno}: not well-formed XML: {exc.msg}"
            ) from None
        problems.append(Problem(uri, f"line {exc.lineno}", f"not well-formed XML ({exc.msg}); "
                                "the rest of the file was not read"))  # fmt: skip
    kind = "stackexchange-links" if root == "postlinks" else "stackexchange-xml"
    batch = CommunityBatch(uri, kind, digest(data), site, problems=problems)
    return _from_rows(batch, rows)


def _parse_json(data: bytes, uri: str, site: str) -> CommunityBatch:
    try:
        doc = json.loads(decode_export(data, uri))
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"{uri}: line {exc.lineno}: not valid JSON: {exc}") from None
    h = digest(data)
    if isinstance(doc, dict) and "post_stream" in doc:
        batch = CommunityBatch(uri, "discourse-json", h, site)
        _discourse_topics(batch, [("topic", doc)])
        return batch
    items: list[Any]
    prefix = ""
    if isinstance(doc, dict):
        for key in ("topics", "posts", "rows", "postlinks", "links"):
            if isinstance(doc.get(key), list):
                items, prefix = doc[key], key
                break
        else:
            raise ExtractionError(f"{uri}: a JSON object without post_stream, topics or posts")
    elif isinstance(doc, list):
        items = doc
    else:
        raise ExtractionError(f"{uri}: JSON is neither an object nor an array")
    located = [(f"index {prefix}[{i}]", item) for i, item in enumerate(items)]
    sample = next((x for _, x in located if isinstance(x, dict)), None)
    if sample is None:
        if items:
            raise ExtractionError(f"{uri}: the JSON array holds no objects")
        return CommunityBatch(uri, "stackexchange-json", h, site)
    if "post_stream" in sample:
        batch = CommunityBatch(uri, "discourse-json", h, site)
        _discourse_topics(batch, located)
        return batch
    if "LinkTypeId" in sample and "PostTypeId" not in sample:
        batch = CommunityBatch(uri, "stackexchange-links", h, site)
    elif "PostTypeId" in sample or "Id" in sample:
        batch = CommunityBatch(uri, "stackexchange-json", h, site)
    else:
        raise ExtractionError(
            f"{uri}: JSON objects have neither post_stream (Discourse) nor Id/PostTypeId "
            "(Stack Exchange)"
        )
    rows: list[tuple[str, Mapping[str, Any]]] = []
    for loc, item in located:
        if isinstance(item, dict):
            rows.append((loc, item))
        else:
            batch.problems.append(Problem(uri, loc, "not a JSON object"))
    return _from_rows(batch, rows)


def _int(row: Mapping[str, Any], key: str, required: bool = False) -> int | None:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise _Bad(f"{key} is missing")
        return None
    if isinstance(value, bool):
        raise _Bad(f"{key} {value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise _Bad(f"{key} {value!r} is not an integer") from None


def _need_int(row: Mapping[str, Any], key: str) -> int:
    value = _int(row, key, required=True)
    if value is None:  # pragma: no cover - _int raises for a missing required value
        raise _Bad(f"{key} is missing")
    return value


def _str(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise _Bad(f"{key} is not text")
    return str(value)


def parse_tags(value: Any) -> list[str]:
    """'<postgresql><indexing>', '|postgresql|indexing|' or a list -> ['postgresql', 'indexing']."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        out = [str(v.get("name", "") if isinstance(v, dict) else v) for v in value]
    elif isinstance(value, str):
        s = value.strip()
        out = re.findall(r"<([^<>]+)>", s) if s.startswith("<") else re.split(r"[|\s]+", s)
    else:
        raise _Bad(f"tags {value!r} are neither text nor a list")
    return list(dict.fromkeys(t.strip().lower() for t in out if t.strip()))


def _from_rows(batch: CommunityBatch, rows: list[tuple[str, Mapping[str, Any]]]) -> CommunityBatch:
    if batch.kind == "stackexchange-links":
        for loc, row in rows:
            try:
                if _int(row, "LinkTypeId", required=True) != 3:
                    batch.skipped += 1
                    continue
                a = _int(row, "PostId", required=True)
                b = _int(row, "RelatedPostId", required=True)
            except _Bad as exc:
                batch.problems.append(Problem(batch.uri, loc, f"link skipped: {exc}"))
                continue
            batch.links.append(DuplicateLink(batch.site, str(a), str(b), loc))
        return batch
    host = _is_host(batch.site)
    questions: dict[str, CommunityThread] = {}
    accepted: dict[str, str] = {}
    answers: list[tuple[str, Post]] = []
    seen: set[str] = set()
    for loc, row in rows:
        try:
            pid = _int(row, "Id", required=True)
            ptype = _int(row, "PostTypeId", required=True)
            if ptype not in (1, 2):
                batch.skipped += 1
                continue
            key = str(pid)
            if key in seen:
                raise _Bad(f"Id {key} occurs twice")
            post = Post(
                key=key,
                text=html_text(_str(row, "Body") or ""),
                votes=_int(row, "Score") or 0,
                author=_str(row, "OwnerDisplayName") or _str(row, "OwnerUserId"),
                author_id=_str(row, "OwnerUserId"),
                created_at=_str(row, "CreationDate"),
                location=loc,
            )
            seen.add(key)
            if ptype == 1:
                title = (_str(row, "Title") or "").strip()
                if not title:
                    raise _Bad(f"question {key} has no Title")
                post.url = f"https://{batch.site}/questions/{key}" if host else None
                questions[key] = CommunityThread(
                    site=batch.site, key=key, platform=PLATFORM_SE, title=title,
                    question=post, tags=parse_tags(row.get("Tags")),
                    views=_int(row, "ViewCount"), url=post.url,
                    created_at=post.created_at, location=loc,
                )  # fmt: skip
                if (acc := _int(row, "AcceptedAnswerId")) is not None:
                    accepted[key] = str(acc)
            else:
                parent = _int(row, "ParentId", required=True)
                post.url = f"https://{batch.site}/a/{key}" if host else None
                answers.append((str(parent), post))
        except _Bad as exc:
            rid = row.get("Id")
            what = f"row Id={rid}" if rid not in (None, "") else "row"
            batch.problems.append(Problem(batch.uri, loc, f"{what} skipped: {exc}"))
    for parent_key, post in answers:
        thread = questions.get(parent_key)
        if thread is None:
            why = f"answer {post.key} skipped: its question {parent_key} is not in this export"
            batch.problems.append(Problem(batch.uri, post.location, why))
            continue
        post.accepted = accepted.get(parent_key) == post.key
        thread.answers.append(post)
    for t in questions.values():
        t.answers.sort(key=lambda a: (not a.accepted, -a.votes, a.created_at or "", a.key))
    batch.threads = list(questions.values())
    return batch


# ------------------------------------------------------------------------ Discourse


def _discourse_topics(batch: CommunityBatch, topics: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for loc, topic in topics:
        try:
            if not isinstance(topic, dict):
                raise _Bad("not a JSON object")
            thread = _discourse_topic(batch, loc, topic)
            if thread.key in seen:
                raise _Bad(f"topic {thread.key} occurs twice")
            seen.add(thread.key)
            batch.threads.append(thread)
        except _Bad as exc:
            tid = topic.get("id") if isinstance(topic, dict) else None
            what = f"topic id={tid}" if tid is not None else "topic"
            batch.problems.append(Problem(batch.uri, loc, f"{what} skipped: {exc}"))


def _discourse_topic(batch: CommunityBatch, loc: str, topic: dict[str, Any]) -> CommunityThread:
    tid = str(_need_int(topic, "id"))
    title = (_str(topic, "title") or _str(topic, "fancy_title") or "").strip()
    if not title:
        raise _Bad("no title")
    stream = topic.get("post_stream")
    posts = stream.get("posts") if isinstance(stream, dict) else None
    if not isinstance(posts, list) or not posts:
        raise _Bad("post_stream.posts is missing or empty")
    topic_slug = _str(topic, "slug") or slug(title)
    base = f"https://{batch.site}/t/{topic_slug}/{tid}" if _is_host(batch.site) else None
    acc_info = topic.get("accepted_answer")
    acc_number = _int(acc_info, "post_number") if isinstance(acc_info, dict) else None
    parsed: list[tuple[int, Post]] = []
    for i, p in enumerate(posts):
        ploc = f"{loc}.post_stream.posts[{i}]"
        try:
            if not isinstance(p, dict):
                raise _Bad("not a JSON object")
            if p.get("post_type") not in (None, 1):  # moderator notes, small actions, whispers
                batch.skipped += 1
                continue
            number = _need_int(p, "post_number")
            html = _str(p, "cooked")
            text = html_text(html) if html else plain_text(_str(p, "raw") or "")
            likes = _int(p, "like_count")
            score = p.get("score")
            votes = (
                likes if likes is not None else int(score) if isinstance(score, int | float) else 0
            )
            post = Post(
                key=str(_int(p, "id") or f"{tid}/{number}"), text=text, votes=votes,
                author=_str(p, "username"), created_at=_str(p, "created_at"),
                accepted=bool(p.get("accepted_answer")) or (acc_number == number and number > 1),
                url=f"{base}/{number}" if base else None, location=ploc,
            )  # fmt: skip
        except _Bad as exc:
            batch.problems.append(Problem(batch.uri, ploc, f"post skipped: {exc}"))
            continue
        parsed.append((number, post))
    parsed.sort(key=lambda np: np[0])
    if not parsed or parsed[0][0] != 1:
        raise _Bad("the first post (post_number 1, the question) is missing")
    question = parsed[0][1]
    question.accepted = False
    question.url = base
    answers = [p for _, p in parsed[1:]]
    first = next((a for a in answers if a.accepted), None)
    for a in answers:  # one accepted answer per topic
        a.accepted = a is first
    return CommunityThread(
        site=batch.site, key=tid, platform=PLATFORM_DISCOURSE, title=title, question=question,
        answers=answers, tags=parse_tags(topic.get("tags")), views=_int(topic, "views"),
        url=base, created_at=_str(topic, "created_at"), location=loc,
    )  # fmt: skip


# ----------------------------------------------------------------------- HTML -> text
