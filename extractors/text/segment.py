"""Text segmentation shared by indexing and querying.

Both backends index a pre-segmented ``search`` field (lower-case tokens
separated by spaces, no stemming or stop words of their own), so search
behaves the same on FalkorDB and Neo4j. Here: Chinese runs go through jieba
(search mode), English words are Snowball-stemmed, and identifiers such as
``max_locks_per_transaction``, ``pg_dump``, ``40P01`` or ``NDB-1001`` are
kept whole (and, for snake_case, also split into their words).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from operator import itemgetter

import Stemmer

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(rf"[{_CJK}]")

EN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "did",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "also",
        "about",
        "any",
        "all",
        "some",
        "such",
        "only",
        "own",
        "same",
        "too",
        "very",
        "just",
        "more",
        "most",
        "other",
        "its",
        "itself",
        "one",
        "use",
        "using",
        "used",
        # what is left of a contraction once the apostrophe splits it (don't -> don, t)
        "don",
        "doesn",
        "didn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "won",
        "wouldn",
        "shouldn",
        "couldn",
        "haven",
        "hasn",
        "t",
        "ll",
        "ve",
    ]
)
ZH_STOP = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "么",
        "是",
        "在",
        "和",
        "与",
        "或",
        "及",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "这",
        "那",
        "这个",
        "那个",
        "怎么",
        "怎样",
        "如何",
        "什么",
        "为什么",
        "哪些",
        "哪个",
        "一个",
        "有",
        "没有",
        "要",
        "会",
        "能",
        "可以",
        "应该",
        "请问",
        "一下",
        "一些",
        "时",
        "时候",
        "上",
        "下",
        "中",
        "里",
        "用",
        "把",
        "被",
        "让",
        "给",
        "对",
        "从",
        "到",
        "就",
        "都",
        "也",
        "还",
        "又",
        "很",
        "最",
        "更",
        "得",
        "地",
        "着",
        "过",
        "个",
        "呀",
        "嘛",
        "之",
        "其",
    ]
)

_stemmer = Stemmer.Stemmer("english")
_jieba_lock = threading.Lock()
_jieba_ready = False
# Words taught before jieba was first needed: loading its dictionary takes
# about a second, which an English-only ingest or query need not pay, so the
# words wait here and are added when the first Chinese text is segmented.
_pending_words: list[str] = []


def _jieba() -> object:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                for w in _pending_words:
                    jieba.add_word(w, freq=20000)
                _pending_words.clear()
                _jieba_ready = True
    return jieba


def add_words(words: Iterable[str]) -> None:
    """Teach jieba domain terms (the glossary's Chinese names) so they stay whole."""
    chinese = [w for w in words if len(w) >= 2 and _CJK_RUN.search(w)]
    with _jieba_lock:
        if not _jieba_ready:
            _pending_words.extend(chinese)
            return
    jieba = _jieba()
    for w in chinese:
        jieba.add_word(w, freq=20000)  # type: ignore[attr-defined]
    _cjk_tokens.cache_clear()


def has_cjk(text: str) -> bool:
    return _CJK_RUN.search(text) is not None


# A text's language is told by its beginning: enough letters to be sure, and the
# cost of one long section does not grow with its length.
LANGUAGE_SAMPLE = 4000


def language(text: str) -> str:
    """'zh' when a noticeable share of the letters are Chinese, else 'en'."""
    text = text[:LANGUAGE_SAMPLE]
    cjk = len(_CJK_RUN.findall(text))
    if not cjk:
        return "en"  # without counting the letters
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk * 3 >= latin * 0.5 else "en"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


@lru_cache(maxsize=8192)
def _cjk_tokens(run: str) -> tuple[str, ...]:
    jieba = _jieba()
    return tuple(jieba.lcut_for_search(run))  # type: ignore[attr-defined]


# Tokens: vendor codes like NDB-1001, Chinese runs, words and identifiers
# (v3.0.1 whole). A match alone says which one it is (a code has a '-', a
# Chinese run starts with a CJK character, a word neither), so each distinct
# match is looked up once (``_PairsOf``).
_MATCHES = re.compile(
    rf"\b[A-Za-z]{{2,5}}-\d{{3,5}}\b"  # vendor codes like NDB-1001
    rf"|[{_CJK}]+"
    r"|[A-Za-z0-9_]+(?:\.[0-9]+)*"
)
_CACHE_MAX = 200_000


class _PairsOf(dict[str, tuple[tuple[str, str], ...]]):
    """(surface, token) pairs of one match, computed on first use.

    Bounded: the lower-casing and stemming are paid once per distinct word, not
    once per use, and the lookups run inside ``map`` at C speed. Chinese runs
    are not kept here: their tokens depend on the words jieba has been taught
    (``_cjk_tokens`` keeps them, and forgets them when that changes).
    """

    def __missing__(self, match: str) -> tuple[tuple[str, str], ...]:
        if match[0] >= "\u3400":
            return tuple((t, t) for t in _cjk_tokens(match) if t.strip())
        low = match.lower()
        if "-" in match:  # a vendor code: NDB-1001 -> ndb_1001
            pairs = ((low, low.replace("-", "_")),)
        else:
            # '.' splits words in RediSearch's own tokenizer: v3.0.1 -> v3_0_1
            pairs = ((low, stem(low)) if low.isalpha() else (low, low.replace(".", "_")),)
        if len(self) < _CACHE_MAX:
            self[match] = pairs
        return pairs


_PAIRS_OF = _PairsOf()


def token_pairs(text: str) -> list[tuple[str, str]]:
    """(surface, token) pairs in order: lower-cased surface, stemmed token."""
    return list(chain.from_iterable(map(_PAIRS_OF.__getitem__, _MATCHES.findall(text))))


def raw_tokens(text: str) -> list[str]:
    """Tokens in order, stems applied, stop words kept (for phrase matching)."""
    return list(map(itemgetter(1), token_pairs(text)))


def index_tokens(text: str) -> list[str]:
    """Tokens for the search field: stop words dropped, snake_case also split."""
    return index_tokens_of(token_pairs(text))


def index_tokens_of(pairs: list[tuple[str, str]]) -> list[str]:
    """``index_tokens`` of a text already split by ``token_pairs``."""
    return list(chain.from_iterable(map(_INDEX_TOKENS_OF.__getitem__, pairs)))


class _IndexTokensOf(dict[tuple[str, str], tuple[str, ...]]):
    """The search-field tokens of one (surface, token) pair, computed on first use
    (bounded, like ``_PairsOf``): none for a stop word, the token, and for
    snake_case also its words."""

    def __missing__(self, pair: tuple[str, str]) -> tuple[str, ...]:
        surface, tok = pair
        out: tuple[str, ...] = ()
        if not (surface in EN_STOP or surface in ZH_STOP):
            out = (tok,)
            if "_" in tok and not re.fullmatch(r"[a-z]{2,5}_\d{3,5}", tok):
                out += tuple(stem(p) for p in tok.split("_") if p and p not in EN_STOP)
        if len(self) < _CACHE_MAX:
            self[pair] = out
        return out


_INDEX_TOKENS_OF = _IndexTokensOf()


def search_field(*parts: tuple[str, int]) -> str:
    """Build a search field from (text, weight) parts; weight repeats tokens.

    Repetition is a crude field boost that both backends' scorers honour the
    same way (titles count more than body text).
    """
    return search_field_of(*((token_pairs(text), weight) for text, weight in parts))


def search_field_of(*parts: tuple[list[tuple[str, str]], int]) -> str:
    """``search_field`` of texts already split by ``token_pairs``."""
    tokens: list[str] = []
    for pairs, weight in parts:
        toks = index_tokens_of(pairs)
        for _ in range(weight):
            tokens.extend(toks)
    return " ".join(tokens)


_WORDS = re.compile(r"[a-z0-9_]+")


def token_set(text: str) -> set[str]:
    """Cheap set of search tokens for comparing sentences with a question.

    Same stems as ``index_tokens`` for English words (the stemmer is cached),
    without its ordering and splitting work; Chinese text takes the full path.
    """
    if has_cjk(text):
        return set(index_tokens(text))
    return {stem(w) if w.isalpha() else w for w in _WORDS.findall(text.lower())}


_PHRASE_PIECES = re.compile(rf"[{_CJK}]|[^{_CJK}]+")


def phrase_tokens(text: str) -> list[str]:
    """Tokens in order for matching a phrase: English words and identifiers as
    ``raw_tokens`` gives them (stems, stop words kept), Chinese one character at
    a time (jieba may cut a phrase alone differently from the same phrase inside
    a longer sentence; characters do not move)."""
    out: list[str] = []
    for piece in _PHRASE_PIECES.findall(text):
        if _CJK_RUN.match(piece):
            out.append(piece)
        else:
            out.extend(raw_tokens(piece))
    return out
