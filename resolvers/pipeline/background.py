"""How common a word is in everyday language, English and Chinese.

A support question about a product uses words its manual uses far more than
everyday writing does (a function, a setting, a command); a question about
something else (lunch, a printer, a game console) does not. Comparing the
two frequencies tells the one from the other for any vendor, with nothing
learnt from a particular corpus. The everyday frequencies are wordfreq's
(PyPI ``wordfreq``: Wikipedia, subtitles, news, books, web text and more;
code MIT, data CC BY-SA 4.0), looked up by surface word, lower-cased.

Only words at least as common as ``MIN_FREQUENCY`` are kept in memory (about
96,000 English and 120,000 Chinese words, some 30 MB): rarer ones count as
that rare, which is all a comparison needs and a third of the full table.
"""

from __future__ import annotations

import math
from functools import lru_cache

from extractors.text.segment import has_cjk

MIN_FREQUENCY = 1e-7  # Zipf 2: about once in ten million words
_FLOOR = math.log10(MIN_FREQUENCY)


@lru_cache(maxsize=2)
def _table(lang: str) -> dict[str, int]:
    """word -> frequency in centibels (100 * log10), read straight from the
    packed list (wordfreq's own frequency dict would be a second copy)."""
    import wordfreq

    bins = wordfreq.read_cBpack(wordfreq.available_languages("best")[lang])
    low = round(100 * _FLOOR)
    return {w: -cb for cb, words in enumerate(bins) if -cb >= low for w in words}


def log_frequency(surface: str) -> float:
    """log10 of the word's everyday frequency (at most 0; unknown words get the floor)."""
    word = surface.lower()
    cb = _table("zh" if has_cjk(word) else "en").get(word)
    return cb / 100 if cb is not None else _FLOOR


def floor() -> float:
    return _FLOOR
