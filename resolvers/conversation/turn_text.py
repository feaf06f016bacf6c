"""How a turn's text is stored and read back: the one place for it.

Personal data is masked before anything is stored, as for tickets
(``extractors/text/masking.py``). Field encryption (issue 9) hooks in here:
``stored`` is applied to every text a Turn keeps, ``shown`` to every text
read back, and nothing else writes or reads a turn's text.
"""

from __future__ import annotations

from extractors.text.masking import mask


def stored(text: str) -> str:
    return mask(text)


def shown(value: str | None) -> str:
    return value or ""
