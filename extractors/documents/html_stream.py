"""A large HTML page read as a stream: its body handed over piece by piece.

A parsed tree takes about nine times its page in memory (a 200 MB single-page
manual: 1.8 GB), so a large page is parsed incrementally (libxml2's push
parser through ``lxml.etree.iterparse``) and each complete subtree below the
body's plain containers (``div``, ``section``, ``article``, ``main``) is
handed to the caller, then removed from the tree, so only the containers
still open and the piece at hand are held.

The pieces come in document order, as a walk of the whole tree would meet
them: a container's own text, its opening and closing (a block's line
breaks), whole subtrees (each with its tail). A subtree is handed over only
once the next one starts or its container closes: libxml2 parses ahead of the
events it reports, but only then is the subtree's tail complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import lxml.etree
from lxml.etree import _Element as Element

# What ``pieces`` yields: (TEXT, str), (OPEN, element), (CLOSE, element), (WHOLE, element).
TEXT, OPEN, CLOSE, WHOLE = range(4)
CONTAINERS = frozenset({"div", "section", "article", "main"})
# How much of the page the parser is given at a time.
CHUNK = 1 << 16


class _Pieces:
    """A file over bytes, read at most ``size`` bytes at a time."""

    def __init__(self, data: bytes, size: int) -> None:
        self._view = memoryview(data)
        self._at = 0
        self._size = size

    def read(self, n: int = -1) -> bytes:
        n = self._size if n < 0 else min(n, self._size)
        out = self._view[self._at : self._at + n].tobytes()
        self._at += len(out)
        return out


class StreamedPage:
    """The pieces of a page's body (``pieces``); after them, ``errors`` (the
    parser's log) and, when the body was not read as a stream (none, or one
    that is not a plain container), ``root``: the whole tree, kept."""

    def __init__(self, data: bytes, encoding: str, plain: Callable[[Element], bool]) -> None:
        self._events = lxml.etree.iterparse(
            _Pieces(data, CHUNK), events=("start",), html=True, encoding=encoding
        )
        self._plain = plain  # whether a container may be passed through (not skipped, no note)
        self.root: Element | None = None
        self.body: Element | None = None
        self.errors: lxml.etree._ListErrorLog | None = None

    def pieces(self) -> Iterator[tuple[int, object]]:
        opened: dict[Element, bool] = {}  # open containers -> whether their text was given
        stack: list[Element] = []

        def before(parent: Element, stop: Element | None) -> Iterator[tuple[int, object]]:
            """Everything of ``parent`` before its child ``stop`` (or all of it)."""
            if not opened[parent]:
                opened[parent] = True
                if text := parent.text:
                    yield TEXT, text
            for child in list(parent):
                if child is stop:
                    return
                if child in opened:  # a container closed before: its tail
                    del opened[child]
                    yield CLOSE, child
                    if tail := child.tail:
                        yield TEXT, tail
                else:
                    yield WHOLE, child
                parent.remove(child)  # with its tail

        streaming = True
        for _, el in self._events:
            parent = el.getparent()
            if parent is None or parent not in opened:
                if el.tag == "body" and self.body is None and streaming:
                    streaming = self._plain(el)
                    if streaming:
                        self.body = el
                        opened[el] = False
                        stack.append(el)
                        yield OPEN, el
                continue  # the head, or inside a subtree handed over whole later
            while stack[-1] is not parent:  # the containers that closed since
                yield from before(stack.pop(), None)
            yield from before(parent, el)
            if el.tag in CONTAINERS and self._plain(el):
                opened[el] = False
                stack.append(el)
                yield OPEN, el
        while stack:
            yield from before(stack.pop(), None)
        if self.body is not None:
            yield CLOSE, self.body
            if tail := self.body.tail:
                yield TEXT, tail
        self.errors = self._events.error_log
        if self.body is None:
            self.root = self._events.root
