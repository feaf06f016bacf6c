"""Log template mining: header formats, the template miner, the CSV of ``parse_log``.

The last test checks grouping accuracy on a slice of a LogHub data set when
the shared benchmark data are present (``../shared/data/loghub``).
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest

from extractors.log_format import LogParseError, format_fields
from extractors.logs import TemplateMiner, event_id, mask_token, parse_format, parse_log

HDFS_FORMAT = "<Date> <Time> <Pid> <Level> <Component>: <Content>"
LOGHUB = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "loghub"

SSH_LOG = """\
Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186
Dec 10 06:55:46 LabSZ sshd[24200]: input_userauth_request: invalid user webmaster [preauth]
Dec 10 06:55:48 LabSZ sshd[24200]: Failed none for invalid user chen from 5.3.5.7 port 389 ssh2
Dec 10 07:02:47 LabSZ sshd[24203]: Connection closed by 212.47.254.145 [preauth]
Dec 10 07:07:38 LabSZ sshd[24206]: Invalid user test9 from 52.80.34.196
Dec 10 07:07:38 LabSZ sshd[24206]: input_userauth_request: invalid user test9 [preauth]
this line has no header at all
Dec 10 07:08:28 LabSZ sshd[24208]: Connection closed by 52.80.34.196 [preauth]
Dec 10 07:11:42 LabSZ sshd[24224]: Invalid user chen from 202.100.179.208
Dec 10 07:11:42 LabSZ sshd[24224]: input_userauth_request: invalid user chen [preauth]
Dec 10 07:13:43 LabSZ sshd[24227]: Connection closed by 5.36.59.76 [preauth]
"""
SSH_FORMAT = r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>"


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
    pattern = parse_format(HDFS_FORMAT)
    m = pattern.match(
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: "
        "PacketResponder 1 for block blk_38865049064139660 terminating"
    )
    assert m is not None
    assert m.groupdict() == {
        "Date": "081109",
        "Time": "203615",
        "Pid": "148",
        "Level": "INFO",
        "Component": "dfs.DataNode$PacketResponder",
        "Content": "PacketResponder 1 for block blk_38865049064139660 terminating",
    }
    assert format_fields(HDFS_FORMAT) == ["Date", "Time", "Pid", "Level", "Component", "Content"]


def test_format_spaces_match_any_whitespace_and_escapes_are_regex() -> None:
    pattern = parse_format(r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>")
    m = pattern.match(
        "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:"
        "FastLeaderElection@774] - Notification time out: 3200"
    )
    assert m is not None
    assert m.group("Level") == "INFO"
    assert m.group("Content") == "Notification time out: 3200"
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
        ("blk_-6952295868487656571", "<*>"),
        ("/10.250.19.102:50010", "<*>:<*>"),
        ("attempt_1445144423722_0020_m_000000_0", "<*>"),
        ("uid=0", "uid=<*>"),
        ("user=root", "user=<*>"),
        ("ruser=", "ruser="),
        ("0x7f3a", "<*>"),
        ("hdfs://msra-sa-41:9000/pageinput2.txt", "hdfs://<*>"),
        ("/etc/httpd/conf/workers2.properties", "<*>"),
        ("ssh2", "ssh2"),
        ("terminating", "terminating"),
        ("Jul", "<*>"),
    ],
)
def test_token_masking(token: str, masked: str) -> None:
    assert mask_token(token) == masked


def test_templates_of_a_small_synthetic_log() -> None:
    lines = [
        "Connection from 10.0.0.1 port 22 closed",
        "Connection from 10.0.0.2 port 2222 closed",
        "Accepted password for root from 10.0.0.3 port 51000 ssh2",
        "Connection from 192.168.1.7 port 80 closed",
        "Accepted password for root from 10.0.0.9 port 51002 ssh2",
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
    assert got[2] == got[4] == "Accepted password for root from <*> port <*> ssh2"
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
    users = ["admin", "test", "oracle", "guest", "ubnt", "pi", "support", "admin", "user"]
    ids = [miner.add(f"Invalid user {u} from 10.1.{i}.1") for i, u in enumerate(users)]
    ids += [miner.add(f"session opened for user {u} by (uid=0)") for u in ["root", "git"]]
    ids += [miner.add(f"check pass; user={u}") for u in ["root", "git"]]
    got = {miner.template_of(i).template for i in ids}
    assert got == {
        "Invalid user <*> from <*>",
        # root and git fill a key=value slot elsewhere, so they are variables here too
        "session opened for user <*> by (uid=<*>)",
        "check pass; user=<*>",
    }


def test_variable_length_lists_are_one_template() -> None:
    miner = TemplateMiner()
    ids = [
        miner.add("ask 10.0.0.1:50010 to delete blk_1"),
        miner.add("ask 10.0.0.2:50010 to delete blk_2 blk_3 blk_4"),
        miner.add("ask 10.0.0.3:50010 to delete blk_5 blk_6"),
    ]
    assert {miner.template_of(i).template for i in ids} == {"ask <*>:<*> to delete <*>"}


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
    log = write(tmp_path / "ssh.log", SSH_LOG)
    out = tmp_path / "ssh.csv"
    report = parse_log(log, SSH_FORMAT, out)
    rows = read_csv(out)
    with out.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "LineId", "Date", "Day", "Time", "Component", "Pid", "Content", "EventId", "EventTemplate"
    ]  # fmt: skip
    assert len(rows) == len(SSH_LOG.splitlines()) == report.lines == 11
    assert [r["LineId"] for r in rows] == [str(i) for i in range(1, 12)]
    assert rows[0]["Pid"] == "24200"
    assert rows[0]["Content"] == "Invalid user webmaster from 173.234.31.186"
    assert rows[0]["EventTemplate"] == "Invalid user <*> from <*>"
    assert rows[0]["EventId"] == event_id("Invalid user <*> from <*>")
    assert rows[1]["EventTemplate"] == "input_userauth_request: invalid user <*> [preauth]"
    assert rows[3]["EventTemplate"] == "Connection closed by <*> [preauth]"
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
        parse_log(missing, SSH_FORMAT, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.log", "")
    with pytest.raises(LogParseError, match=r"empty\.log.*is empty"):
        parse_log(empty, SSH_FORMAT, tmp_path / "out.csv")


def test_bad_format_is_reported_before_reading(tmp_path: Path) -> None:
    log = write(tmp_path / "ssh.log", SSH_LOG)
    with pytest.raises(LogParseError, match="no <Content>"):
        parse_log(log, "<Date> <Time>", tmp_path / "out.csv")


def test_output_in_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    log = write(tmp_path / "ssh.log", SSH_LOG)
    with pytest.raises(LogParseError, match=r"out\.csv.*does not exist"):
        parse_log(log, SSH_FORMAT, tmp_path / "no" / "such" / "out.csv")


def test_undecodable_bytes_are_replaced_and_reported(tmp_path: Path) -> None:
    data = "\ufeff" + SSH_LOG.splitlines()[0] + "\n"
    raw = data.encode("utf-8") + b"Dec 10 07:02:47 LabSZ sshd[1]: bad \xff\xfe bytes\n"
    log = write(tmp_path / "bytes.log", raw)
    out = tmp_path / "bytes.csv"
    report = parse_log(log, SSH_FORMAT, out)
    rows = read_csv(out)
    assert rows[0]["Date"] == "Dec"  # the byte-order mark is not part of the first field
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
