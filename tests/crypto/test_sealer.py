"""Sealing and opening one value, the blind index by shape, keyed customer ids."""

from __future__ import annotations

import pytest

from extractors.text.crypto.keys import Keyring
from extractors.text.crypto.primitives import SealError
from extractors.text.crypto.sealer import Sealer, version_of
from extractors.text.masking import kind_of, personal_values

SEALER = Sealer(Keyring.generate())


def test_a_sealed_value_opens_only_on_its_node_and_field() -> None:
    sealed = SEALER.seal_value("ticket:x:1", "subject", "ring 13800001111")
    assert "13800001111" not in sealed and version_of(sealed) == 1
    assert SEALER.open_value("ticket:x:1", "subject", sealed) == "ring 13800001111"
    for node, field in (("ticket:x:2", "subject"), ("ticket:x:1", "description")):
        with pytest.raises(SealError):
            SEALER.open_value(node, field, sealed)
    # relabelled with another version: the associated data names the version
    with pytest.raises(SealError):
        SEALER.open_value("ticket:x:1", "subject", sealed.replace(".v1.", ".v2.", 1))


def test_a_value_sealed_twice_differs() -> None:
    one = SEALER.seal_value("n", "f", "same")
    assert one != SEALER.seal_value("n", "f", "same")  # a fresh nonce each time


def test_another_ring_cannot_open_it() -> None:
    sealed = SEALER.seal_value("n", "f", "private")
    with pytest.raises(SealError):
        Sealer(Keyring.generate()).open_value("n", "f", sealed)


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("+86 158-2233-4455", "15822334455"),
        ("158.2233.4455", "0086 158 2233 4455"),
        ("１５８２２３３４４５５", "158 2233 4455"),
        ("Wu.Fang@Example.ORG", "wu.fang@example.org"),
        ("11010519491231002x", "110105 19491231 002X"),
        ("6222 0200 0000 0000 018", "6222020000000000018"),
        ("192.0.2.77", "192.0.2.77"),
        ("2001:db8:0:0::5", "2001:db8::5"),
    ],
)
def test_every_way_of_writing_a_value_keys_one_index_entry(written: str, typed: str) -> None:
    [(kind, value)] = personal_values(f"reach {written} please")
    assert kind == kind_of(typed)
    assert SEALER.blind(kind, value) == SEALER.blind(kind_of(typed), typed)


def test_a_phone_and_a_card_with_the_same_digits_differ() -> None:
    assert SEALER.blind("PHONE", "13800001111") != SEALER.blind("CARD", "13800001111")


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [("", "empty"), ("hello", "is not a phone"), ("12345", "too few"), ("a@b", "e-mail")],
)
def test_a_lookup_value_of_no_known_shape_says_why(typed: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        kind_of(typed)


def test_customer_ids_are_keyed() -> None:
    cid = SEALER.customer_id("zendesk", "20978392")
    assert cid.startswith("customer:") and len(cid) == len("customer:") + 32
    assert cid == SEALER.customer_id("zendesk", " 20978392 ")
    assert cid != Sealer(Keyring.generate()).customer_id("zendesk", "20978392")
