"""SM2 (GB/T 32918, GM/T 0003): key pairs, public-key encryption and signatures.

A typed face on gmssl-pyx (GmSSL 3.2 compiled into the wheel: about 0.6 ms
to encrypt or decrypt a key on this machine, where pure-Python ``gmssl`` is
too slow for a request path). Keys are raw: public 64 bytes (x || y),
private 32; ciphertexts are DER ``SM2Cipher`` (C1 C3 C2, GM/T 0009) and
signatures DER (r, s), as GmSSL writes them. Signatures include the signer's
Z value with the default id ``1234567812345678`` unless told otherwise.
GmSSL prints a line or two to stderr when a ciphertext does not decrypt;
that is its own trace, not graphdesk's.
"""

from __future__ import annotations

from typing import cast

import gmssl_pyx

DEFAULT_SIGNER_ID = b"1234567812345678"
MAX_PLAINTEXT = 255  # GmSSL's limit for one SM2 encryption


class SM2Error(ValueError):
    """A ciphertext that does not decrypt, or a key or input SM2 cannot use."""


def generate() -> tuple[bytes, bytes]:
    """A new key pair: (public, private)."""
    public, private = gmssl_pyx.sm2_key_generate()
    return cast(bytes, public), cast(bytes, private)


def encrypt(public_key: bytes, plaintext: bytes) -> bytes:
    try:
        return cast(bytes, gmssl_pyx.sm2_encrypt(public_key, plaintext))
    except gmssl_pyx.GmsslInnerError as exc:  # InvalidValueError is one too
        raise SM2Error(f"SM2 encryption failed: {exc}") from None


def decrypt(private_key: bytes, ciphertext: bytes) -> bytes:
    try:
        return cast(bytes, gmssl_pyx.sm2_decrypt(private_key, ciphertext))
    except gmssl_pyx.GmsslInnerError:
        raise SM2Error("the SM2 ciphertext does not decrypt with this key") from None


def sign(private_key: bytes, public_key: bytes, message: bytes,
         signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:  # fmt: skip
    return cast(bytes, gmssl_pyx.sm2_sign(private_key, public_key, message, signer_id=signer_id))


def verify(public_key: bytes, message: bytes, signature: bytes,
           signer_id: bytes = DEFAULT_SIGNER_ID) -> bool:  # fmt: skip
    try:
        return bool(gmssl_pyx.sm2_verify(public_key, message, signature, signer_id=signer_id))
    except gmssl_pyx.GmsslInnerError:
        return False  # a signature or key that does not even parse
