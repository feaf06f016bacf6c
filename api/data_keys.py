"""The key ring that seals personal data, from the settings (``extractors/text/crypto/keys.py``).

``GRAPHDESK_DATA_KEY_FILE`` (a key file, not readable by group or others in
production) or ``GRAPHDESK_DATA_KEYS`` (``lookup:HEX,1:HEX,...``); in
development with neither, ``data-keys.json`` in the data directory, created
0600 on first use, like the token secret's ``secret.key``
(``api/signing_key.py``). Production with neither refuses with a
ConfigError saying what to set; so do a malformed ring and an exposed file.
"""

from __future__ import annotations

from api.settings import ConfigError, Settings
from extractors.text.crypto.following import FollowingSealer
from extractors.text.crypto.keys import KeyConfigError, KeySource, load_keys
from extractors.text.crypto.sealer import Sealer


def key_source(settings: Settings) -> KeySource:
    inline = settings.data_keys.get_secret_value() if settings.data_keys is not None else None
    try:
        return load_keys(
            settings.data_key_file, inline, settings.data_dir.expanduser(), settings.development
        )
    except KeyConfigError as exc:
        raise ConfigError(str(exc)) from None


def sealer(settings: Settings) -> Sealer:
    """The sealer of the configured ring (ingest seals with it, resolvers open); from
    a key file, one that follows the file, so a running server takes up a rotation
    (``extractors/text/crypto/following.py``)."""
    source = key_source(settings)
    if source.file is None:
        return Sealer(source.ring)
    return FollowingSealer(source.file, source.ring, production=not settings.development)
