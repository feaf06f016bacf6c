"""Which mined template a log line is: a pasted line matched against the graph's
``LogTemplate`` nodes by the miner's own reading of a message.

A line is read as the miner reads one (``message_tokens``: whitespace, quoted
strings and bracketed values whole), each token also in its masked form
(``mask_token``: numbers, addresses, paths, words with digits, ``key=value``
values become ``<*>``), after personal data is masked as ingest masks it. A
template of L tokens matches the line's last L tokens (the message follows its
header: a timestamp, a level, a component) when every position agrees: the
template's token is the line's token or its masked form, or ``<*>``, or a
shape with holes (``port=<*>``, ``<*>:<*>``) whose fixed parts the token
holds in order. A template must say something: at least ``MIN_CONSTANTS``
positions without a hole, and at least half of them; a line whose templates
were all values matches none. Of several, the one with most such positions,
then the most frequent, then the id.

Templates the miner merged over variable-length lists match lines of the
length they were written with only; a line the header format of its log would
have cut differently may still match, since only the tail is compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.logs.miner import message_tokens
from extractors.logs.tokens import VAR, TokenRules, mask_parts
from extractors.text.masking import mask
from graph.queries import logs as q
from graph.store import Store

MIN_CONSTANTS = 2


@dataclass(frozen=True)
class KnownTemplate:
    id: str
    template: str
    count: int = 0
    codes: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


def _fits(expected: str, token: str, masked: str) -> bool:
    if expected in (token, masked, VAR):
        return True
    if VAR not in expected:
        return False
    # A shape with holes: its fixed parts in order, the first at the start and
    # the last at the end (a glob with <*> as its only wildcard; linear).
    parts = expected.split(VAR)
    if not (token.startswith(parts[0]) and token.endswith(parts[-1])):
        return False
    at, end = len(parts[0]), len(token) - len(parts[-1])
    for part in parts[1:-1]:
        found = token.find(part, at, end)
        if found < 0:
            return False
        at = found + len(part)
    return at <= end


class TemplateMatcher:
    def __init__(self, templates: Sequence[KnownTemplate], rules: TokenRules | None = None):
        self.rules = rules or TokenRules()
        self._by_length: dict[int, list[tuple[KnownTemplate, tuple[str, ...], int]]] = defaultdict(
            list
        )
        for t in templates:
            tokens = tuple(t.template.split())
            constants = sum(1 for tok in tokens if VAR not in tok)
            if constants >= MIN_CONSTANTS and 2 * constants >= len(tokens):
                self._by_length[len(tokens)].append((t, tokens, constants))
        for group in self._by_length.values():
            group.sort(key=lambda e: (-e[2], -e[0].count, e[0].id))

    def __len__(self) -> int:
        return sum(len(g) for g in self._by_length.values())

    def match(self, line: str) -> KnownTemplate | None:
        """The known template ``line`` is an instance of, if any (see the module)."""
        tokens = message_tokens(mask(line.strip()), self.rules)
        masked = [mask_parts(t, self.rules)[0] for t in tokens]
        best: tuple[int, int, str] | None = None
        found: KnownTemplate | None = None
        for length, group in self._by_length.items():
            if length > len(tokens):
                continue
            window, shapes = tokens[-length:], masked[-length:]
            for t, expected, constants in group:  # best first: the first fit is this length's
                if all(_fits(e, w, m) for e, w, m in zip(expected, window, shapes, strict=True)):
                    rank = (-constants, -t.count, t.id)
                    if best is None or rank < best:
                        best, found = rank, t
                    break
        return found


def known_templates(store: Store) -> TemplateMatcher:
    """A matcher over every template in the graph, with what each links to."""
    return TemplateMatcher([
        KnownTemplate(
            id=str(r["id"]), template=str(r["template"] or ""), count=int(r["count"] or 0),
            codes=tuple(str(c) for c in r["codes"] or [] if c),
            components=tuple(str(c) for c in r["components"] or [] if c),
            products=tuple(str(p) for p in r["products"] or [] if p),
        )
        for r in store.read(q.TEMPLATE_LINKS)
    ])  # fmt: skip
