"""Reading the two logs the simulator is estimated from.

The Anonymous Bank log (Technion SEE lab, February 1999): one call a line,
tab-separated, header ``vru+line call_id customer_id priority type date
vru_entry vru_exit vru_time q_start q_exit q_time outcome ser_start
ser_exit ser_time server``; dates ``yymmdd``, times ``h:mm:ss``.

The Volvo IT incident log (BPI Challenge 2013): one status change a line,
comma-separated, with the ticket (``SR Number``), its time, the support team
(``Involved ST``) and level (``ST Level``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, TypeVar

BANK_FILE = "anonymous_bank_february_1999.txt"
SHIFTS_FILE = "anonymous_bank_shifts.csv"
VOLVO_FILE = "volvo_it_incidents_2013.csv"
BANK_COLUMNS = ("customer_id", "type", "date", "vru_exit", "q_time", "outcome", "ser_time",
                "server")  # fmt: skip
NO_SERVER = "NO_SERVER"
T = TypeVar("T")


class SimulationDataError(Exception):
    """A data file the simulator needs is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Call:
    customer: str  # "0" when the bank did not identify the caller
    kind: str  # service type: PS, NW, NE, TT, IN, PE
    weekday: int  # Monday 0
    day: int  # days since the log's first date
    arrival: float  # seconds since the log's first midnight, when the call reached the queue
    wait: float  # seconds in queue (q_time)
    outcome: str  # AGENT (served), HANG (abandoned), PHANTOM
    handle: float  # seconds of service (ser_time)
    server: str  # agent name, NO_SERVER when none

    @property
    def served(self) -> bool:
        return self.outcome == "AGENT" and self.server != NO_SERVER and self.handle > 0

    @property
    def hour(self) -> int:
        return int(self.arrival % 86_400 // 3600)


def _seconds(text: str, where: str) -> int:
    try:
        h, m, s = (int(p) for p in text.split(":"))
    except ValueError:
        raise SimulationDataError(f"{where}: time {text!r} is not h:mm:ss") from None
    return h * 3600 + m * 60 + s


def _date(text: str, where: str) -> datetime:
    try:
        return datetime.strptime(text, "%y%m%d").replace(tzinfo=UTC)
    except ValueError:
        raise SimulationDataError(f"{where}: date {text!r} is not yymmdd") from None


def parse_bank(lines: Iterable[str], source: str = "bank log") -> list[Call]:
    """Calls from the bank log's lines (the header first)."""
    reader = csv.DictReader(lines, delimiter="\t")
    missing = [c for c in BANK_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SimulationDataError(f"{source}: columns missing: {', '.join(missing)}")
    raw = list(reader)
    if not raw:
        raise SimulationDataError(f"{source}: no calls")
    first = min(_date(r["date"], f"{source} line 2") for r in raw)
    calls = []
    for n, r in enumerate(raw, start=2):
        where = f"{source} line {n}"
        day = _date(r["date"], where)
        try:
            wait, handle = float(r["q_time"]), float(r["ser_time"])
        except ValueError:
            raise SimulationDataError(f"{where}: q_time or ser_time is not a number") from None
        offset = (day - first).days
        calls.append(Call(
            customer=r["customer_id"].strip(), kind=r["type"].strip(), weekday=day.weekday(),
            day=offset, arrival=offset * 86_400.0 + _seconds(r["vru_exit"], where), wait=wait,
            outcome=r["outcome"].strip(), handle=handle, server=r["server"].strip(),
        ))  # fmt: skip
    return calls


def _read(path: Path, encoding: str, what: str, parse: Callable[[TextIO, str], T]) -> T:
    try:
        with path.open(encoding=encoding, newline="") as fh:
            return parse(fh, str(path))
    except OSError as exc:
        raise SimulationDataError(f"{path}: cannot read the {what}: {exc.strerror}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SimulationDataError(f"{path}: the {what} is not {encoding} text: {exc}") from exc


def read_bank(path: Path) -> list[Call]:
    return _read(path, "ascii", "bank log", parse_bank)


def read_shifts(path: Path) -> list[tuple[int, int]]:
    """The shift template: each shift's (start hour, end hour), end exclusive, may wrap."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SimulationDataError(f"{path}: cannot read the shifts: {exc.strerror}") from exc
    rows = list(csv.reader(text.splitlines()))  # the file ends its lines with CR alone
    if len(rows) != 25 or not rows[0] or rows[0][0] != "Hour":
        raise SimulationDataError(f"{path}: expected a header and 24 hourly rows")
    shifts = []
    for col in range(2, len(rows[0])):
        hours = [h for h in range(24) if rows[h + 1][col].strip() == "1"]
        if not hours:
            continue
        # The first hour not preceded by a working one starts the shift (it may wrap).
        start = next((h for h in hours if (h - 1) % 24 not in hours), hours[0])
        shifts.append((start, (start + len(hours)) % 24))
    if not shifts:
        raise SimulationDataError(f"{path}: no shift has a working hour")
    return shifts


@dataclass(frozen=True)
class Event:
    ticket: str
    at: str  # ISO time, sorts in order
    team: str
    level: str


def parse_volvo(lines: Iterable[str], source: str = "Volvo log") -> list[Event]:
    reader = csv.DictReader(lines)
    need = ("SR Number", "Change Date+Time", "Involved ST", "ST Level")
    missing = [c for c in need if c not in (reader.fieldnames or [])]
    if missing:
        raise SimulationDataError(f"{source}: columns missing: {', '.join(missing)}")
    events = [Event(r["SR Number"], r["Change Date+Time"], r["Involved ST"], r["ST Level"])
              for r in reader]  # fmt: skip
    if not events:
        raise SimulationDataError(f"{source}: no events")
    return events


def read_volvo(path: Path) -> list[Event]:
    return _read(path, "utf-8-sig", "Volvo log", parse_volvo)
