"""The SM primitives graphdesk uses, from the ``cryptography`` package (OpenSSL).

SM4-GCM (GB/T 32907 in NIST SP 800-38D's mode, as RFC 8998 uses it) seals
personal data; HMAC-SM3 (GB/T 32905 in RFC 2104) keys the blind index and
customer ids; HKDF over SM3 (RFC 5869) derives each purpose's key from a
master secret. ``cryptography`` has SM4 in ECB, CBC, CTR and GCM but no
CCM, so :func:`sm4_ccm_seal` composes RFC 3610's CCM (CBC-MAC, then CTR)
from those modes; it exists for RFC 8998's TLS_SM4_CCM_SM3 suite and its
test vectors, not for storage. The tests check every one against published
vectors (tests/crypto/test_vectors.py).
"""

from __future__ import annotations

from hmac import compare_digest

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

BLOCK = 16
GCM_NONCE = 12
TAG = 16


class SealError(Exception):
    """A sealed value does not open: wrong key, wrong associated data, or altered."""


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def hkdf_sm3(secret: bytes, purpose: bytes, length: int) -> bytes:
    """A key for one purpose from a master secret (RFC 5869 with SM3, no salt)."""
    return HKDF(algorithm=hashes.SM3(), length=length, salt=None, info=purpose).derive(secret)


def sm4_encrypt_block(key: bytes, block: bytes) -> bytes:
    """One SM4 block (the GB/T 32907 examples are single blocks)."""
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def sm4_gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Ciphertext followed by the 16-byte tag."""
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    body = enc.update(plaintext) + enc.finalize()
    return body + enc.tag


def sm4_gcm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < TAG:
        raise SealError("sealed value shorter than its tag")
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-TAG:])).decryptor()
    dec.authenticate_additional_data(aad)
    try:
        return dec.update(sealed[:-TAG]) + dec.finalize()
    except InvalidTag as exc:  # a wrong key, other associated data, or an edit
        raise SealError("sealed value does not open: wrong key, node or field, or edited") from exc


# --- CCM (RFC 3610) over SM4 -------------------------------------------------------------


def _ccm_blocks(nonce: bytes, aad: bytes, plaintext: bytes, tag_len: int) -> bytes:
    """B_0, the encoded associated data and the message, zero-padded to blocks."""
    q = 15 - len(nonce)
    flags = (0x40 if aad else 0) | (((tag_len - 2) // 2) << 3) | (q - 1)
    out = bytes([flags]) + nonce + len(plaintext).to_bytes(q, "big")
    if aad:
        if len(aad) >= 0xFF00:
            raise ValueError("CCM associated data of 65,280 bytes or more is not supported")
        a = len(aad).to_bytes(2, "big") + aad
        out += a + bytes(-len(a) % BLOCK)
    return out + plaintext + bytes(-len(plaintext) % BLOCK)


def _ccm_check(nonce: bytes, tag_len: int) -> None:
    if not 7 <= len(nonce) <= 13:
        raise ValueError(f"a CCM nonce has 7 to 13 bytes, not {len(nonce)}")
    if tag_len not in (4, 6, 8, 10, 12, 14, 16):
        raise ValueError(f"a CCM tag has 4 to 16 bytes (even), not {tag_len}")


def _ccm_mac(key: bytes, nonce: bytes, aad: bytes, plaintext: bytes, tag_len: int) -> bytes:
    enc = Cipher(algorithms.SM4(key), modes.CBC(bytes(BLOCK))).encryptor()
    chained = enc.update(_ccm_blocks(nonce, aad, plaintext, tag_len)) + enc.finalize()
    return chained[-BLOCK:][:tag_len]


def _ccm_ctr(key: bytes, nonce: bytes, data: bytes) -> tuple[bytes, bytes]:
    """(S_0, data XOR the key stream from counter 1)."""
    q = 15 - len(nonce)
    a0 = bytes([q - 1]) + nonce + bytes(q)
    stream = Cipher(algorithms.SM4(key), modes.CTR(a0)).encryptor()
    s0 = stream.update(bytes(BLOCK))
    return s0, stream.update(data) + stream.finalize()


def sm4_ccm_seal(
    key: bytes, nonce: bytes, plaintext: bytes, aad: bytes, tag_len: int = 16
) -> bytes:
    _ccm_check(nonce, tag_len)
    mac = _ccm_mac(key, nonce, aad, plaintext, tag_len)
    s0, body = _ccm_ctr(key, nonce, plaintext)
    return body + bytes(a ^ b for a, b in zip(mac, s0, strict=False))


def sm4_ccm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes, tag_len: int = 16) -> bytes:
    _ccm_check(nonce, tag_len)
    if len(sealed) < tag_len:
        raise SealError("sealed value shorter than its tag")
    s0, plaintext = _ccm_ctr(key, nonce, sealed[:-tag_len])
    tag = bytes(a ^ b for a, b in zip(sealed[-tag_len:], s0, strict=False))
    expected = _ccm_mac(key, nonce, aad, plaintext, tag_len)
    if not compare_digest(tag, expected):
        raise SealError("sealed value does not open (wrong key or associated data, or altered)")
    return plaintext
