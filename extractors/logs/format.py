"""Log header formats in the LogPAI notation, and reading log files line by line.

A format such as ``<Date> <Time> <Pid> <Level> <Component>: <Content>`` names
header fields in angle brackets; the text between them is a regular
expression fragment (as in LogPAI's benchmark, so ``\\[<Process>\\]`` matches
brackets) in which runs of spaces or tabs match any run of whitespace. Each field
becomes a named group; ``<Content>`` is the message the template miner reads.
A line that does not match is kept whole as its Content and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractors.records import ExtractionError

CONTENT = "Content"
_FIELD = re.compile(r"<([^<>]*)>")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class LogParseError(ExtractionError):
    """A log file or its format cannot be parsed; the message names which and why."""


def format_fields(fmt: str) -> list[str]:
    """The field names of a format, in order (``Content`` included)."""
    return [m.group(1) for m in _FIELD.finditer(fmt)]


def parse_format(fmt: str) -> re.Pattern[str]:
    """Compile a LogPAI header format into an anchored regex with one named group per field.

    Raises LogParseError naming the format when it has no fields, no
    ``<Content>`` field, a field name that is not an identifier, a repeated
    field, or literal text that is not a valid regular expression.
    """
    if not fmt or not fmt.strip():
        raise LogParseError("log format is empty; expected e.g. '<Date> <Time> <Level>: <Content>'")
    parts = re.split(r"(<[^<>]*>)", fmt.strip())
    regex = ["^"]
    seen: set[str] = set()
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex.append(re.sub(r"[ \t]+", r"\\s+", part))
            continue
        name = part[1:-1]
        if not _NAME.match(name):
            raise LogParseError(
                f"log format {fmt!r}: field {part!r} is not a valid name "
                "(letters, digits and _, not starting with a digit)"
            )
        if name in seen:
            raise LogParseError(f"log format {fmt!r}: field <{name}> appears twice")
        seen.add(name)
        regex.append(f"(?P<{name}>.*?)")
    if CONTENT not in seen:
        raise LogParseError(f"log format {fmt!r} has no <{CONTENT}> field for the message")
    regex.append("$")
    try:
        return re.compile("".join(regex))
    except re.error as exc:
        raise LogParseError(f"log format {fmt!r} is not a valid pattern: {exc}") from exc


def check_log_file(path: Path) -> None:
    """Raise LogParseError naming ``path`` when it is missing, not a file or empty."""
    if not path.exists():
        raise LogParseError(f"log file {str(path)!r} does not exist")
    if not path.is_file():
        raise LogParseError(f"log file {str(path)!r} is not a regular file")
    if path.stat().st_size == 0:
        raise LogParseError(f"log file {str(path)!r} is empty")


def read_lines(path: Path, undecodable: list[int]) -> Iterator[str]:
    """The lines of a UTF-8 log file, stripped, numbered from 1 by position.

    Lines that are not valid UTF-8 are decoded with replacement characters
    and their numbers appended to ``undecodable``. A final line without a
    newline counts as a line.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise LogParseError(f"log file {str(path)!r} cannot be read: {exc.strerror}") from exc
    with fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
                undecodable.append(lineno)
            if lineno == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield text.strip()


@dataclass
class LogParseReport:
    """What parsing one log file did: counts, lines that did not match the format, time.

    ``unmatched_lines`` and ``undecodable_lines`` hold the first ``MAX_LISTED``
    line numbers (from 1); ``unmatched`` and ``undecodable`` count all of them.
    """

    source: str
    out: str
    fmt: str
    lines: int = 0
    templates: int = 0
    unmatched: int = 0
    unmatched_lines: list[int] = field(default_factory=list)
    undecodable: int = 0
    undecodable_lines: list[int] = field(default_factory=list)
    seconds: float = 0.0

    MAX_LISTED = 1000

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """A few human-readable lines for the CLI."""
        out = [
            f"{self.source}: {self.lines:,} lines, {self.templates:,} templates "
            f"in {self.seconds:.2f} s ({self.lines_per_second:,.0f} lines/s) -> {self.out}"
        ]
        if self.unmatched:
            out.append(
                f"  {self.unmatched:,} lines do not match the format {self.fmt!r} and were "
                f"kept whole as Content: line {_listed(self.unmatched_lines, self.unmatched)}"
            )
            if self.unmatched == self.lines:
                out.append("  no line matches the format: check --format")
        if self.undecodable:
            out.append(
                f"  {self.undecodable:,} lines are not valid UTF-8 and were decoded with "
                f"U+FFFD replacements: line {_listed(self.undecodable_lines, self.undecodable)}"
            )
        return "\n".join(out)


def _listed(numbers: Sequence[int], total: int, shown: int = 20) -> str:
    text = ", ".join(map(str, numbers[:shown]))
    return text + (" ..." if total > shown else "")
