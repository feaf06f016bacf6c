"""Log template mining: log messages -> LogPAI-style templates (``<*>`` for variables).

One configuration for every log (``MinerSettings``), deterministic, no rule
for one system:

1. Tokens. A message (the Content after the header) is split on whitespace;
   a quoted string with spaces in it (``"FETCH /a PROTO/2"``) and a bracketed
   value after a key (``on=(:Item {id, sku})``) are one token, a value however
   many words it has; but a quoted status reply (``"599 Not here."``: a
   number, then words) stays words, text the program writes itself, its code
   a constant. Each distinct token is masked once and cached
   (``extractors.logs.tokens``: numbers, addresses, e-mail addresses, paths,
   words holding a digit, values of ``key=value`` (a value the masks already
   made holes keeps its own brackets: ``key=[<*>]:<*>``; an empty ``key=<>``
   stays as printed), quoted strings, also after a one-letter
   prefix as in ``u'x'``, file names, day and month names). The masked tokens
   of a message are its *signature*, so taking a line costs one split and one
   cached look-up per token.
2. Candidate clusters. Signatures of the same length join the cluster whose
   first signature agrees with them on the most positions (variables match
   variables; a unit after a number, ``12 KB``, counts as part of it; a word
   shaped like a name, see below, counts as a variable), if that is at least
   ``similarity`` of the positions (Drain's idea, without its fixed-depth
   tree: the first token is not trusted to be constant).
3. Split or generalise. In a candidate cluster each position with more than
   one value is judged from its value counts over lines (the frequency view
   of Logram, LFA and Brain: constants repeat, values are rare):

   - a variable if most of its lines hold words known to fill variable slots
     elsewhere (values of ``key=value`` tokens, words of positions found
     variable in a first pass: a user name is a variable in every message);
   - a variable if masked values are at least as frequent as any word there (not
     in the first position: a message opened by a value and one opened by a word,
     its verb, are different messages);
   - a variable if most of its words are shaped like names of things (host
     and domain names, e-mail addresses, relative paths and topics, a word
     alone in square brackets: a tag naming a user or a thread, a lowercase
     identifier with underscores; also such a name in brackets after a label,
     ``TO:<a@b.example>``), however often they repeat, unless another
     position's words go with them (below; a position of codes, and one that
     prints the same value again, do not count); but not the key of an
     assignment (a word before a lone ``=``: the program's name for a setting),
     nor words joining other words of the position by slashes (``shut/open``
     beside ``open`` and ``shut``: a choice between states, not a path);
   - a variable if it has at least ``min_variable_values`` values and at
     least ``rare_value_share`` of them occur once, or more than
     ``max_event_words`` distinct words (a handful of words names events; a
     user or host name takes many, each repeated), unless another position's
     words go with its words (far fewer pairs than independent values would
     give: ``moved from A to B`` / ``moved from B to C`` are the states of a
     machine, different events, not two variables), and unless it is the
     first word (the subject or verb of the message); a position whose words
     are all codes or kinds (capitals and dashes: record types, states,
     termination codes) is not a variable for merely having many words;
   - otherwise a constant that names different events (``opened`` /
     ``closed``, ``failure`` / ``failures``): the cluster is split on all
     such positions at once, and each part is judged again. Before any of this,
     a position holding masked values in a few different shapes (its *skeleton*,
     the punctuation between the holes: ``<*>:<*>`` and ``<*>/<*>:<*>``, an
     address and a name before an address) splits the cluster, since the
     templates differ there, and each shape's words are judged (and learned as
     values) on their own: a request marker's many commands do not make a reply
     marker's few codes values.
4. Templates. A position keeps its token where all lines agree, the masked
   form (``slot=<*>``) where they agree on that, ``<*>`` otherwise; a
   soft-masked token (word with a digit, file name, ``key=value``) on which
   all lines agree is shown as it is. Templates that differ only in how often
   a variable run repeats (variable-length lists), or only in the keys of a
   run of ``key=number`` counters (``get=1 put=0/2``: as many as were used),
   are merged; so is a template that differs from another only by values
   (masked tokens, names) where the other has ``<*>``.

Where the published parsers' ideas are used: Drain (He et al., ICWS'17) for the
length buckets and the similarity threshold; the frequency view of Logram, LFA and
Brain (Yu et al., 2023: the longest common pattern is what all lines of a group
share, the rest is values) for judging positions within a group, as LILAC and ULP
judge tokens by their frequency within a group; variable-aware merging as in
AEL and Spell's LCS-based merging in the subsume and list-collapsing steps;
masking by shape first (Qin et al., 2024: variable-aware preprocessing, the
largest single gain they found for statistic parsers: e-mail addresses are a mask
here, and the values of ``key=value`` are masked in every configuration, as no set
of the pool loses by it); no model (LogPPT's prompts, LILAC's LLM) and no learned
weights.

Words learned as values in the first pass are holes, as masked values are,
when the signatures are clustered again for the second; and a second pass of
the clustering moves each signature to its best representative, so that the
order of the lines does not decide.

Steps 2-4 run over distinct signatures, not lines, when templates are asked
for (``templates()``, ``template_of()``), so lines can keep arriving between
two such calls; their cost grows with the number of distinct signatures.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from extractors.logs.format import (
    CONTENT,
    LogParseError,
    LogParseReport,
    check_log_file,
    format_fields,
    parse_format,
    read_lines,
)
from extractors.logs.tokens import (
    DIGIT,
    KV_VALUE,
    MASKS,
    VAR,
    TokenRules,
    looks_like_code,
    looks_like_name,
    mask_parts,
)

__all__ = [
    "MASKS",
    "LogParseError",
    "LogParseReport",
    "MinedTemplate",
    "MinerSettings",
    "TemplateMiner",
    "TokenRules",
    "event_id",
    "mask_token",
    "message_tokens",
    "parse_format",
    "parse_log",
]

_UNIT = re.compile(
    r"(?:(?:[kmgtpe]i?)?b(?:ytes?)?|[mun]?s|secs?|seconds?|mins?|minutes?|hours?|days?|%)"
    r"[,.;:)\]]*",
    re.IGNORECASE,
)
_PUNCT = ".,;:!?()[]{}<>'\"`"
# key=<*>, key:<*>, and a quoted value after its key (key="<*>"): the key is the class,
# so an empty value (key="") is a different word from a filled one, not a masked value
_KEYED = re.compile(r"([^<]*[A-Za-z][^<]*(?:[:=]|\.\.))[\"']?<\*>")
# ... also with the value in brackets (key=(<*>), key=<<*>>): the key is the class
_KEYED_BRACKETED = re.compile(r"([^<]*[A-Za-z][^<]*?(?:[:=]|\.\.))[(\[{<\"']?<\*>")
# Holes joined by the punctuation inside one value (a version 1.2+3~4, a date): one
# hole in a token's skeleton; separators between values (: / # @ brackets) stay.
_IN_VALUE = re.compile(r"(?:<\*>|[\w+~.\-])+")
# name.domain:<*> is a host and its port, not a key and its value.
_HOST_KEY = re.compile(r"[\w\-]+(?:\.[\w\-]+)+:$")
# key=number: one counter of a list of them (sent=3 failed=0/1)
_COUNTER = re.compile(r"[A-Za-z][\w.\-]*=\d+(?:/\d+)*")

_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class MinerSettings:
    """The miner's one configuration. The defaults are what the benchmark's selection
    chose on all its LogHub and development log sets (``bench/log_parsing.py``: from
    every rule on and middle thresholds, a rule stays on only when it helps); every
    field is a rule by shape or a threshold, none names a system."""

    #: Share of positions a signature must share with a cluster's representative.
    similarity: float = 0.5
    #: A position with at least this many distinct words can be a variable ...
    min_variable_values: int = 3
    #: ... when at least this share of its distinct words occur on one line only.
    rare_value_share: float = 0.67
    #: A position with more distinct plain words than this is a variable even when
    #: its words repeat (a handful of words names events, many words are values);
    #: 0 turns the rule off.
    max_event_words: int = 8
    tokens: TokenRules = field(default_factory=TokenRules)
    #: A unit after a number (12 KB, 30 s) is part of the value.
    units: bool = True
    #: key=<*>, key:<*> and key="<*>" keep their key when clustering (slot=<*> is not
    #: rank=<*>, and an empty key="" is another word than a filled key="<*>").
    keyed: bool = True
    #: Words of positions found variable in a first pass are values everywhere.
    learned_vocabulary: bool = True
    #: Positions that change together are the wording of different events.
    lock_step: bool = True
    #: Templates differing only in how often a variable run repeats are one.
    collapse_lists: bool = True
    #: A position filled with words shaped like names of things (host and domain
    #: names, e-mail addresses, relative paths) is a variable, unless its words go
    #: with another position's.
    name_shapes: bool = True
    #: Templates differing only in the keys of a run of key=number counters
    #: (``sent=1 failed=0/2``: as many as the session used) are one, the run one ``<*>``.
    counter_runs: bool = True
    #: After the greedy pass, each signature joins the best of all representatives.
    reassign: bool = True
    #: Words learned as values (of key=value tokens, and ``learned_vocabulary``) are holes
    #: when the signatures are clustered again for the second pass (but for the first
    #: word: the subject or verb of a message).
    vocabulary_holes: bool = True
    #: A template that differs from another only by values (masked tokens, names)
    #: where the other has ``<*>`` is that template.
    subsume: bool = True
    #: A masked token keeps its punctuation when clustering: ``<*>:<*>`` (an address
    #: and port) and ``<*>/<*>:<*>`` (a name before them) are different message shapes,
    #: as their templates differ; a position holding only such shapes is split on them.
    skeletons: bool = True
    #: Two positions that print the same value (``(x.example): query x.example``, a
    #: name and the name inside a longer value) are one variable said twice, not two
    #: positions changing together as the wording of different events.
    echoes: bool = True
    #: A lowercase identifier with underscores (``web_pool``) is shaped like a name.
    identifier_names: bool = True
    #: A position whose words are all codes or kinds (capitals, dashes: ``MX``,
    #: ``SC--``, ``LOOKING``) is a constant even when there are many of them: record
    #: types, states and termination codes name events.
    code_kinds: bool = True
    #: A message opened by a value (an address, a number) and one opened by a word (its
    #: verb or subject) are different messages: masked values in the first position do
    #: not make it a variable.
    value_first: bool = True
    #: A word right before a lone ``=`` (``retries = 3``) is the key of an assignment,
    #: the program's name for a setting, not a name of a thing, whatever its shape.
    assignment_keys: bool = True
    #: A word joining other words of its position by slashes (``open``, ``shut`` and
    #: ``open/shut``) offers alternatives among those states: not a path, not a name.
    alternatives: bool = True


def event_id(template: str) -> str:
    """Stable short id of a template: the first 8 hex digits of its MD5 (as LogPAI)."""
    return hashlib.md5(template.encode("utf-8")).hexdigest()[:8]


def mask_token(token: str, rules: TokenRules | None = None) -> str:
    """A token with its variable parts replaced by ``<*>`` (unchanged if constant)."""
    return mask_parts(token, rules or TokenRules())[0]


def _key_class(tok: str, keyed: bool, bracketed: bool = False) -> str:
    """How a variable token clusters: ``key=<*>`` keeps its key (``key=(<*>)`` too, with
    ``bracketed``), anything else is VAR."""
    if keyed:
        # (key=<<*>> and key=[<*>] also come of the generic masks inside a value's brackets)
        m = _KEYED.match(tok) if not bracketed else None
        m = m or _KEYED_BRACKETED.match(tok)
        if m is not None and not (m.group(1).endswith(":") and _HOST_KEY.search(m.group(1))):
            return m.group(1) + VAR
    return VAR


def _skeletons(key: tuple[str, ...], classes: tuple[str, ...]) -> tuple[str, ...]:
    """The classes with each plain VAR replaced by its token's skeleton (``<*>:<*>``,
    ``<*>/<*>:<*>``: each run of holes and word characters one hole), for the split."""
    if all(c != VAR or k == VAR for k, c in zip(key, classes, strict=True)):
        return classes
    return tuple(
        _IN_VALUE.sub(VAR, k) if c == VAR else c for k, c in zip(key, classes, strict=True)
    )


def _classes(key: tuple[str, ...], settings: MinerSettings) -> tuple[str, ...]:
    """A signature as the clustering sees it: variable tokens, and units after numbers, are VAR."""
    out: list[str] = []
    after_number = False
    for tok in key:
        if VAR in tok:
            out.append(_key_class(tok, settings.keyed, settings.tokens.bracketed_values))
            after_number = tok == VAR
        elif after_number and settings.units and _UNIT.fullmatch(tok):
            out.append(VAR)
            after_number = False
        else:
            out.append(tok)
            after_number = False
    return tuple(out)


_OPENS = re.compile(r"""(?:[\w.\-]*[=:])?[(\[{]?(["'])""")
_KEY_BRACKET = re.compile(r"[\w.\-]+=[(\[{]")  # key=(a, b c): a structured value
_MAY_JOIN = re.compile(r"[\"']|=[(\[{]").search
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_MAX_QUOTED_TOKENS = 32
_REPLY = re.compile(r"\d{2,}[-:]?$")  # the status code opening a reply: "599 Not here."
_WORDY = re.compile(r"[A-Za-z]").match


def _join_quoted(tokens: list[str], replies: bool = True) -> list[str]:
    """A quoted string with spaces inside ("FETCH /a PROTO/2") as one token: a value
    whatever its number of words. An apostrophe inside a word opens nothing. With
    ``replies``, a quoted status reply ("599 Not here.": a number, then words)
    stays words: text the program writes itself, with its own constants and values."""
    # only a token with a quote or an '=' can open anything: the others are copied in runs
    opening = [k for k, t in enumerate(tokens) if '"' in t or "'" in t or "=" in t]
    if not opening:
        return tokens
    out: list[str] = []
    i = 0  # the first token not yet taken
    for k in opening:
        if k < i:
            continue  # inside a value joined already
        out.extend(tokens[i:k])
        i = _join_at(tokens, k, replies, out)
    out.extend(tokens[i:])
    return out


def _join_at(tokens: list[str], i: int, replies: bool, out: list[str]) -> int:
    """Take the token at ``i`` into ``out``, joined with the words of its value when it
    opens a quoted string or a bracketed value after a key; returns the next index."""
    tok = tokens[i]
    end = min(len(tokens), i + _MAX_QUOTED_TOKENS)
    if _KEY_BRACKET.match(tok) and _depth(tok):
        depth = _depth(tok)
        for j in range(i + 1, end):
            depth += _depth(tokens[j])
            if depth <= 0:
                out.append(" ".join(tokens[i : j + 1]))
                return j + 1
        out.append(tok)
        return i + 1
    m = _OPENS.match(tok)
    if m is not None and not _closes(tok[m.end() :], m.group(1)):
        quote = m.group(1)
        for j in range(i + 1, end):
            if quote in tokens[j] and _closes(tokens[j], quote):
                if replies and _REPLY.match(tok, m.end()) and _WORDY(tokens[i + 1]):
                    out.extend(tokens[i : j + 1])
                else:
                    out.append(" ".join(tokens[i : j + 1]))
                return j + 1
    out.append(tok)
    return i + 1


def message_tokens(content: str, rules: TokenRules) -> list[str]:
    """A message's tokens as the miner reads them: split on whitespace, a quoted
    string with spaces or a bracketed value after a key one token."""
    tokens = content.split()
    if rules.quoted and _MAY_JOIN(content):
        tokens = _join_quoted(tokens, rules.replies)
    return tokens


def _depth(tok: str) -> int:
    """Brackets a token opens minus those it closes."""
    return sum(tok.count(o) - tok.count(c) for o, c in _PAIRS.items())


def _closes(rest: str, quote: str) -> bool:
    return rest.rstrip(")]},.;:").endswith(quote)


def _collapse(tokens: list[str]) -> list[str]:
    """Variable-length lists: a repeated run of up to 3 tokens with a variable is kept once."""
    out: list[str] = []
    for tok in tokens:
        out.append(tok)
        repeated = True
        while repeated:
            repeated = False
            for n in (1, 2, 3):
                if (
                    len(out) >= 2 * n
                    and out[-n:] == out[-2 * n : -n]
                    and any(VAR in t for t in out[-n:])
                ):
                    del out[-n:]
                    repeated = True
                    break
    return out


def _best(
    shared: Counter[int], mine: frozenset[int], holes: list[frozenset[int]]
) -> tuple[int, int]:
    """The cluster agreeing with a signature on the most positions (shared words plus
    holes in both), earliest first, and on how many."""
    best, best_sim = -1, 0
    for ci, same in shared.items():
        sim = same + len(mine & holes[ci])
        if sim > best_sim or (sim == best_sim and ci < best):
            best, best_sim = ci, sim
    return best, best_sim


def _fold_counters(tokens: list[str], counters: frozenset[int]) -> list[str]:
    """A run of key=number counters (one or more) as one ``<*>``."""
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if i not in counters:
            out.append(tok)
        elif i - 1 not in counters:
            out.append(VAR)
    return out


_ASSIGN = frozenset(("=", ":="))


def _assignment_key(classes: tuple[str, ...], p: int) -> bool:
    """Whether position ``p`` is the key of an assignment: a lone ``=`` follows it."""
    return p + 1 < len(classes) and classes[p + 1] in _ASSIGN


def _never(classes: tuple[str, ...], p: int) -> bool:
    return False


def _alternative(word: str, alone: set[str]) -> bool:
    """Whether ``word`` joins by slashes two or more of the words ``alone`` (its
    position's words without a slash: ``shut/open:`` beside ``open:`` and ``shut:``): a
    choice between states."""
    parts = word.strip(_PUNCT).split("/")
    return len(parts) > 1 and all(part in alone for part in parts)


def _echo(pair: tuple[str, str]) -> bool:
    """Whether two positions' values are one value printed twice (one holds the other)."""
    a, b = pair[0].strip(_PUNCT), pair[1].strip(_PUNCT)
    return len(a) > 2 and len(b) > 2 and VAR not in a and VAR not in b and (a in b or b in a)


@dataclass
class MinedTemplate:
    """One mined template: its id, text and how many lines it covers."""

    event_id: str
    template: str
    count: int


@dataclass
class _Signature:
    key: tuple[str, ...]
    classes: tuple[str, ...]  # key with every variable token as VAR
    shapes: tuple[str, ...]  # classes with each VAR's skeleton, for splitting (or classes)
    uniform: dict[int, str]  # soft-masked positions on which all its lines agree: raw token
    counters: frozenset[int] = frozenset()  # positions holding key=number (its first line)
    count: int = 0


class TemplateMiner:
    """Mine templates from log messages (Content, headers already removed).

    ``add(content)`` returns a signature id that stays valid; ``template_of``
    gives the template that id currently belongs to, ``templates()`` all of
    them. Templates are recomputed lazily, over the distinct signatures, when
    asked for after new signatures arrived: a stream should add lines in
    batches and read templates between batches, not after every line.
    """

    def __init__(self, settings: MinerSettings | None = None) -> None:
        self.settings = settings or MinerSettings()
        self._masked: dict[str, str] = {}
        self._sig_ids: dict[tuple[str, ...], int] = {}
        self._sigs: list[_Signature] = []
        self._group_of: list[int] = []
        self._groups: list[MinedTemplate] = []
        self._kv_values: set[str] = set()
        self._soft: set[str] = set()
        self._names: dict[str, bool] = {}
        self._base_holes: list[frozenset[int]] = []  # per signature: masked and named positions
        self._clean = True

    def __len__(self) -> int:
        return sum(s.count for s in self._sigs)

    def add(self, content: str) -> int:
        """Take one message; returns its signature id (see ``template_of``)."""
        cache = self._masked
        tokens = message_tokens(content, self.settings.tokens)
        key = tuple([cache.get(t) or self._mask(t) for t in tokens])
        sid = self._sig_ids.get(key)
        if sid is None:
            sid = len(self._sigs)
            self._sig_ids[key] = sid
            soft = self._soft
            uniform = {i: t for i, t in enumerate(tokens) if t in soft}
            counters = frozenset(
                i for i, t in enumerate(tokens) if "=" in t and _COUNTER.fullmatch(t)
            )
            classes = _classes(key, self.settings)
            shapes = _skeletons(key, classes) if self.settings.skeletons else classes
            self._sigs.append(_Signature(key, classes, shapes, uniform, counters))
            self._clean = False
        sig = self._sigs[sid]
        sig.count += 1
        if sig.uniform:
            for i, raw in sig.uniform.items():
                if tokens[i] != raw:
                    sig.uniform = {j: r for j, r in sig.uniform.items() if tokens[j] == r}
                    self._clean = False
                    break
        return sid

    def template_of(self, sig_id: int) -> MinedTemplate:
        """The current template of a signature id returned by ``add``."""
        self._refresh()
        return self._groups[self._group_of[sig_id]]

    def templates(self) -> list[MinedTemplate]:
        """All templates, most frequent first."""
        self._refresh()
        return sorted(self._groups, key=lambda t: (-t.count, t.template))

    def _mask(self, token: str) -> str:
        masked, soft = mask_parts(token, self.settings.tokens)
        if len(self._masked) >= _CACHE_LIMIT:  # ids and addresses are endless: bound memory
            self._masked.clear()
            self._soft.clear()
        self._masked[token] = masked
        if soft:
            self._soft.add(token)
        if "=" in token and masked != token and len(self._kv_values) < _CACHE_LIMIT:
            for value in KV_VALUE.findall(token):
                if not DIGIT(value):
                    self._kv_values.add(value.strip(_PUNCT))
        return masked

    # -- clustering over signatures -------------------------------------------------

    def _refresh(self) -> None:
        if self._clean:
            return
        by_length: dict[int, list[int]] = {}
        for sid, sig in enumerate(self._sigs):
            by_length.setdefault(len(sig.classes), []).append(sid)
        first = {n: self._candidates(members) for n, members in by_length.items()}
        clusters = [c for found in first.values() for c in found]
        # Pass 1 learns which words fill variable slots (values of key=value tokens and of
        # positions that are clearly variable); pass 2 also treats positions filled with
        # those words as variables: a user name is a variable in every message.
        st = self.settings
        # (words seen as values of key=value tokens are values wherever they appear; no
        # switch: no set of the benchmark's pool loses by it, session 12)
        kv_values = frozenset(self._kv_values)
        vocabulary = set(kv_values)
        if st.learned_vocabulary:
            for cluster in clusters:
                self._split(cluster, kv_values, vocabulary)
        vocabulary.discard("")
        known = frozenset(vocabulary)
        if st.vocabulary_holes and known:
            # and, clustering again, a known value is a hole as a masked one is (only
            # where some signature holds one: elsewhere the clusters stay as they were)
            clusters = []
            for n, members in by_length.items():
                if any(self._holds(sid, known) for sid in members):
                    clusters += self._candidates(members, known)
                else:
                    clusters += first[n]
        parts = [part for cluster in clusters for part in self._split(cluster, known, None)]
        if st.subsume:
            parts = self._subsume(parts)
        # Parts whose templates differ only in how often a variable run repeats
        # (variable-length lists) are one event, shown with the run once.
        by_key: dict[str, int] = {}
        texts: list[str] = []
        counts: list[int] = []
        group_of = [0] * len(self._sigs)
        for part in parts:
            tokens = self._template_tokens(part)
            text = " ".join(tokens)
            folded = tokens
            if st.counter_runs and self._sigs[part[0]].counters:
                folded = _fold_counters(tokens, self._sigs[part[0]].counters)
            key = " ".join(_collapse(folded) if st.collapse_lists else folded)
            gid = by_key.get(key)
            if gid is None:
                gid = len(texts)
                by_key[key] = gid
                texts.append(text)
                counts.append(0)
            elif texts[gid] != text:
                texts[gid] = key
            counts[gid] += sum(self._sigs[s].count for s in part)
            for s in part:
                group_of[s] = gid
        groups = [MinedTemplate(event_id(t), t, n) for t, n in zip(texts, counts, strict=True)]
        self._groups, self._group_of, self._clean = groups, group_of, True

    def _subsume(self, parts: list[list[int]]) -> list[list[int]]:
        """A part whose template differs from another part's only by values (masked
        tokens, names) where that one has ``<*>`` joins it: a signature that came
        alone into a candidate cluster of other events."""
        tokens = [self._template_tokens(part) for part in parts]
        by_text = {" ".join(t): i for i, t in enumerate(tokens)}
        into = list(range(len(parts)))
        for i, part in enumerate(parts):
            key = self._sigs[part[0]].key
            general = [
                VAR if (VAR in key[p] or self._named(key[p])) and tok != VAR else tok
                for p, tok in enumerate(tokens[i])
            ]
            if general != tokens[i]:
                j = by_text.get(" ".join(general))
                if j is not None and j != i:
                    into[i] = j
        merged: dict[int, list[int]] = {}
        for i, part in enumerate(parts):
            final, seen = into[i], {i}
            while into[final] != final and final not in seen:
                seen.add(final)
                final = into[final]
            merged.setdefault(final, []).extend(part)
        return list(merged.values())

    def _candidates(
        self, members: list[int], known: frozenset[str] = frozenset()
    ) -> list[list[int]]:
        """Greedy similarity clustering of one length's signatures (first seen first).

        A signature joins the cluster whose representative (its first signature)
        agrees with it on the most positions, if that is at least ``similarity`` of
        them. Clusters sharing a word with it at the same position are found through
        an inverted index; when variables alone could reach the threshold, clusters
        with the same variable positions through a second one, and when none of these
        fits, clusters with a variable at one of its variable positions. With ``reassign``,
        a second pass moves each signature to the best of all the representatives,
        so that the order of the lines does not decide (a line that came before the
        representative it fits best).
        """
        similarity = self.settings.similarity
        # A word shaped like a name (host, address, path) is likely a value: it is a
        # hole, as a masked value is (asked for X / sent X on / got X back).
        named = self._named if self.settings.name_shapes else None
        words: dict[tuple[int, str], list[int]] = {}
        shapes: dict[frozenset[int], list[int]] = {}
        hole_at: dict[int, list[int]] = {}
        holes: list[frozenset[int]] = []
        clusters: list[list[int]] = []

        keys = _assignment_key if self.settings.assignment_keys else _never
        base = self._base_holes
        for sid in range(len(base), len(self._sigs)):
            classes = self._sigs[sid].classes
            base.append(
                frozenset(
                    p
                    for p, c in enumerate(classes)
                    if c == VAR or (named is not None and named(c) and not keys(classes, p))
                )
            )

        def holes_of(sid: int, classes: tuple[str, ...]) -> frozenset[int]:
            if not known:
                return base[sid]
            more = [p for p, c in enumerate(classes) if p and c.strip(_PUNCT) in known]
            return base[sid].union(more) if more else base[sid]

        def best_fit(
            classes: tuple[str, ...], mine: frozenset[int], start: int = 0
        ) -> tuple[int, int]:
            """The best cluster (from ``start`` on) and on how many positions it agrees."""
            need = similarity * len(classes)
            shared: Counter[int] = Counter()
            for pos_tok in enumerate(classes):
                if pos_tok[0] not in mine:
                    found = words.get(pos_tok, ())
                    for ci in found[bisect_left(found, start) :] if start else found:
                        shared[ci] += 1
            if len(mine) >= need:
                found = shapes.get(mine, ())
                for ci in found[bisect_left(found, start) :] if start else found:
                    shared[ci] += 0
            best, best_sim = _best(shared, mine, holes)
            if not start and best_sim < need <= len(mine):
                # holes alone could reach the threshold: clusters with a hole where
                # this signature has one (looked up only when nothing else fits)
                for p in mine:
                    for ci in hole_at.get(p, ()):
                        shared[ci] += 0
                best, best_sim = _best(shared, mine, holes)
            return (best, best_sim) if best >= 0 and best_sim >= need else (-1, 0)

        # signature -> the cluster it joined (not founded), on how many positions they
        # agree, how many clusters there were then, and its holes
        joined: dict[int, tuple[int, int, int, frozenset[int]]] = {}
        for sid in members:
            classes = self._sigs[sid].classes
            mine = holes_of(sid, classes)
            best, sim = best_fit(classes, mine)
            if best >= 0:
                clusters[best].append(sid)
                joined[sid] = (best, sim, len(clusters), mine)
                continue
            ci = len(clusters)
            for pos_tok in enumerate(classes):
                if pos_tok[0] not in mine:
                    words.setdefault(pos_tok, []).append(ci)
            shapes.setdefault(mine, []).append(ci)
            for p in mine:
                hole_at.setdefault(p, []).append(ci)
            holes.append(mine)
            clusters.append([sid])
        if not self.settings.reassign or len(clusters) < 2:
            return clusters
        # Only a cluster founded after the signature joined can fit it better (the
        # earlier ones it was compared with already); a tie keeps the earlier one.
        moved: list[list[int]] = [[c[0]] for c in clusters]
        for sid in members:
            if sid in joined:
                was, sim, founded, mine = joined[sid]
                classes = self._sigs[sid].classes
                if sim < len(classes) and founded < len(clusters):
                    best, better = best_fit(classes, mine, founded)
                    if best >= 0 and better > sim:
                        was = best
                moved[was].append(sid)
        return moved

    def _split(
        self, cluster: list[int], vocabulary: frozenset[str], learn: set[str] | None
    ) -> list[list[int]]:
        """Split a candidate cluster at the positions whose values name different events.

        Positions judged variable add their words to ``learn`` when it is given.
        """
        sigs = self._sigs
        skeletons = self.settings.skeletons
        done: list[list[int]] = []
        todo = [cluster]
        while todo:
            part = todo.pop()
            varying: dict[int, Counter[str]] = {}
            shaped: list[int] = []  # all masked here, in a few different skeletons
            for p in range(len(sigs[part[0]].classes)):
                counts: Counter[str] = Counter()
                for s in part:
                    counts[sigs[s].classes[p]] += sigs[s].count
                if len(counts) > 1:
                    varying[p] = counts
                elif skeletons and VAR in counts:
                    found = {sigs[s].shapes[p] for s in part}
                    if 1 < len(found) < self.settings.min_variable_values:
                        shaped.append(p)
            if shaped:
                # different message shapes first (``<<*>`` and ``><*>``: a request and a
                # reply), each judged on its own: a position's words are counted, and
                # learned as values, within one shape only
                parts: dict[tuple[str, ...], list[int]] = {}
                for s in part:
                    parts.setdefault(tuple(sigs[s].shapes[p] for p in shaped), []).append(s)
                todo.extend(reversed(parts.values()))
                continue
            const: list[int] = []
            for p, counts in varying.items():
                if not self._is_variable(p, counts, part, varying, vocabulary):
                    const.append(p)
                elif learn is not None:
                    learn.update(w.strip(_PUNCT) for w in counts if w != VAR)
            if not const:
                done.append(part)
                continue
            parts = {}
            for s in part:
                classes = sigs[s].classes
                parts.setdefault(tuple(classes[p] for p in const), []).append(s)
            todo.extend(reversed(parts.values()))
        return done

    def _is_variable(
        self,
        p: int,
        counts: Counter[str],
        cluster: list[int],
        varying: dict[int, Counter[str]],
        vocabulary: frozenset[str],
    ) -> bool:
        """Whether position ``p`` of a cluster (value counts over lines) is a variable."""
        sigs = self._sigs
        words = [w for w in counts if w != VAR]
        known = sum(counts[w] for w in words if w.strip(_PUNCT) in vocabulary)
        if known and 2 * known >= sum(counts[w] for w in words):
            return True
        st = self.settings
        masked = counts.get(VAR, 0)
        # (a first word, the subject or verb: with ``value_first``, a line opened by a
        # value and one opened by a word are different messages, so masked values there
        # are no evidence; without it, only when words are the fewer lines)
        if masked and not (p == 0 and st.value_first):
            word_lines = [counts[w] for w in words]
            if masked >= (sum(word_lines) if p == 0 else max(word_lines)):
                return True
        named = [w for w in words if self._named(w)]
        if named and st.alternatives and any("/" in w for w in named):
            alone = {w.strip(_PUNCT) for w in words if "/" not in w}
            named = [w for w in named if not _alternative(w, alone)]
        if named and st.assignment_keys and _assignment_key(sigs[cluster[0]].classes, p):
            named = []  # the key of ``key = value``: the program's word
        if st.name_shapes and words and 2 * len(named) >= len(words):
            # hosts, addresses, paths: values, unless they go with another position's
            # (a name does not go with a position of codes: a host queried for MX, A)
            return not (st.lock_step and self._goes_with_another(p, counts, cluster, varying, True))
        if p == 0 or len(counts) < st.min_variable_values:
            # A message's first word is its subject or verb: variable only on the
            # evidence above, never for merely being rare.
            return False
        rare = sum(1 for c in counts.values() if c == 1)
        many = 0 < st.max_event_words < len(words)
        if many and st.code_kinds and all(map(looks_like_code, words)):
            many = False  # codes and kinds (MX, SC--, LOOKING): each names an event
        if rare < st.rare_value_share * len(counts) and not many:
            return False
        return not (st.lock_step and self._goes_with_another(p, counts, cluster, varying))

    def _goes_with_another(
        self,
        p: int,
        counts: Counter[str],
        cluster: list[int],
        varying: dict[int, Counter[str]],
        names: bool = False,
    ) -> bool:
        """Whether position ``p`` changes together with another varying position (one
        value here always with one value there): the wording of different events, not
        independent variables."""
        sigs = self._sigs
        for q, other in varying.items():
            if q == p or VAR in other:
                continue
            if names and self.settings.code_kinds and all(map(looks_like_code, other)):
                continue
            pairs = {(sigs[s].classes[p], sigs[s].classes[q]) for s in cluster}
            if self.settings.echoes and all(map(_echo, pairs)):
                continue  # the same value printed twice: one variable, not wording
            # the two positions' values go together, as the states of a machine
            # (moved from A to B, B to C): far fewer pairs than independent values give
            if len(pairs) < len(counts) + len(other):
                return True
        return False

    def _holds(self, sid: int, known: frozenset[str]) -> bool:
        """Whether a signature holds a known value after its first word."""
        classes = self._sigs[sid].classes
        return any(c != VAR and c.strip(_PUNCT) in known for c in classes[1:])

    def _named(self, word: str) -> bool:
        named = self._names.get(word)
        if named is None:
            if len(self._names) >= _CACHE_LIMIT:
                self._names.clear()
            named = self._names[word] = looks_like_name(word, self.settings.identifier_names)
        return named

    def _template_tokens(self, part: Sequence[int]) -> list[str]:
        sigs = [self._sigs[s] for s in part]
        tokens: list[str] = []
        for p, tok in enumerate(sigs[0].key):
            if any(sig.key[p] != tok for sig in sigs):
                # (with ``skeletons``, a shape all lines share: name/<*>:<*> -> <*>/<*>:<*>)
                shape = sigs[0].shapes[p]
                same = shape != sigs[0].classes[p] and all(g.shapes[p] == shape for g in sigs)
                # (a key all lines share: key=<<*>> and key=<*> -> key=<*>)
                keyed = sigs[0].classes[p]
                if not same and keyed != VAR and all(g.classes[p] == keyed for g in sigs):
                    shape, same = keyed, True
                tokens.append(shape if same else VAR)
                continue
            raws = {sig.uniform.get(p) for sig in sigs}
            raw = raws.pop() if len(raws) == 1 else None
            tokens.append(raw if raw is not None else tok)
        return tokens


# -- files ----------------------------------------------------------------------------


def parse_log(path: str | Path, fmt: str, out_csv: str | Path) -> LogParseReport:
    """Mine templates from the log file ``path`` in header format ``fmt``; write ``out_csv``.

    ``fmt`` is in LogPAI notation, e.g. ``<Date> <Time> <Level> <Component>: <Content>``.
    The CSV (UTF-8, with header) has one row per input line: ``LineId`` (from 1),
    the fields of ``fmt`` in order (``Content`` among them), ``EventId`` (stable
    8-hex-digit hash of the template) and ``EventTemplate``. A line that does
    not match ``fmt`` keeps its whole text as Content, with empty header
    fields, and is counted and listed in the report; lines that are not
    valid UTF-8 are decoded with replacement characters and reported.

    The file is read twice (templates first, then the CSV), so memory holds
    one integer per line plus the distinct message shapes, not the log.

    Raises LogParseError, naming the input, for a malformed format, a missing,
    unreadable or empty log file, an output that cannot be written, or a log
    that shrinks between the two reads.
    """
    start = time.perf_counter()
    src, dst = Path(path), Path(out_csv)
    pattern = parse_format(fmt)
    fields = format_fields(fmt)
    check_log_file(src)
    if dst.is_dir():
        raise LogParseError(f"output {str(dst)!r} is a directory, not a CSV file")
    if not dst.parent.is_dir():
        raise LogParseError(f"output {str(dst)!r}: directory {str(dst.parent)!r} does not exist")
    report = LogParseReport(source=str(src), out=str(dst), fmt=fmt)
    miner = TemplateMiner()
    sig_ids = array("l")
    undecodable: list[int] = []
    match, add = pattern.match, miner.add
    for lineno, line in enumerate(read_lines(src, undecodable), 1):
        m = match(line)
        if m is None:
            report.unmatched += 1
            if len(report.unmatched_lines) < report.MAX_LISTED:
                report.unmatched_lines.append(lineno)
            sig_ids.append(add(line))
        else:
            sig_ids.append(add(m.group(CONTENT)))
    report.lines = len(sig_ids)
    report.undecodable = len(undecodable)
    report.undecodable_lines = undecodable[: report.MAX_LISTED]
    report.templates = len(miner.templates())
    # Written next to the output and renamed at the end: a failure leaves any
    # earlier OUT.csv as it was.
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            _write_csv(fh, src, pattern, fields, miner, sig_ids)
        os.replace(tmp, dst)
    except OSError as exc:
        raise LogParseError(f"output {str(dst)!r} cannot be written: {exc.strerror}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - start
    return report


def _write_csv(
    fh: TextIO,
    src: Path,
    pattern: re.Pattern[str],
    fields: list[str],
    miner: TemplateMiner,
    sig_ids: Sequence[int],
) -> None:
    writer = csv.writer(fh)
    writer.writerow(["LineId", *fields, "EventId", "EventTemplate"])
    width, content_at = len(fields), fields.index(CONTENT)
    written = 0
    for (lineno, line), sid in zip(enumerate(read_lines(src, []), 1), sig_ids, strict=False):
        m = pattern.match(line)
        if m is None:
            row = [""] * width
            row[content_at] = line
        else:
            row = list(m.group(*fields)) if width > 1 else [m.group(CONTENT)]
        found = miner.template_of(sid)
        writer.writerow([lineno, *row, found.event_id, found.template])
        written = lineno
    if written < len(sig_ids):
        raise LogParseError(
            f"log file {str(src)!r} shrank while being read ({len(sig_ids)} lines, "
            f"then {written}); parse a copy of a file that is being rotated"
        )
