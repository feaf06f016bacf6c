"""SM cryptography for personal data at storage (issue 9, item 4).

Below ``extractors/`` and ``resolvers/``, above ``graph/``; no Cypher here
(the rotation's statements are in ``graph/queries/sealed.py``):

- :mod:`extractors.text.crypto.primitives` -- SM4-GCM, SM4-CCM, SM3, HMAC-SM3 and HKDF-SM3,
  all from the ``cryptography`` package (CCM composed from its SM4 CTR and
  CBC, as RFC 3610 defines it, since the package has no SM4-CCM).
- :mod:`extractors.text.crypto.keys` -- the key ring: versioned encryption keys and the
  lookup secret, from a key file or the environment, and the subkeys
  derived from them.
- :mod:`extractors.text.crypto.sealer` -- the one write path of personal data: clear values
  sealed under the current key version, the blind index, keyed customer ids;
  and opening them again at read.
- :mod:`extractors.text.crypto.blind_index` -- normalising a value by its shape before it is
  keyed (digits of a phone or card, lower-case e-mail, upper-case ID card).
- :mod:`extractors.text.crypto.rotation` -- ``graphdesk keys rotate`` and ``keys status``.
- :mod:`extractors.text.crypto.following` -- a sealer whose ring follows its key file, so
  running servers take up a rotation.
"""
