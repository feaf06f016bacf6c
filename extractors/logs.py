"""Log template mining: log messages -> LogPAI-style templates (``<*>`` for variables).

One configuration for every log, deterministic, no per-system rules:

1. Tokens. A message (the Content after the header) is split on whitespace;
   each distinct token is masked once and cached: the generic ``MASKS``
   (URLs, hex-pair ids, IPs, block ids, hex, Unix and Windows paths,
   numbers), then file names by extension (``chrome.exe``), any word still
   holding a digit (except names such as ``ssh2``/``eth0``), the value of
   ``key=value``, day and month names; a hole glued to word characters
   (``attempt_<*>_<*>``) or joined by dots (``6.1.7601``) becomes one
   ``<*>``. The masked tokens of a message are its *signature*, so taking a
   line costs one split and one cached look-up per token.
2. Candidate clusters. Signatures of the same length join the cluster whose
   first signature agrees with them on the most positions (variables match
   variables; a unit after a number, ``12 KB``, counts as part of it), if
   that is at least ``SIMILARITY`` of the positions.
3. Split or generalise. In a candidate cluster each position with more than
   one value is judged from its value counts over lines:

   - a variable if most of its lines hold words known to fill variable slots
     elsewhere (values of ``key=value`` tokens, words of positions found
     variable in a first pass: a user name is a variable in every message);
   - a variable if masked values are at least as frequent as any word there;
   - a variable if it has at least ``MIN_VARIABLE_VALUES`` values and at
     least ``RARE_VALUE_SHARE`` of them occur once, unless another position
     changes in lock-step with it (``from NEW to INITED`` / ``from INITED to
     SETUP``: different events, not two variables), and unless it is the
     first word (the subject or verb of the message);
   - otherwise a constant that names different events (``LOOKING`` /
     ``LEADING``, ``failure`` / ``failures``): the cluster is split on all such
     positions at once, and each part is judged again.
4. Templates. A position keeps its token where all lines agree, the masked
   form (``uid=<*>``) where they agree on that, ``<*>`` otherwise; a soft-masked
   token (word with a digit, file name, ``key=value``) on which all lines agree is shown
   as it is (``ssh2``, ``tty=ssh``). Templates that differ only in how often
   a variable run repeats (variable-length lists) are merged.

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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from extractors.log_format import (
    CONTENT,
    LogParseError,
    LogParseReport,
    check_log_file,
    format_fields,
    parse_format,
    read_lines,
)

__all__ = [
    "MASKS",
    "LogParseError",
    "LogParseReport",
    "MinedTemplate",
    "TemplateMiner",
    "event_id",
    "mask_token",
    "parse_format",
    "parse_log",
]

VAR = "<*>"
_HOLE = "\x00"

#: Generic masks (name, regex), applied in this order; the benchmark gives the
#: same list to drain3. Nothing here is specific to one system's logs.
MASKS: tuple[tuple[str, str], ...] = (
    ("URL", r"(?<=://)[^\s]+"),
    ("ID", r"(?<![\w:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){3,}(?![\w:])"),
    ("IP", r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"),
    ("BLK", r"blk_-?\d+"),
    ("HEX", r"(?<![\w])0x[0-9a-fA-F]+(?![\w])"),
    ("PATH", r"(?<![\w:/.])(?:/[\w.\-*]+){2,}/?"),
    ("WINPATH", r"(?<![\w])[A-Za-z]:\\[^\s]*"),
    ("NUM", r"(?<![A-Za-z0-9])[-+]?\d+(?:\.\d+)*(?![A-Za-z0-9])"),
)
# Each mask runs only on tokens holding its hint (and a digit where it needs one).
_MASK_HINTS = {
    "URL": ("://", False),
    "ID": (":", False),
    "IP": (".", True),
    "BLK": ("blk_", True),
    "HEX": ("0x", True),
    "PATH": ("/", False),
    "WINPATH": (":\\", False),
    "NUM": ("", True),
}
_MASK_RES = tuple((re.compile(rx), *_MASK_HINTS[name]) for name, rx in MASKS)
_MAYBE_VARIABLE = re.compile(r"[\d=/:.]").search
# File names (by a common extension) are values: chrome.exe, server.log, app.properties.
_FILE_NAME = re.compile(
    r"(?<![\w.\-])[\w\-]+(?:\.[\w\-]+)*\.(?:exe|dll|so|jar|war|log|out|txt|xml|json|conf|cfg"
    r"|ini|properties|ya?ml|sh|bat|cmd|py|js|html?|css|gz|zip|tar|tgz|bz2|csv|dat|db|pid|lock"
    r"|sock|tmp|bak|img|iso|bin)(?![\w.])",
    re.IGNORECASE,
)
# Day and month names are parts of timestamps written inside messages.
_DATE_WORD = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec),?"
)
_DIGIT = re.compile(r"\d").search
_DIGIT_WORD = re.compile(r"\w*\d\w*")
_NAME_WITH_DIGIT = re.compile(r"[a-z]{2,}\d")  # ssh2, eth0, md5: names, not values
_KV_VALUE = re.compile(r"(?<=[\w.\-]=)[^=,;:)\]}'\"]+")
_UNIT = re.compile(
    r"(?:(?:[kmgtpe]i?)?b(?:ytes?)?|[mun]?s|secs?|seconds?|mins?|minutes?|hours?|days?|%)"
    r"[,.;:)\]]*",
    re.IGNORECASE,
)
_KV_RAW = re.compile(r"(?<=[\w.\-]=)[^=,;:)\]}'\"]+")
_PUNCT = ".,;:!?()[]{}<>'\"`"
_KEYED = re.compile(r"([^<]*[A-Za-z][^<]*(?:[:=]|\.\.))<\*>")
_GLUED = re.compile(r"\w*\x00[\w\x00]*")
_JOINED = re.compile(r"\x00(?:[.\-]\x00)+")  # 6.1.7601: one value, not three

_CACHE_LIMIT = 200_000

#: Share of positions a signature must share with a cluster's representative.
SIMILARITY = 0.5
#: A position with at least this many distinct words can be a variable ...
MIN_VARIABLE_VALUES = 3
#: ... when at least this share of its distinct words occur on one line only.
RARE_VALUE_SHARE = 0.5


def event_id(template: str) -> str:
    """Stable short id of a template: the first 8 hex digits of its MD5 (as LogPAI)."""
    return hashlib.md5(template.encode("utf-8")).hexdigest()[:8]


def mask_token(token: str) -> str:
    """A token with its variable parts replaced by ``<*>`` (unchanged if constant)."""
    return _mask_parts(token)[0]


def _mask_parts(token: str) -> tuple[str, bool]:
    """The masked token, and whether only the soft rules (file name, word with a digit,
    value of key=value) changed it: such a token is shown as it is when all lines of a
    template agree on it (``jk2_init()``, ``tty=ssh``, ``hadoop-metrics2.properties``)."""
    if not _MAYBE_VARIABLE(token):
        if _DATE_WORD.fullmatch(token):
            return VAR + token[3:], False
        return token, False
    masked = token
    for rx, hint, needs_digit in _MASK_RES:
        if hint in masked and (not needs_digit or _DIGIT(masked)):
            masked = rx.sub(_HOLE, masked)
    soft = masked == token
    if "." in masked:
        masked = _FILE_NAME.sub(_HOLE, masked)
    if _DIGIT(masked):
        masked = _DIGIT_WORD.sub(_digit_word, masked)
    if "=" in masked:
        masked = _KV_VALUE.sub(_HOLE, masked)
    if _HOLE not in masked:
        return token, False
    masked = _JOINED.sub(_HOLE, _GLUED.sub(_HOLE, masked))
    if masked.startswith("/" + _HOLE):  # /10.1.2.3:50010 is an address, not a path
        masked = masked[1:]
    return masked.replace(_HOLE, VAR), soft


def _classes(key: tuple[str, ...]) -> tuple[str, ...]:
    """A signature as the clustering sees it: variable tokens, and units after numbers, are VAR."""
    out: list[str] = []
    after_number = False
    for tok in key:
        if VAR in tok:
            keyed = _KEYED.match(tok)
            out.append(keyed.group(1) + VAR if keyed else VAR)
            after_number = tok == VAR
        elif after_number and _UNIT.fullmatch(tok):
            out.append(VAR)
            after_number = False
        else:
            out.append(tok)
            after_number = False
    return tuple(out)


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


def _digit_word(m: re.Match[str]) -> str:
    return m.group() if _NAME_WITH_DIGIT.fullmatch(m.group()) else _HOLE


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
    uniform: dict[int, str]  # soft-masked positions on which all its lines agree: raw token
    count: int = 0


class TemplateMiner:
    """Mine templates from log messages (Content, headers already removed).

    ``add(content)`` returns a signature id that stays valid; ``template_of``
    gives the template that id currently belongs to, ``templates()`` all of
    them. Templates are recomputed lazily, over the distinct signatures, when
    asked for after new signatures arrived: a stream should add lines in
    batches and read templates between batches, not after every line.
    """

    def __init__(self) -> None:
        self._masked: dict[str, str] = {}
        self._sig_ids: dict[tuple[str, ...], int] = {}
        self._sigs: list[_Signature] = []
        self._group_of: list[int] = []
        self._groups: list[MinedTemplate] = []
        self._kv_values: set[str] = set()
        self._soft: set[str] = set()
        self._clean = True

    def __len__(self) -> int:
        return sum(s.count for s in self._sigs)

    def add(self, content: str) -> int:
        """Take one message; returns its signature id (see ``template_of``)."""
        cache = self._masked
        tokens = content.split()
        key = tuple([cache.get(t) or self._mask(t) for t in tokens])
        sid = self._sig_ids.get(key)
        if sid is None:
            sid = len(self._sigs)
            self._sig_ids[key] = sid
            soft = self._soft
            uniform = {i: t for i, t in enumerate(tokens) if t in soft}
            self._sigs.append(_Signature(key, _classes(key), uniform))
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
        masked, soft = _mask_parts(token)
        if len(self._masked) >= _CACHE_LIMIT:  # ids and addresses are endless: bound memory
            self._masked.clear()
            self._soft.clear()
        self._masked[token] = masked
        if soft:
            self._soft.add(token)
        if "=" in token and masked != token and len(self._kv_values) < _CACHE_LIMIT:
            for value in _KV_RAW.findall(token):
                if not _DIGIT(value):
                    self._kv_values.add(value.strip(_PUNCT))
        return masked

    # -- clustering over signatures -------------------------------------------------

    def _refresh(self) -> None:
        if self._clean:
            return
        by_length: dict[int, list[int]] = {}
        for sid, sig in enumerate(self._sigs):
            by_length.setdefault(len(sig.classes), []).append(sid)
        clusters = [c for members in by_length.values() for c in self._candidates(members)]
        # Pass 1 learns which words fill variable slots (values of key=value tokens and of
        # positions that are clearly variable); pass 2 also treats positions filled with
        # those words as variables: a user name is a variable in every message.
        vocabulary = set(self._kv_values)
        for cluster in clusters:
            self._split(cluster, frozenset(self._kv_values), vocabulary)
        vocabulary.discard("")
        known = frozenset(vocabulary)
        # Parts whose templates differ only in how often a variable run repeats
        # (variable-length lists) are one event, shown with the run once.
        by_key: dict[str, int] = {}
        texts: list[str] = []
        counts: list[int] = []
        group_of = [0] * len(self._sigs)
        for cluster in clusters:
            for part in self._split(cluster, known, None):
                tokens = self._template_tokens(part)
                text, key = " ".join(tokens), " ".join(_collapse(tokens))
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

    def _candidates(self, members: list[int]) -> list[list[int]]:
        """Greedy similarity clustering of one length's signatures (first seen first).

        A signature joins the cluster whose representative (its first signature)
        agrees with it on the most positions, if that is at least ``SIMILARITY`` of
        them. Clusters sharing a word with it at the same position are found through
        an inverted index; when variables alone could reach the threshold, clusters
        with the same variable positions through a second one.
        """
        words: dict[tuple[int, str], list[int]] = {}
        shapes: dict[frozenset[int], list[int]] = {}
        holes: list[frozenset[int]] = []
        clusters: list[list[int]] = []
        for sid in members:
            classes = self._sigs[sid].classes
            mine = frozenset(p for p, c in enumerate(classes) if c == VAR)
            shared: Counter[int] = Counter()
            for pos_tok in enumerate(classes):
                if pos_tok[1] != VAR:
                    for ci in words.get(pos_tok, ()):
                        shared[ci] += 1
            if len(mine) >= SIMILARITY * len(classes):
                for ci in shapes.get(mine, ()):
                    shared[ci] += 0
            best, best_sim = -1, 0
            for ci, same in shared.items():
                sim = same + len(mine & holes[ci])
                if sim > best_sim or (sim == best_sim and ci < best):
                    best, best_sim = ci, sim
            if best >= 0 and best_sim >= SIMILARITY * len(classes):
                clusters[best].append(sid)
                continue
            ci = len(clusters)
            for pos_tok in enumerate(classes):
                if pos_tok[1] != VAR:
                    words.setdefault(pos_tok, []).append(ci)
            shapes.setdefault(mine, []).append(ci)
            holes.append(mine)
            clusters.append([sid])
        return clusters

    def _split(
        self, cluster: list[int], vocabulary: frozenset[str], learn: set[str] | None
    ) -> list[list[int]]:
        """Split a candidate cluster at the positions whose values name different events.

        Positions judged variable add their words to ``learn`` when it is given.
        """
        sigs = self._sigs
        done: list[list[int]] = []
        todo = [cluster]
        while todo:
            part = todo.pop()
            varying: dict[int, Counter[str]] = {}
            for p in range(len(sigs[part[0]].classes)):
                counts: Counter[str] = Counter()
                for s in part:
                    counts[sigs[s].classes[p]] += sigs[s].count
                if len(counts) > 1:
                    varying[p] = counts
            const: list[int] = []
            for p, counts in varying.items():
                if not self._is_variable(p, counts, part, varying, vocabulary):
                    const.append(p)
                elif learn is not None:
                    learn.update(w.strip(_PUNCT) for w in counts if w != VAR)
            if not const:
                done.append(part)
                continue
            parts: dict[tuple[str, ...], list[int]] = {}
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
        words = [w for w in counts if w != VAR]
        known = sum(counts[w] for w in words if w.strip(_PUNCT) in vocabulary)
        if known and 2 * known >= sum(counts[w] for w in words):
            return True
        masked = counts.get(VAR, 0)
        if masked and masked >= max(counts[w] for w in words):
            return True
        if p == 0 or len(counts) < MIN_VARIABLE_VALUES:
            # A message's first word is its subject or verb: variable only on the
            # evidence above, never for merely being rare.
            return False
        rare = sum(1 for c in counts.values() if c == 1)
        if rare < RARE_VALUE_SHARE * len(counts):
            return False
        # Several positions that change together (one value here always with one value
        # there) are the wording of different events, not independent variables.
        sigs = self._sigs
        for q in varying:
            if q == p or len(varying[q]) != len(counts):
                continue
            pairs = {(sigs[s].classes[p], sigs[s].classes[q]) for s in cluster}
            if len(pairs) == len(counts):
                return False
        return True

    def _template_tokens(self, part: Sequence[int]) -> list[str]:
        sigs = [self._sigs[s] for s in part]
        tokens: list[str] = []
        for p, tok in enumerate(sigs[0].key):
            if any(sig.key[p] != tok for sig in sigs):
                tokens.append(VAR)
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
