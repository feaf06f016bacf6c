"""SM2 (api/sm2.py over gmssl-pyx): round trips, and the published recommended-curve examples.

The examples are those of GM/T 0003.5-2012 (GB/T 32918.5-2017) on the
recommended curve: the signature of "message digest" with the default id and
the encryption of "encryption standard", both with the private key d below
and the random k = 59276E27...BC21, so they can be checked (verified,
decrypted) though not reproduced (the library draws its own k).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from api import sm2

D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
P = bytes.fromhex(
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
# C1 (x1 || y1), C3 (SM3 of x2 || M || y2), C2, as the example prints them.
CIPHERTEXT = bytes.fromhex(
    "04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
    "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
    "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
    "21886CA989CA9C7D58087307CA93092D651EFA"
)


def _der(tag: int, content: bytes) -> bytes:
    assert len(content) < 0x100
    length = bytes([len(content)]) if len(content) < 0x80 else bytes([0x81, len(content)])
    return bytes([tag]) + length + content


def _der_integer(value: bytes) -> bytes:
    value = value.lstrip(b"\0")
    return _der(0x02, b"\0" + value if value[0] & 0x80 else value)


def _sm2_cipher(c1c3c2: bytes) -> bytes:
    """The DER SM2Cipher of GM/T 0009 (what GmSSL reads) from the raw C1 C3 C2 bytes."""
    x, y, c3, c2 = c1c3c2[:32], c1c3c2[32:64], c1c3c2[64:96], c1c3c2[96:]
    return _der(0x30, _der_integer(x) + _der_integer(y) + _der(0x04, c3) + _der(0x04, c2))


def test_the_published_signature_verifies_and_a_changed_one_does_not() -> None:
    signature = encode_dss_signature(R, S)
    assert sm2.verify(P, b"message digest", signature)
    assert not sm2.verify(P, b"message digesT", signature)
    assert not sm2.verify(P, b"message digest", encode_dss_signature(R, S ^ 1))
    assert not sm2.verify(P, b"message digest", signature, signer_id=b"another id")


def test_the_published_ciphertext_decrypts_to_its_message() -> None:
    assert sm2.decrypt(D, _sm2_cipher(CIPHERTEXT)) == b"encryption standard"


def test_the_published_key_pair_signs_what_its_public_key_verifies() -> None:
    signature = sm2.sign(D, P, b"message digest")
    assert sm2.verify(P, b"message digest", signature)


def test_encryption_round_trips_and_a_changed_ciphertext_is_refused() -> None:
    public, private = sm2.generate()
    assert len(public) == 64 and len(private) == 32
    for message in (b"\x00", bytes(range(16)), b"x" * sm2.MAX_PLAINTEXT):
        ciphertext = sm2.encrypt(public, message)
        assert sm2.decrypt(private, ciphertext) == message
    altered = bytearray(sm2.encrypt(public, b"sixteen byte key"))
    altered[-1] ^= 0x01
    with pytest.raises(sm2.SM2Error, match="does not decrypt"):
        sm2.decrypt(private, bytes(altered))
    _, other = sm2.generate()
    with pytest.raises(sm2.SM2Error):
        sm2.decrypt(other, sm2.encrypt(public, b"for another key"))


def test_signatures_round_trip_with_any_signer_id() -> None:
    public, private = sm2.generate()
    other, _ = sm2.generate()
    for signer in (sm2.DEFAULT_SIGNER_ID, b"desk@example.com"):
        signature = sm2.sign(private, public, b"payload", signer_id=signer)
        assert sm2.verify(public, b"payload", signature, signer_id=signer)
        assert not sm2.verify(other, b"payload", signature, signer_id=signer)
    assert not sm2.verify(public, b"payload", b"not a signature")
