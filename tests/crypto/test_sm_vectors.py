"""The SM primitives against their published test vectors.

SM4: GB/T 32907-2016, appendix A, example 1 (one block) and example 2 (the
same block encrypted 1,000,000 times). SM4-GCM and SM4-CCM: RFC 8998,
appendix A. SM3: GB/T 32905-2016, appendix A ("abc" and the 64-byte message).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from extractors.text.crypto.primitives import (
    SealError,
    hmac_sm3,
    sm3,
    sm4_ccm_open,
    sm4_ccm_seal,
    sm4_encrypt_block,
    sm4_gcm_open,
    sm4_gcm_seal,
)

GB_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")

RFC_IV = bytes.fromhex("00001234567800000000ABCD")
RFC_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
RFC_PLAINTEXT = bytes.fromhex(
    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB" "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF" "EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
)  # fmt: skip
RFC_AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
GCM_CIPHERTEXT = bytes.fromhex(
    "17F399F08C67D5EE19D0DC9969C4BB7D" "5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15" "A56834CBCF98C397B4024A2691233B8D"
)  # fmt: skip
GCM_TAG = bytes.fromhex("83DE3541E4C2B58177E065A9BF7B62EC")
CCM_CIPHERTEXT = bytes.fromhex(
    "48AF93501FA62ADBCD414CCE6034D895" "DDA1BF8F132F042098661572E7483094"
    "FD12E518CE062C98ACEE28D95DF4416B" "ED31A2F04476C18BB40C84A74B97DC5B"
)  # fmt: skip
CCM_TAG = bytes.fromhex("16842D4FA186F56AB33256971FA110F4")


def test_sm4_gbt_32907_example_1() -> None:
    assert sm4_encrypt_block(GB_KEY, GB_KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gbt_32907_example_2_a_million_times() -> None:
    enc = Cipher(algorithms.SM4(GB_KEY), modes.ECB()).encryptor()
    block = GB_KEY
    for _ in range(1_000_000):
        block = enc.update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


def test_sm4_gcm_rfc_8998() -> None:
    sealed = sm4_gcm_seal(RFC_KEY, RFC_IV, RFC_PLAINTEXT, RFC_AAD)
    assert sealed == GCM_CIPHERTEXT + GCM_TAG
    assert sm4_gcm_open(RFC_KEY, RFC_IV, sealed, RFC_AAD) == RFC_PLAINTEXT


def test_sm4_ccm_rfc_8998() -> None:
    sealed = sm4_ccm_seal(RFC_KEY, RFC_IV, RFC_PLAINTEXT, RFC_AAD)
    assert sealed == CCM_CIPHERTEXT + CCM_TAG
    assert sm4_ccm_open(RFC_KEY, RFC_IV, sealed, RFC_AAD) == RFC_PLAINTEXT


@pytest.mark.parametrize("open_", [sm4_gcm_open, sm4_ccm_open])
def test_an_altered_byte_or_other_associated_data_does_not_open(open_: object) -> None:
    seal = sm4_gcm_seal if open_ is sm4_gcm_open else sm4_ccm_seal
    sealed = bytearray(seal(RFC_KEY, RFC_IV, RFC_PLAINTEXT, RFC_AAD))
    opener = sm4_gcm_open if open_ is sm4_gcm_open else sm4_ccm_open
    with pytest.raises(SealError):
        opener(RFC_KEY, RFC_IV, bytes(sealed), RFC_AAD[:-1] + b"\x00")
    sealed[3] ^= 1
    with pytest.raises(SealError):
        opener(RFC_KEY, RFC_IV, bytes(sealed), RFC_AAD)


def test_sm3_gbt_32905() -> None:
    assert sm3(b"abc").hex() == ("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    assert sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_hmac_sm3_is_rfc_2104_over_sm3() -> None:
    # HMAC's definition, spelled out with the SM3 vectors' hash: H((K^opad) | H((K^ipad) | m)).
    key, message = b"k" * 20, b"abc"
    padded = key + bytes(64 - len(key))
    inner = sm3(bytes(b ^ 0x36 for b in padded) + message)
    assert hmac_sm3(key, message) == sm3(bytes(b ^ 0x5C for b in padded) + inner)
