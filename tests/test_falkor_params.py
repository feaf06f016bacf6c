"""FalkorDB parameters: checked and encoded in one pass (graph.falkor.params_header).

The one pass must send what the two passes sent before (plain_params, then the
falkordb client's stringify_param_value), byte for byte, and refuse what they
refused with the same message; and strings of every kind must come back from
the real server as they went in (NUL bytes stripped).
"""

from __future__ import annotations

import enum
import math
from typing import Any

import pytest
from falkordb.helpers import stringify_param_value
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import QueryFailed
from graph.falkor import FalkorStore, params_header
from graph.store import plain_params


def two_passes(params: dict[str, Any] | None) -> str:
    """What FalkorStore sent before: the client's encoding of plain_params."""
    args = plain_params(params)
    if not args:
        return ""
    return "CYPHER " + "".join(f"`{k}`={stringify_param_value(v)} " for k, v in args.items())


class Colour(enum.StrEnum):
    RED = 're"d'


class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


class Real(float):
    pass


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=2**63 - 3, max_value=2**70),  # some beyond 64 bits
    st.floats(),  # nan and infinities among them
    st.text(),
    st.text(alphabet="\\\"\x00\n\t\r\x01\x7f`'a中😀"),
    st.sampled_from([Colour.RED, Level.HIGH, Text("x\x00\\"), Real(2.5), b"bytes", {1, 2}]),
)
_keys = st.one_of(
    st.text(min_size=1, alphabet="ab_\x00中 -@"),
    st.sampled_from(["", "\x00", "a`b", 1, "k"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_keys, inner, max_size=4),
    ),
    max_leaves=20,
)
_names = st.one_of(st.sampled_from(["rows", "id", "x_1"]), st.text(max_size=3))


def _outcome(encode: Any, params: dict[str, Any]) -> tuple[str, str]:
    try:
        return "ok", encode(params)
    except QueryFailed as exc:
        return "failed", str(exc)


@settings(max_examples=3000, deadline=None)
@given(st.dictionaries(_names, _values, max_size=3))
def test_one_pass_sends_and_refuses_what_two_passes_did(params: dict[str, Any]) -> None:
    assert _outcome(params_header, params) == _outcome(two_passes, params)


def test_the_checks_of_plain_params_name_the_parameter() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"rows": [{"a": 1}, {"b": [1, math.inf]}]}, "$rows[1].b[1]: inf is not a finite"),
        ({"n": {"x": 2**64}}, "$n.x: integer 18446744073709551616 does not fit in 64 bits"),
        ({"m": [{"a`b": 1}]}, "$m[0]: map key 'a`b' must be a non-empty string"),
        ({"s": [set()]}, "$s[0]: a set is not a plain value"),
        ({"bad name": 1}, "parameter name 'bad name' is not a plain identifier"),
    ]
    for params, message in cases:
        with pytest.raises(QueryFailed, match=None) as exc:
            params_header(params)
        assert message in str(exc.value)


def test_nul_is_stripped_and_subclasses_become_plain() -> None:
    header = params_header({"a": "x\x00y", "b": {"k\x00": Colour.RED}, "c": Level.HIGH})
    assert header == 'CYPHER `a`="xy" `b`={`k`:"re\\"d"} `c`=3 '
    assert params_header(None) == params_header({}) == ""


STRINGS = [
    "",
    'say "hi"',
    "it's",
    "back\\slash",
    "ends with a backslash\\",
    '\\"',
    "\\\\\\",
    "line\nbreak\r\nand\ttab",
    "literal \\n and \\t and \\u0041",
    "".join(map(chr, range(1, 32))) + "\x7f",
    "nul\x00inside\x00",
    "emoji 😀🔗 and ZWJ 👩‍💻",
    "中文：检测到死锁，请重试。",
    "mixed `backtick` {brace} [bracket] $dollar",
    "\u2028\u2029\ufeff",
]


@pytest.mark.parametrize("text", STRINGS)
def test_strings_come_back_from_the_server_as_they_went(
    clean_store: FalkorStore, text: str
) -> None:
    want = text.replace("\x00", "")
    assert clean_store.read("RETURN $s AS s", {"s": text}) == [{"s": want}]
    assert clean_store.read("RETURN $m.`k` AS s", {"m": {"k": [text]}}) == [{"s": [want]}]
    with clean_store.transaction() as tx:
        done = tx.run("CREATE (n:Probe {id: 'p', t: $t}) RETURN n.t AS t", {"t": text})
    assert done.rows == [{"t": want}]
    assert clean_store.read("MATCH (n:Probe {t: $t}) RETURN n.id AS id", {"t": text}) == [
        {"id": "p"}
    ]


def test_all_strings_in_one_batch_of_rows(clean_store: FalkorStore) -> None:
    rows = [{"id": str(i), "props": {"t": t, "path": [t, t]}} for i, t in enumerate(STRINGS)]
    clean_store.write_batch(
        "UNWIND $rows AS r CREATE (n:Probe {id: r.id}) SET n += r.props", rows, batch_size=4
    )
    got = clean_store.read("MATCH (n:Probe) RETURN n.id AS id, n.t AS t, n.path AS p")
    by_id = {r["id"]: (r["t"], r["p"]) for r in got}
    for i, t in enumerate(STRINGS):
        want = t.replace("\x00", "")
        if want:  # an empty string is a stored property, as before
            assert by_id[str(i)] == (want, [want, want])
