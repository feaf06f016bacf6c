"""A Stack Exchange data dump on disk: the site from the dump's own ``Sites.xml``.

The dump (archive.org ``stackexchange``, and the quarterly dumps since 2024)
is one archive per site (``dba.stackexchange.com.7z``; Stack Overflow split
as ``stackoverflow.com-Posts.7z`` ...) holding ``Posts.xml``, ``PostLinks.xml``,
``Users.xml``, ``Comments.xml``, ``Tags.xml``, ``PostHistory.xml``,
``Votes.xml`` and ``Badges.xml``, plus one ``Sites.xml`` for the whole dump
(rows with ``Id``, ``TinyName``, ``Name``, ``LongName``, ``Url``,
``DatabaseName`` ...). No per-site table names its site; ``Sites.xml`` does.

Decisions written down here:

* ``Sites.xml`` is looked for in the site's folder and the two folders above
  it (the dump's top level). The site's row is the one whose ``Url`` host,
  ``TinyName`` or ``DatabaseName`` is the folder's name (``dba.stackexchange.com``,
  ``dba``, ``StackExchange.DBA``; ``stackoverflow.com-Posts`` is
  ``stackoverflow.com``; a renamed site's old host finds its row by
  ``TinyName``, ``programmers.stackexchange.com`` is
  ``softwareengineering.stackexchange.com``), or its only row. The site is
  then that row's host, its name the row's ``LongName``, and urls are
  ``https://{host}/questions/{Id}`` and ``https://{host}/a/{Id}``.
* Without ``Sites.xml``, or without a row for the folder, the site comes
  from the folder's name as before (urls only when it is a host name), and a
  warning says so.
* ``Sites.xml`` itself and the tables graphdesk does not read (users,
  comments, tags, history, votes, badges) are recognised and skipped, each
  with one warning, instead of failing the ingest of a whole dump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree

from extractors.community.parse import (
    PLATFORM_SE,
    CommunityBatch,
    parse_community,
    site_of,
)
from extractors.community.users import display_names, users_path, users_stamp
from extractors.records import ExtractionError, digest
from extractors.text.encoding import utf8_head

SITES_FILE = "sites.xml"
# Tables of a dump that hold no threads: read for nothing but a warning.
OTHER_TABLES = ("users", "comments", "tags", "posthistory", "votes", "badges")
_TABLES = frozenset({"sites", "posts", "postlinks", *OTHER_TABLES})
# The root element, past an XML declaration, comments and a doctype.
_ROOT = re.compile(rb"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w.-]*)", re.S)
_SUFFIX = re.compile(r"-(?:posts|postlinks|" + "|".join(OTHER_TABLES) + r")$", re.I)
_LEVELS = 2


@dataclass(frozen=True)
class SiteMeta:
    host: str  # dba.stackexchange.com
    name: str | None  # Database Administrators
    sites_file: str  # where it was read


def dump_table(data: bytes) -> str | None:
    """The root element of a dump table (``posts``, ``sites``, ``users`` ...), or None."""
    m = _ROOT.match(utf8_head(data, 8192))
    name = m.group(1).decode().lower() if m else None
    return name if name in _TABLES else None


def sites_path(dump_file: Path) -> Path | None:
    """The ``Sites.xml`` for a file of a dump: in its folder or the two above."""
    folder = dump_file.parent
    for _ in range(_LEVELS + 1):
        try:
            for p in sorted(folder.iterdir()):
                if p.name.lower() == SITES_FILE and p.is_file() and p != dump_file:
                    return p
        except OSError:
            pass
        folder = folder.parent
    return None


def metadata_digest(dump_file: Path) -> str:
    """The content of the dump's ``Sites.xml`` and the state of its ``Users.xml``,
    for the source hash of its tables."""
    sites = sites_path(dump_file)
    try:
        found = digest(sites.read_bytes()) if sites is not None else ""
    except OSError:
        found = ""
    return found + users_stamp(dump_file)


def read_sites(data: bytes, uri: str) -> list[dict[str, str]]:
    """The rows of a ``Sites.xml``; ExtractionError naming ``uri`` when unreadable."""
    try:
        root = lxml.etree.fromstring(
            data, lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        )
    except lxml.etree.XMLSyntaxError as exc:
        raise ExtractionError(f"{uri}: line {exc.lineno}: not well-formed XML: {exc.msg}") from None
    if str(root.tag).lower() != "sites":
        raise ExtractionError(f"{uri}: root element <{root.tag}> is not <sites>")
    return [{str(k): str(v) for k, v in row.attrib.items()} for row in root.iter("row")]


def _host(url: str) -> str:
    return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()


def _folder_keys(dump_file: Path) -> set[str]:
    name = _SUFFIX.sub("", dump_file.parent.name.lower()).removesuffix(".7z")
    keys = {name}
    labels = name.split(".")
    if len(labels) == 3 and name.endswith(".stackexchange.com"):
        keys.add(labels[0])  # an old host: its TinyName
    return keys


def site_meta(dump_file: Path) -> tuple[SiteMeta | None, str | None]:
    """(the site of a dump file, None) or (None, why there is none)."""
    sites = sites_path(dump_file)
    folder = dump_file.parent.name or str(dump_file.parent)
    fallback = f"the site is taken from the folder name {folder!r}"
    if sites is None:
        return None, f"no Sites.xml beside the dump or above it: {fallback}"
    try:
        rows = read_sites(sites.read_bytes(), str(sites))
    except (OSError, ExtractionError) as exc:
        return None, f"{exc}: {fallback}"
    keys = _folder_keys(dump_file)
    for row in rows:
        db = row.get("DatabaseName", "").lower()
        own = {_host(row.get("Url", "")), row.get("TinyName", "").lower(), db,
               db.removeprefix("stackexchange.")}  # fmt: skip
        if keys & (own - {""}):
            return _meta(row, sites), None
    if len(rows) == 1 and sites.parent == dump_file.parent:
        return _meta(rows[0], sites), None
    return None, f"{sites} has no row for the folder {folder!r}: {fallback}"


def _meta(row: dict[str, str], sites: Path) -> SiteMeta:
    host = _host(row.get("Url", ""))
    if not host:
        raise ExtractionError(f"{sites}: the row of {row.get('TinyName', '?')} has no Url")
    return SiteMeta(host, row.get("LongName") or row.get("Name") or None, str(sites))


def is_community_file(data: bytes) -> bool:
    """Whether ``data`` is a table of a Stack Exchange dump (any table)."""
    return dump_table(data) is not None


def parse_community_file(path: Path, data: bytes) -> CommunityBatch:
    """A community export on disk: a Stack Exchange table read with the dump's
    ``Sites.xml`` (see the module docstring), or a Discourse export."""
    uri = str(path)
    table = dump_table(data)
    if table is not None and table not in ("posts", "postlinks"):
        batch = CommunityBatch(uri, "stackexchange-" + table, digest(data), site_of(uri))
        if table == "sites":
            rows = read_sites(data, uri)
            batch.notes.append(f"{uri}: the dump's list of {len(rows)} sites, read with its posts")
        elif table == "users":
            batch.notes.append(f"{uri}: a Stack Exchange users table, read with its posts "
                               "for their authors' display names")  # fmt: skip
        else:
            batch.notes.append(
                f"{uri}: a Stack Exchange {table} table, not read (only Posts and PostLinks are)"
            )
        return batch
    if table is None and b'"post_stream"' in utf8_head(data):
        return parse_community(data, uri)  # Discourse: its site from the folder
    meta, why = site_meta(path)
    batch = parse_community(data, uri, site=meta.host if meta else None)
    if batch.platform != PLATFORM_SE:
        return parse_community(data, uri)
    if meta is None:
        batch.notes.append(f"{uri}: {why}")
    else:
        batch.site_name = meta.name
    _name_authors(path, batch)
    return batch


def _name_authors(posts_file: Path, batch: CommunityBatch) -> None:
    """Posts named only by user id get the user's display name from ``Users.xml``."""
    posts = [p for t in batch.threads for p in (t.question, *t.answers)]
    by_id = [p for p in posts if p.author_id and p.author == p.author_id]
    users = users_path(posts_file)
    if not by_id or users is None:
        return
    names = display_names(users, {str(p.author_id) for p in by_id})
    for p in by_id:
        p.author = names.get(str(p.author_id), p.author)
