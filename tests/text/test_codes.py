"""Error codes by shape (extractors.text.codes): what is a code, what is not."""

from __future__ import annotations

import pytest

from extractors.text.codes import CodeMention, code_shape, find_codes, parse_code


def codes(text: str) -> list[tuple[str, str, bool]]:
    return [(m.code, m.shape, m.strong) for m in find_codes(text)]


# --- each shape ----------------------------------------------------------------


def test_prefixed_vendor_codes() -> None:
    assert codes("The import stopped with QLX-01653 and then KV-2041.") == [
        ("QLX-01653", "prefixed", True),
        ("KV-2041", "prefixed", True),
    ]
    # typed in lower case in a question: normalised, but only as strong as the graph says
    assert codes("what does qlx-01653 mean") == [("QLX-01653", "prefixed", False)]


def test_sqlstate_like_tokens_are_weak_unless_cued() -> None:
    assert codes("saw 42P01 and 40001 and 0A000") == [
        ("42P01", "sqlstate", False),
        ("40001", "sqlstate", False),
        ("0A000", "sqlstate", False),
    ]
    assert codes("SQLSTATE 40001 again") == [("40001", "sqlstate", True)]
    assert codes("error code: 42P01") == [("42P01", "sqlstate", True)]
    assert codes("why 42p01?") == [("42P01", "sqlstate", False)]


def test_symbolic_codes() -> None:
    assert codes("threw ERR_LEDGER_SEALED while FLUX_BUSY was set") == [
        ("ERR_LEDGER_SEALED", "symbolic", True),
        ("FLUX_BUSY", "symbolic", False),
    ]
    assert codes("E_TIDE_LOW, SPOOL_WRITE_ERROR, QUEUE_ABORT_ERR, MOUNT_FAILED") == [
        ("E_TIDE_LOW", "symbolic", True),
        ("SPOOL_WRITE_ERROR", "symbolic", True),
        ("QUEUE_ABORT_ERR", "symbolic", True),
        ("MOUNT_FAILED", "symbolic", True),
    ]
    # a qualifier in front does not hide the code
    assert codes("compare with flux.errors.ERR_NO_TIDE") == [("ERR_NO_TIDE", "symbolic", True)]
    # a cue makes a plain constant strong
    assert codes("Error: FLUX_BUSY (database is locked)") == [("FLUX_BUSY", "symbolic", True)]


def test_errno_names() -> None:
    assert codes("connect ECONNREFUSED 10.0.0.7:7001; listen EADDRINUSE; open ENOENT") == [
        ("ECONNREFUSED", "errno", True),
        ("EADDRINUSE", "errno", True),
        ("ENOENT", "errno", True),
    ]
    assert codes("errno.EPERM and E2BIG") == [("EPERM", "errno", True), ("E2BIG", "errno", True)]
    assert codes("getting enoent on start") == [("ENOENT", "errno", False)]


def test_e_numbers_are_weak() -> None:
    assert codes("compiler said E0423") == [("E0423", "prefixed", False)]
    assert codes("compiler error E0423") == [("E0423", "prefixed", True)]


def test_hex_codes_are_normalised() -> None:
    assert codes("HRESULT 0x80070005, then 0xc0000022") == [
        ("0x80070005", "hex", True),
        ("0xC0000022", "hex", True),
    ]
    assert codes("loaded at 0x00400000") == [("0x00400000", "hex", False)]
    assert codes("failed with error 0x1f") == [("0x0000001F", "hex", True)]


def test_http_status_codes_need_a_cue() -> None:
    assert codes("the gateway answered HTTP 503") == [("503", "http", True)]
    assert codes("HTTP/1.1 429 Too Many Requests") == [("429", "http", True)]
    assert codes("we get 404 Not Found and 502 bad gateway") == [
        ("404", "http", True),
        ("502", "http", True),
    ]
    assert codes("status code 401 on login, status 500 later") == [
        ("401", "http", True),
        ("500", "http", True),
    ]
    assert codes("upstream HTTP status code 504") == [("504", "http", True)]


def test_numeric_codes_need_a_cue() -> None:
    assert codes("it failed with error code 5") == [("5", "numeric", True)]
    assert codes("the job ended with exit code 137") == [("137", "numeric", True)]
    assert codes("errno 111 from the socket") == [("111", "numeric", True)]
    assert codes("Error 2013 (HY000): lost connection") == [
        ("2013", "numeric", True),
        ("HY000", "sqlstate", False),
    ]
    assert codes("error code is 08006") == [("08006", "numeric", True)]
    assert codes("return code: 3, exit status 1") == [
        ("3", "numeric", True),
        ("1", "numeric", True),
    ]


# --- Chinese --------------------------------------------------------------------


def test_chinese_cues() -> None:
    assert codes("登录时报错，错误码 1045，怎么办？") == [("1045", "numeric", True)]
    assert codes("错误代码：5") == [("5", "numeric", True)]
    assert codes("错误码为2002") == [("2002", "numeric", True)]
    assert codes("接口返回 502，网关超时") == [("502", "http", True)]
    assert codes("HTTP状态码 404") == [("404", "http", True)]
    assert codes("导入时出现 QLX-00942 错误") == [("QLX-00942", "prefixed", True)]
    assert codes("连接失败：ECONNREFUSED") == [("ECONNREFUSED", "errno", True)]


def test_chinese_numbers_without_a_code_cue() -> None:
    assert codes("查询返回 10 行") == []
    assert codes("重试了3次还是错误2次") == []
    assert codes("共有 12345 条记录") == [("12345", "sqlstate", False)]  # weak: graph decides


# --- what is not a code ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "upgrade from 3.11.2 to 3.12",
        "requires node v18 or v20.1",
        "released in 2024, see 2024-05-01",
        "listens on port 54321 and localhost:27017",
        "commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
        "files are UTF-8, UTF-16 or ISO-8859-1",
        "server at 192.168.10.20 and 10.0.0.255",
        "HTTP2 and HTTP/2 are supported",
        "HttpClient, DataFrame and JsonParser classes",
        "read /var/lib/quill/E1234/ABC12.dat and C:\\Data\\QLX01\\x.cfg",
        "about 300 rows and 12 files",
        "took 100ms, 512kb and 1080p",
        "digests SHA-256, SHA-512 and AES-128",
        "see RFC-7231 and CVE-2021-44228",
        "Win32 API and Ipv64",
        "timezone UTC-0800",
        "the error 3.14 appeared",
        "3 errors 5 warnings",
        "max_connections and shared_buffers",
        "OPTIONS and EXAMPLES",
        "$QUILL_HOME and %APP_DATA%",
    ],
)
def test_false_positives(text: str) -> None:
    assert codes(text) == []


def test_mentions_in_order_and_deduplicated() -> None:
    found = find_codes("KV-2041 then 42P01, KV-2041 again, SQLSTATE 42P01")
    assert [(m.code, m.strong) for m in found] == [("KV-2041", True), ("42P01", True)]
    assert found[0] == CodeMention("KV-2041", "prefixed", True, 0, 7)
    assert found[1].start == 13


def test_spans_point_at_the_code() -> None:
    text = "got HTTP 503 and error code 17"
    assert [text[m.start : m.end] for m in find_codes(text)] == ["503", "17"]


# --- whole tokens -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "shape"),
    [
        ("ERR_LEDGER_SEALED", "symbolic"),
        ("`ERR_LEDGER_SEALED`", "symbolic"),
        ("ERR_LEDGER_SEALED#", "symbolic"),
        ("flux.ERR_LEDGER_SEALED¶", "symbolic"),
        ("FLUX_BUSY", "symbolic"),
        ("E1234", "prefixed"),
        ("QLX-2001", "prefixed"),
        ("ECONNREFUSED", "errno"),
        ("42P01", "sqlstate"),
        ("0x80070005", "hex"),
        ("Error 1045", "numeric"),
        ("HTTP 503", "http"),
        ("1045", None),
        ("Introduction", None),
        ("OPTIONS", None),
        ("Class: QuillError", None),
        ("fs.readFile(path)", None),
        ("v18.2", None),
    ],
)
def test_code_shape(token: str, shape: str | None) -> None:
    assert code_shape(token) == shape


def test_parse_code_normalises() -> None:
    m = parse_code("  0x8007000e ")
    assert m is not None and (m.code, m.strong) == ("0x8007000E", True)
    m = parse_code("qlx-2001")
    assert m is not None and m.code == "QLX-2001"
