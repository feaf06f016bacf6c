"""Log template mining: header formats, the template miner, the CSV of ``parse_log``.

The last test checks grouping accuracy on a slice of a LogHub data set when
the shared benchmark data are present (``../shared/data/loghub``).
"""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest

from extractors.logs.format import LogParseError, format_fields
from extractors.logs.miner import TemplateMiner, event_id, mask_token, parse_format, parse_log

JOB_FORMAT = "<Date> <Time> <Pid> <Level> <Component>: <Content>"
LOGHUB = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data" / "loghub"

# A made-up mail relay's log: syslog-style header, then the message.
RELAY_LOG = """\
Mar 03 04:10:01 mx7 relayd[3100]: Rejected sender nobody@example.org from 198.51.100.20
Mar 03 04:10:01 mx7 relayd[3100]: greylist: deferred sender nobody@example.org [queue]
Mar 03 04:10:05 mx7 relayd[3100]: Refused tls for unknown sender ops from 203.0.113.9 port 465 tls1
Mar 03 04:12:40 mx7 relayd[3104]: Session ended by 192.0.2.44 [queue]
Mar 03 04:13:02 mx7 relayd[3107]: Rejected sender alerts@example.net from 198.51.100.77
Mar 03 04:13:02 mx7 relayd[3107]: greylist: deferred sender alerts@example.net [queue]
this line has no header at all
Mar 03 04:14:10 mx7 relayd[3109]: Session ended by 198.51.100.77 [queue]
Mar 03 04:15:33 mx7 relayd[3111]: Rejected sender ops@example.com from 203.0.113.80
Mar 03 04:15:33 mx7 relayd[3111]: greylist: deferred sender ops@example.com [queue]
Mar 03 04:16:58 mx7 relayd[3112]: Session ended by 192.0.2.7 [queue]
"""
RELAY_FORMAT = r"<Date> <Day> <Time> <Component> relayd\[<Pid>\]: <Content>"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- formats ----------------------------------------------------------------------


def test_format_fields_become_named_groups() -> None:
    pattern = parse_format(JOB_FORMAT)
    m = pattern.match(
        "240105 113000 77 WARN cache.Store$Evictor: Evictor 3 dropped page pg_90210 early"
    )
    assert m is not None
    assert m.groupdict() == {
        "Date": "240105",
        "Time": "113000",
        "Pid": "77",
        "Level": "WARN",
        "Component": "cache.Store$Evictor",
        "Content": "Evictor 3 dropped page pg_90210 early",
    }
    assert format_fields(JOB_FORMAT) == ["Date", "Time", "Pid", "Level", "Component", "Content"]


def test_format_spaces_match_any_whitespace_and_escapes_are_regex() -> None:
    pattern = parse_format(r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>")
    m = pattern.match(
        "2024-02-02 08:00:01,250 - INFO  [Worker[slot=2]/0:0:0:0:0:0:0:0:7000:"
        "Scheduler@120] - Lease renewal took: 800"
    )
    assert m is not None
    assert m.group("Level") == "INFO"
    assert m.group("Content") == "Lease renewal took: 800"
    assert parse_format("<Level>\t<Content>").match("INFO    tabs or spaces") is not None


@pytest.mark.parametrize(
    ("fmt", "problem"),
    [
        ("", "empty"),
        ("<Date> <Time> <Level>", "no <Content>"),
        ("<Date> <Date> <Content>", "appears twice"),
        ("<1st> <Content>", "not a valid name"),
        ("<Date> [unclosed <Content>", "not a valid pattern"),
    ],
)
def test_bad_format_is_a_clear_error_naming_it(fmt: str, problem: str) -> None:
    with pytest.raises(LogParseError, match="format") as err:
        parse_format(fmt)
    assert problem in str(err.value)
    if fmt:
        assert repr(fmt) in str(err.value)


# -- tokens and the miner -----------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "masked"),
    [
        ("page_-4411", "<*>"),
        ("/192.0.2.10:7000", "<*>:<*>"),
        ("job_20240105_0042_r_000003", "<*>"),
        ("pid=0", "pid=<*>"),
        ("owner=alice", "owner=<*>"),
        ("group=", "group="),
        ("0x7f3a", "<*>"),
        ("https://mirror-7:443/input2.csv", "https://<*>"),
        ("/opt/app/conf/pool2.properties", "<*>"),
        ("eth0", "eth0"),
        ("tls1", "tls1"),
        ("draining", "draining"),
        ("Feb", "<*>"),
    ],
)
def test_token_masking(token: str, masked: str) -> None:
    assert mask_token(token) == masked


def test_templates_of_a_small_synthetic_log() -> None:
    lines = [
        "Connection from 10.0.0.1 port 22 closed",
        "Connection from 10.0.0.2 port 2222 closed",
        "Accepted token for deploy from 10.0.0.3 port 51000 tls1",
        "Connection from 192.168.1.7 port 80 closed",
        "Accepted token for deploy from 10.0.0.9 port 51002 tls1",
        "Cache size 1.5 KB, limit 64 MB",
        "Cache size 300 B, limit 64 MB",
        "worker state changed from IDLE to BUSY",
        "worker state changed from BUSY to IDLE",
        "worker state changed from IDLE to BUSY",
        "worker state changed from BUSY to IDLE",
    ]
    miner = TemplateMiner()
    ids = [miner.add(line) for line in lines]
    got = [miner.template_of(i).template for i in ids]
    assert got[0] == got[1] == got[3] == "Connection from <*> port <*> closed"
    assert got[2] == got[4] == "Accepted token for deploy from <*> port <*> tls1"
    assert got[5] == got[6]  # a number and its unit are one variable
    # Few values, each repeated: two different events, not a variable.
    assert got[7] == "worker state changed from IDLE to BUSY"
    assert got[8] == "worker state changed from BUSY to IDLE"
    templates = miner.templates()
    assert sum(t.count for t in templates) == len(lines) == len(miner)
    assert len(templates) == 5
    assert templates[0].count == 3  # most frequent first
    assert all(t.event_id == event_id(t.template) for t in templates)


def test_word_variables_are_found_by_their_values() -> None:
    miner = TemplateMiner()
    owners = ["ana", "bo", "cyd", "dee", "eli", "fay", "gus", "ana", "hal"]
    ids = [miner.add(f"Unknown owner {u} on 10.1.{i}.1") for i, u in enumerate(owners)]
    ids += [miner.add(f"lease granted to owner {u} by (pid=0)") for u in ["ivo", "jan"]]
    ids += [miner.add(f"quota check; owner={u}") for u in ["ivo", "jan"]]
    got = {miner.template_of(i).template for i in ids}
    assert got == {
        "Unknown owner <*> on <*>",
        # ivo and jan fill a key=value slot elsewhere, so they are variables here too
        "lease granted to owner <*> by (pid=<*>)",
        "quota check; owner=<*>",
    }


def test_variable_length_lists_are_one_template() -> None:
    miner = TemplateMiner()
    ids = [
        miner.add("tell 10.0.0.1:7000 to evict page_1"),
        miner.add("tell 10.0.0.2:7000 to evict page_2 page_3 page_4"),
        miner.add("tell 10.0.0.3:7000 to evict page_5 page_6"),
    ]
    assert {miner.template_of(i).template for i in ids} == {"tell <*>:<*> to evict <*>"}


def test_miner_keeps_taking_lines_after_templates_were_read() -> None:
    miner = TemplateMiner()
    first = miner.add("Starting task 1")
    assert miner.template_of(first).template == "Starting task <*>"
    second = miner.add("Stopping task 2")
    assert miner.template_of(second).template == "Stopping task <*>"
    assert miner.template_of(first).template == "Starting task <*>"
    empty = miner.add("")
    assert miner.template_of(empty).template == ""


# -- files ----------------------------------------------------------------------------


def test_parse_log_csv_shape_and_unmatched_lines(tmp_path: Path) -> None:
    log = write(tmp_path / "relay.log", RELAY_LOG)
    out = tmp_path / "relay.csv"
    report = parse_log(log, RELAY_FORMAT, out)
    rows = read_csv(out)
    with out.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "LineId", "Date", "Day", "Time", "Component", "Pid", "Content", "EventId", "EventTemplate"
    ]  # fmt: skip
    assert len(rows) == len(RELAY_LOG.splitlines()) == report.lines == 11
    assert [r["LineId"] for r in rows] == [str(i) for i in range(1, 12)]
    assert rows[0]["Pid"] == "3100"
    assert rows[0]["Content"] == "Rejected sender nobody@example.org from 198.51.100.20"
    assert rows[0]["EventTemplate"] == "Rejected sender <*> from <*>"
    assert rows[0]["EventId"] == event_id("Rejected sender <*> from <*>")
    assert rows[1]["EventTemplate"] == "greylist: deferred sender <*> [queue]"
    assert rows[3]["EventTemplate"] == "Session ended by <*> [queue]"
    # the unmatched line is kept whole, with empty headers, and reported with its number
    assert rows[6]["Content"] == "this line has no header at all"
    assert rows[6]["Date"] == rows[6]["Pid"] == ""
    assert report.unmatched == 1
    assert report.unmatched_lines == [7]
    assert report.templates == len({r["EventTemplate"] for r in rows})
    assert report.seconds > 0
    assert "1 lines do not match the format" in report.summary()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.log"
    with pytest.raises(LogParseError, match=r"nope\.log.*does not exist"):
        parse_log(missing, RELAY_FORMAT, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.log", "")
    with pytest.raises(LogParseError, match=r"empty\.log.*is empty"):
        parse_log(empty, RELAY_FORMAT, tmp_path / "out.csv")


def test_bad_format_is_reported_before_reading(tmp_path: Path) -> None:
    log = write(tmp_path / "relay.log", RELAY_LOG)
    with pytest.raises(LogParseError, match="no <Content>"):
        parse_log(log, "<Date> <Time>", tmp_path / "out.csv")


def test_output_in_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    log = write(tmp_path / "relay.log", RELAY_LOG)
    with pytest.raises(LogParseError, match=r"out\.csv.*does not exist"):
        parse_log(log, RELAY_FORMAT, tmp_path / "no" / "such" / "out.csv")


def test_undecodable_bytes_are_replaced_and_reported(tmp_path: Path) -> None:
    data = "\ufeff" + RELAY_LOG.splitlines()[0] + "\n"
    raw = data.encode("utf-8") + b"Mar 03 04:12:40 mx7 relayd[1]: bad \xff\xfe bytes\n"
    log = write(tmp_path / "bytes.log", raw)
    out = tmp_path / "bytes.csv"
    report = parse_log(log, RELAY_FORMAT, out)
    rows = read_csv(out)
    assert rows[0]["Date"] == "Mar"  # the byte-order mark is not part of the first field
    assert rows[1]["Content"] == "bad \ufffd\ufffd bytes"
    assert report.undecodable == 1
    assert report.undecodable_lines == [2]
    assert "not valid UTF-8" in report.summary()


# -- accuracy on real data (when the shared LogHub data are present) -----------------


def grouping_accuracy(predicted: Sequence[str], truth: Sequence[str]) -> float:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(predicted):
        groups[p].append(i)
    true_size = Counter(truth)
    correct = 0
    for lines in groups.values():
        if len({truth[i] for i in lines}) == 1 and true_size[truth[lines[0]]] == len(lines):
            correct += len(lines)
    return correct / len(truth)


@pytest.mark.skipif(
    not (LOGHUB / "formats.json").is_file(),
    reason=f"LogHub benchmark data not found at {LOGHUB}",
)
def test_grouping_accuracy_on_a_loghub_slice(tmp_path: Path) -> None:
    name, lines = "OpenSSH", 500
    fmt = json.loads((LOGHUB / "formats.json").read_text(encoding="utf-8"))[name]
    raw = (LOGHUB / name / f"{name}_2k.log").read_text(encoding="utf-8").splitlines()
    with (LOGHUB / name / f"{name}_2k.log_structured_corrected.csv").open(encoding="utf-8") as fh:
        truth = [row["EventTemplate"] for row in csv.DictReader(fh)][:lines]
    log = write(tmp_path / "slice.log", "\n".join(raw[:lines]) + "\n")
    report = parse_log(log, fmt, tmp_path / "slice.csv")
    rows = read_csv(tmp_path / "slice.csv")
    assert report.unmatched == 0 and len(rows) == lines
    assert grouping_accuracy([r["EventId"] for r in rows], truth) >= 0.95


def test_cli_logs_parse_writes_the_csv(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from api.cli import main

    log = tmp_path / "app.log"
    log.write_text(
        "2024-01-01 10:00:00 INFO db: connection 17 opened\n"
        "2024-01-01 10:00:01 INFO db: connection 18 opened\n"
        "garbage line\n"
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main,
        ["logs", "parse", str(log), "--format", "<Date> <Time> <Level> <Component>: <Content>",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["LineId"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["EventTemplate"] == rows[1]["EventTemplate"] == "connection <*> opened"
    missing = CliRunner().invoke(
        main, ["logs", "parse", str(tmp_path / "nope.log"), "--format", "<Content>", "--out",
               str(out)],
    )  # fmt: skip
    assert missing.exit_code != 0 and "nope.log" in missing.output


def test_a_host_and_port_is_a_value_not_a_key() -> None:
    # name.domain:<port> clusters as one variable: the hosts are values, not keys of
    # different events (key:<*> with a plain key, such as port:<*>, keeps its key); the
    # template shows the shape the lines share.
    miner = TemplateMiner()
    hosts = ["a.example.org", "b.example.org", "c.example.net"]
    ids = [miner.add(f"tunnel to {h}:{8000 + i} opened") for i, h in enumerate(hosts * 4)]
    assert {miner.template_of(i).template for i in ids} == {"tunnel to <*>:<*> opened"}
    keyed = [miner.add(f"listening on port:{p} now") for p in (80, 81)]
    keyed += [miner.add(f"listening on slot:{p} now") for p in (1, 2)]
    assert {miner.template_of(i).template for i in keyed} == {
        "listening on port:<*> now",
        "listening on slot:<*> now",
    }


def test_a_root_file_and_a_user_at_a_bare_host_are_names() -> None:
    # A handful of values repeating at one position is below the rare-value evidence;
    # their shapes say they are names of things: /name.ext (one segment: the path mask
    # wants two) and user@host where the host has no dot.
    miner = TemplateMiner()
    files = ["/report.pdf", "/feed.xml", "/night.ogg"]
    ids = [miner.add(f"viewers of {f} now {n}") for n, f in enumerate(files * 5)]
    assert {miner.template_of(i).template for i in ids} == {"viewers of <*> now <*>"}
    users = ["dana@gateway", "eli@gateway", "fay@relay"]
    ids = [miner.add(f"session opened for {u}") for u in users * 5]
    assert {miner.template_of(i).template for i in ids} == {"session opened for <*>"}
    # A command word after a slash is not a file: /quit, /status stay the program's words.
    ids = [miner.add(f"client sent {c}") for c in ["/quit", "/status"] * 5]
    assert {miner.template_of(i).template for i in ids} == {
        "client sent /quit",
        "client sent /status",
    }


def test_settings_switch_rules_off() -> None:
    from extractors.logs.miner import MinerSettings

    lines = ["copied 12 KB in 3 s", "copied 1.5 MB in 40 ms", "copied 700 B in 2 s"]
    with_units = TemplateMiner()
    without = TemplateMiner(MinerSettings(units=False))
    ids = [with_units.add(x) for x in lines]
    assert len({with_units.template_of(i).template for i in ids}) == 1
    ids = [without.add(x) for x in lines]
    assert len({without.template_of(i).template for i in ids}) > 1


def test_a_quoted_string_is_one_value_however_many_words() -> None:
    miner = TemplateMiner()
    lines = [
        'fetch failed, peer: 10.0.0.1, request: "GET /a HTTP/1.1", code: 7',
        'fetch failed, peer: 10.0.0.2, request: "POST /b/c HTTP/1.0", code: 7',
        'fetch failed, peer: 10.0.0.3, request: "BREW", code: 7',
        "cache miss for 'alpha' in pool 2",
        "cache miss for 'beta' in pool 3",
        "can't open the spool, it's locked",
    ]
    ids = [miner.add(x) for x in lines]
    got = [miner.template_of(i).template for i in ids]
    assert got[0] == got[1] == got[2] == 'fetch failed, peer: <*>, request: "<*>", code: <*>'
    assert got[3] == got[4] == "cache miss for '<*>' in pool <*>"
    assert got[5] == "can't open the spool, it's locked"  # apostrophes are not quotes


def test_a_bracketed_value_after_a_key_is_one_value() -> None:
    miner = TemplateMiner()
    ids = [
        miner.add("index ready: name=ix1, on=(:Item {sku}), kind=range"),
        miner.add("index ready: name=ix2, on=(:Order {id, region}), kind=range"),
    ]
    assert {miner.template_of(i).template for i in ids} == {
        "index ready: name=<*>, on=<*>, kind=range"
    }


def test_many_words_in_one_slot_are_values_states_that_go_together_are_events() -> None:
    miner = TemplateMiner()
    owners = ["ana", "bo", "cyd", "dee", "eli", "fay", "gus", "hal", "ivo", "jan"]
    ids = [miner.add(f"lease refused for owner {u} on 10.0.0.{n % 7}") for n, u in
           enumerate(owners * 3)]  # fmt: skip
    assert {miner.template_of(i).template for i in ids} == {"lease refused for owner <*> on <*>"}
    states = ["NEW", "QUEUED", "RUNNING", "DONE"]
    moves = list(itertools.pairwise(states)) * 3
    moves += [("RUNNING", "FAILED"), ("FAILED", "QUEUED")] * 3
    ids = [miner.add(f"job {n} moved from {a} to {b}") for n, (a, b) in enumerate(moves)]
    assert len({miner.template_of(i).template for i in ids}) == 5


# -- rules by shape (made-up logs) ------------------------------------------------------


def _templates(lines: Sequence[str], settings: object = None) -> list[str]:
    from extractors.logs.miner import MinerSettings

    miner = TemplateMiner(settings if isinstance(settings, MinerSettings) else None)
    ids = [miner.add(x) for x in lines]
    return [miner.template_of(i).template for i in ids]


def test_host_names_addresses_and_paths_are_values_though_they_repeat() -> None:
    from extractors.logs.miner import MinerSettings

    hosts = ["cache.east.example", "api.west.example", "_svc._udp.lab.example"]
    lines = [f"lookup {h} sent upstream" for h in hosts * 5]
    lines += [f"lookup {h} answered {10 + n}.0.0.1" for n, h in enumerate(hosts * 4)]
    lines += [f"mail for ops{n % 2}@box.example queued" for n in range(6)]
    lines += [f"subscribed to {t} ok" for t in ("plant/a/#", "plant/b", "alarms/+") * 3]
    got = _templates(lines)
    assert set(got) == {
        "lookup <*> sent upstream",
        "lookup <*> answered <*>",
        "mail for <*> queued",
        "subscribed to <*> ok",
    }
    # switched off, a handful of repeated names splits into one template per name
    assert len(set(_templates(lines, MinerSettings(name_shapes=False)))) > 4


def test_names_that_go_with_another_position_are_different_events() -> None:
    # a.b renamed c.d: the two option names go together, one event per pair
    pairs = [("net.buf.size", "io.buffer.size"), ("net.tmo", "io.timeout"), ("log.dir", "io.logs")]
    got = _templates([f"option {a} renamed {b} at load" for a, b in pairs * 3])
    assert len(set(got)) == 3


def test_a_tag_in_square_brackets_is_a_value() -> None:
    users = ["ana", "bo", "cyd"]
    lines = [f"[{u}] upload done: {n} files" for n, u in enumerate(users * 4)]
    lines += [f"[{u}] login refused" for u in users * 3]
    assert set(_templates(lines)) == {"<*> upload done: <*> files", "<*> login refused"}


def test_counter_lists_of_any_keys_are_one_value() -> None:
    from extractors.logs.miner import MinerSettings

    lines = [
        "session closed peer=10.1.1.1 get=2 put=1 total=3",
        "session closed peer=10.1.1.2 get=1 total=1",
        "session closed peer=10.1.1.3 put=0/1 del=1 total=1/2",
        "session closed peer=10.1.1.4 total=0/0",
        "session closed peer=10.1.1.5 get=2 put=1 total=3",
    ]
    assert set(_templates(lines)) == {"session closed peer=<*> <*>"}
    assert len(set(_templates(lines, MinerSettings(counter_runs=False)))) == 4


def test_a_quoted_status_reply_is_the_programs_words_a_quoted_request_a_value() -> None:
    from extractors.logs.miner import MinerSettings
    from extractors.logs.tokens import TokenRules

    lines = []
    for n in range(3):
        lines += [
            f'peer "10.0.0.{n}" sent "PING box{n}"',
            f'peer "10.0.0.{n}" sent "WAIT"',
            f'peer "10.0.0.{n}" got "291 Taken, go on."',
            f'peer "10.0.0.{n}" got "493 Come back soon."',
            f'peer "10.0.0.{n}" got "597 Box too full ({n + 9} MB)."',
        ]
    got = _templates(lines)
    assert set(got) == {
        'peer "<*>" sent "<*>"',
        'peer "<*>" got "291 Taken, go on."',
        'peer "<*>" got "493 Come back soon."',
        'peer "<*>" got "597 Box too full (<*> MB)."',
    }
    off = MinerSettings(tokens=TokenRules(replies=False))
    assert 'peer "<*>" got "<*>"' in _templates(lines, off)


def test_a_prefixed_quoted_string_is_one_value() -> None:
    lines = [f"client c{n} joined (v3, u'{u}')." for n, u in enumerate(["ana", "bo"] * 3)]
    assert set(_templates(lines)) == {"client <*> joined (v3, u'<*>')."}


def test_a_line_joins_its_best_cluster_even_when_it_came_first() -> None:
    from extractors.logs.miner import MinerSettings

    lines = ["config loaded from /etc/app/main.conf"]
    lines += [f"request served from cache-{n}" for n in range(4)]
    lines += ["request served from alpha", "request served from beta"]
    assert set(_templates(lines)) == {"config loaded from <*>", "request served from <*>"}
    assert len(set(_templates(lines, MinerSettings(reassign=False)))) > 2


def test_words_learned_as_values_are_holes_when_clustering_again() -> None:
    from extractors.logs.miner import MinerSettings

    names = ["ana", "bo", "cyd", "dee", "eli", "fay", "gus", "hal", "ivo", "jan"]
    lines = [f"login by {u} ok" for u in names]
    lines += [f"published to {t}" for t in ("t", "u", "v", "w", "x")]
    lines += ["cyd-1 0 plant/a", "dee-2 1 plant/b"]  # who, how, what: values only
    lines += ["ana 1 t", "bo 0 t", "ana 2 t"]
    assert set(_templates(lines)) == {"login by <*> ok", "published to <*>", "<*> <*> <*>"}
    assert len(set(_templates(lines, MinerSettings(vocabulary_holes=False)))) > 3


def test_a_template_differing_only_by_values_where_another_has_holes_is_that_one() -> None:
    from extractors.logs.miner import MinerSettings

    # the lone "answer ... txt=..." line first meets the alias event's cluster and is
    # split off alone; it differs from "answer <*> is <*>" only by values
    hosts = ["a.lab.example", "b.lab.example", "c.lab.example"]
    lines = ["lookup z.lab.example from 10.0.0.9"]
    lines += ["alias w.lab.example is <ALIAS>"] * 3
    lines += ["answer lab.example is txt=ab12"] * 3
    for n, h in enumerate(hosts * 3):
        lines += [f"lookup {h} from 10.0.0.{n}", f"answer {h} is 10.1.0.{n}"]
    want = {"lookup <*> from <*>", "alias w.lab.example is <ALIAS>", "answer <*> is <*>"}
    assert set(_templates(lines)) == want
    assert "answer lab.example is txt=ab12" in _templates(lines, MinerSettings(subsume=False))


def test_a_name_ending_in_a_digit_after_capitals_is_a_name() -> None:
    assert mask_token("SMBv2") == "SMBv2"
    assert mask_token("NO-ROUTE-SMBv3") == "NO-ROUTE-SMBv3"
    assert mask_token("c1") == "<*>" and mask_token("ab12") == "<*>"


def test_a_quoted_address_is_a_value_even_when_every_line_agrees() -> None:
    lines = [f'peer "10.9.8.7" said {w}' for w in ("hi", "hi", "hi")]
    lines += ["job 'nightly' done"] * 2
    assert set(_templates(lines)) == {'peer "<*>" said hi', "job 'nightly' done"}


def test_a_name_before_a_bracketed_address_is_a_host() -> None:
    assert mask_token("gate.example[10.2.3.4]") == "<*>[<*>]"
    assert mask_token("relay[10.2.3.4]:") == "<*>[<*>]:"
    assert mask_token("worker[4711]") == "worker[<*>]"  # a program and its pid


def test_an_address_and_a_name_before_an_address_are_different_shapes() -> None:
    from extractors.logs.miner import MinerSettings

    lines = [f"10.0.0.{n}:4{n}00 link up" for n in range(6)]
    lines += [f"{u}/10.0.1.{n}:5{n}00 link up" for n, u in enumerate(["kim", "lee", "max"] * 2)]
    assert set(_templates(lines)) == {"<*>:<*> link up", "<*>/<*>:<*> link up"}
    assert len(set(_templates(lines, MinerSettings(skeletons=False)))) == 1


def test_a_version_s_inner_punctuation_is_not_a_shape() -> None:
    versions = ["1.2", "1.2+b1", "3~rc1", "4", "2.0-1", "7"]
    lines = [f"unpacked pkg{c} {v}" for c, v in zip("abcdef", versions, strict=True)]
    assert set(_templates(lines)) == {"unpacked <*> <*>"}


def test_a_bracketed_value_keeps_its_brackets_and_an_empty_one_stays_empty() -> None:
    from extractors.logs.tokens import TokenRules, mask_parts

    both = TokenRules(bracketed_values=True, empty_values=True)
    assert mask_parts("tags=(red)", both)[0] == "tags=(<*>)"
    assert mask_parts("tags=()", both)[0] == "tags=()"
    assert mask_parts("to=<ops@example.org>,", both)[0] == "to=<<*>>,"
    no_empty = TokenRules(bracketed_values=True, empty_values=False)
    assert mask_parts("tags=()", no_empty)[0] == "tags=(<*>)"
    # bracketed values off (the shipped defaults): an address is masked inside the
    # brackets, which stay
    assert mask_token("to=<a@b.example>") == "to=<<*>>"
    assert mask_token("tags=(red)") == "tags=<*>)"


def test_an_email_address_is_a_value_wherever_it_stands() -> None:
    from extractors.logs.miner import MinerSettings
    from extractors.logs.tokens import TokenRules, mask_parts

    assert mask_token("RCPT:<ann@mail.example>:") == "RCPT:<<*>>:"
    assert mask_token("<bo.k+x@lists.example.org>") == "<<*>>"
    assert mask_token("ann@mail.example,") == "<*>,"
    assert mask_token("a@b") == "a@b"  # no domain: not an address
    assert mask_parts("<bo@x.example>", TokenRules(emails=False))[0] == "<bo@x.example>"
    # a list of recipients, as long as the message had: one template
    people = ["ann@mail.example", "bo@lists.example.org", "cy@mail.example", "di@x.example"]
    lines = [f"queued {n} for {' '.join(people[: 1 + n % 4])}" for n in range(12)]
    assert set(_templates(lines)) == {"queued <*> for <*>"}
    without = MinerSettings(tokens=TokenRules(emails=False))
    assert len(set(_templates(lines, without))) > 1


def test_a_value_masked_inside_its_own_brackets_keeps_them() -> None:
    assert mask_token("peer=[192.0.2.1]:25") == "peer=[<*>]:<*>"
    assert mask_token("via=(10.0.0.7)") == "via=(<*>)"
    assert mask_token("size=12ms") == "size=<*>"


def test_an_empty_value_after_a_key_is_another_event() -> None:
    from extractors.logs.miner import MinerSettings
    from extractors.logs.tokens import TokenRules, mask_parts

    empty = TokenRules()  # the shipped defaults: bracketed values off, empty values on
    assert mask_parts("by=<>", empty)[0] == "by=<>"
    assert mask_parts("by=(),", empty)[0] == "by=(),"
    assert mask_parts("by=<ann@mail.example>", empty)[0] == "by=<<*>>"
    assert mask_parts("by=()-(x)", empty)[0] != "by=()-(x)"  # a value that starts empty
    lines = [f"msg {n} by=<{p}@mail.example> len={n * 9}" for n, p in enumerate("abcdefgh")]
    lines += [f"msg {n} by=<> len={n}" for n in range(8, 12)]
    assert set(_templates(lines, MinerSettings(tokens=empty))) == {
        "msg <*> by=<<*>> len=<*>",
        "msg <*> by=<> len=<*>",
    }
    without = MinerSettings(tokens=TokenRules(empty_values=False))
    assert set(_templates(lines, without)) == {"msg <*> by=<*> len=<*>"}


def test_a_host_name_with_a_slash_after_it_is_an_address() -> None:
    from extractors.logs.tokens import looks_like_name

    assert looks_like_name("mirror.example.net/")
    assert looks_like_name("mirror.example.net/get/x")
    lines = [f"mirror.example.net/get?item={n}" for n in range(20)]
    lines += ["mirror.example.net/", "files.example.org/"]
    assert set(_templates(lines)) == {"<*>"}


def test_the_key_of_an_assignment_is_the_programs_word() -> None:
    from extractors.logs.miner import MinerSettings

    lines = [f"route({n}) check: allow_list = DENIED" for n in range(6)]
    lines += [f"route({n}) check: deny_list = DENIED" for n in range(6)]
    lines += [f"route({n}) check: grey_list = ALLOWED" for n in range(6)]
    assert set(_templates(lines)) == {
        "route(<*>) check: allow_list = DENIED",
        "route(<*>) check: deny_list = DENIED",
        "route(<*>) check: grey_list = ALLOWED",
    }
    assert len(set(_templates(lines, MinerSettings(assignment_keys=False)))) < 3


def test_words_joined_by_slashes_offer_alternatives_not_a_path() -> None:
    from extractors.logs.miner import MinerSettings

    states = ["down:", "up:", "down/up:", "up/down:"]
    lines = [f"Link {s} {n} frames lost, {n * 3} frames kept" for n, s in enumerate(states * 4)]
    assert set(_templates(lines)) == {f"Link {s} <*> frames lost, <*> frames kept" for s in states}
    assert len(set(_templates(lines, MinerSettings(alternatives=False)))) == 1


def test_codes_stay_constant_however_many_and_names_with_them_are_values() -> None:
    from extractors.logs.miner import MinerSettings

    codes = ["AB--", "cD--", "EF", "GH", "IJK", "LM-N", "OPQ", "RS", "TU", "VW"]
    hosts = ["a.example", "b.example", "c.example"]
    lines = [f"session {n} ended {c} for {hosts[n % 3]}" for n, c in enumerate(codes * 4)]
    assert set(_templates(lines)) == {f"session <*> ended {c} for <*>" for c in codes}
    assert len(set(_templates(lines, MinerSettings(code_kinds=False)))) == 1


def test_a_value_printed_twice_is_one_variable_not_wording() -> None:
    from extractors.logs.miner import MinerSettings

    hosts = ["a.example", "b.example", "c.example", "d.example"]
    lines = [f"client ({h}): asked for {h}/x" for h in hosts * 3]
    assert set(_templates(lines)) == {"client <*> asked for <*>"}
    assert len(set(_templates(lines, MinerSettings(echoes=False)))) == 4


def test_an_identifier_with_underscores_is_a_name() -> None:
    from extractors.logs.miner import MinerSettings

    pools = ["web_pool", "jobs_low", "api_aux", "cache_main"]
    lines = [f"pool {p} has no member left" for p in pools * 3]
    assert set(_templates(lines)) == {"pool <*> has no member left"}
    assert len(set(_templates(lines, MinerSettings(identifier_names=False)))) == 4


def test_a_quoted_value_keeps_its_key_and_an_empty_one_is_another_event() -> None:
    from extractors.logs.miner import MinerSettings

    lines = [f'job={n} LOAD src="/srv/in/{n}.csv" rows={n * 7}' for n in range(6)]
    lines += [f'job={n} LOAD src="" rows=0' for n in range(6, 10)]
    lines += [f"job={n} LOAD mode=fast{n % 2}" for n in range(10, 13)]
    lines += [f'job={n} LOAD where="k={n}"' for n in range(13, 19)]
    found = set(_templates(lines))
    assert found == {
        'job=<*> LOAD src="<*>" rows=<*>',
        'job=<*> LOAD src="" rows=<*>',
        "job=<*> LOAD mode=<*>",
        'job=<*> LOAD where="<*>"',
    }
    assert len(set(_templates(lines, MinerSettings(keyed=False)))) < len(found)


def test_shapes_are_told_apart_before_their_words_are_judged() -> None:
    from extractors.logs.miner import MinerSettings

    # a request marker before many different commands (values), a reply marker before a
    # few reply codes (constants): the commands' many words must not make the codes values
    verbs = ["fetch", "store", "drop", "touch", "bump", "peek", "list", "lock", "wipe", "ping"]
    lines = [f"#{n} {v}" for n, v in enumerate(verbs * 3)]
    replies = ["DONE", "MISSING", "BUSY"]
    lines += [f"@{n} {r}" for n, r in enumerate(replies * 5)]
    found = set(_templates(lines))
    assert {f"@<*> {r}" for r in replies} <= found
    assert "@<*> <*>" not in found
    assert set(_templates(lines, MinerSettings(skeletons=False))) == {"<*> <*>"}


def test_a_message_opened_by_a_value_and_one_opened_by_a_word_differ() -> None:
    from extractors.logs.miner import MinerSettings

    lines = [f"10.0.{n}.9 host{n}.example.org. TXT IN" for n in range(12)]
    lines += [f"resolving host{n}.example.net. TXT IN" for n in range(3)]
    assert set(_templates(lines)) == {"<*> <*> TXT IN", "resolving <*> TXT IN"}
    assert set(_templates(lines, MinerSettings(value_first=False))) == {"<*> <*> TXT IN"}


def test_a_name_in_brackets_after_a_label_is_a_name() -> None:
    from extractors.logs.miner import MinerSettings
    from extractors.logs.tokens import TokenRules, looks_like_name

    assert looks_like_name("TO:<ann@mail.example>:")
    assert looks_like_name("via=(relay.example.net)")
    assert not looks_like_name("mode:<fast>")
    senders = ["ann@mail.example", "bo@lists.example.org", "cy@x.example", "di@mail.example"]
    lines = [f"refused FROM:<{s}> too big: size={n}" for n, s in enumerate(senders * 4)]
    # even with e-mail addresses not masked, the labelled address is a value
    no_masks = MinerSettings(tokens=TokenRules(emails=False))
    assert set(_templates(lines, no_masks)) == {"refused <*> too big: size=<*>"}
