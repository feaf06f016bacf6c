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

import Stemmer

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(
    rf"(?P<code>\b[A-Za-z]{{2,5}}-\d{{3,5}}\b)"  # vendor codes like NDB-1001
    rf"|(?P<cjk>[{_CJK}]+)"
    r"|(?P<word>[A-Za-z0-9_]+(?:\.[0-9]+)*)"
)
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


def _jieba() -> object:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba_ready = True
    return jieba


def add_words(words: Iterable[str]) -> None:
    """Teach jieba domain terms (the glossary's Chinese names) so they stay whole."""
    jieba = _jieba()
    for w in words:
        if len(w) >= 2 and _CJK_RUN.search(w):
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
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk and cjk * 3 >= latin * 0.5 else "en"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


@lru_cache(maxsize=8192)
def _cjk_tokens(run: str) -> tuple[str, ...]:
    jieba = _jieba()
    return tuple(jieba.lcut_for_search(run))  # type: ignore[attr-defined]


# (surface, token) of each distinct English word or identifier, bounded: the
# regex, lower-casing and stemming are paid once per word, not once per use.
_WORD_PAIRS: dict[str, tuple[str, str]] = {}
_WORD_PAIRS_MAX = 200_000


def token_pairs(text: str) -> list[tuple[str, str]]:
    """(surface, token) pairs in order: lower-cased surface, stemmed token."""
    out: list[tuple[str, str]] = []
    add, known = out.append, _WORD_PAIRS.get
    for code, cjk, word in _TOKEN.findall(text):
        if word:
            pair = known(word)
            if pair is None:
                low = word.lower()
                # '.' splits words in RediSearch's own tokenizer: v3.0.1 -> v3_0_1
                pair = (low, stem(low)) if low.isalpha() else (low, low.replace(".", "_"))
                if len(_WORD_PAIRS) < _WORD_PAIRS_MAX:
                    _WORD_PAIRS[word] = pair
            add(pair)
        elif code:
            low = code.lower()
            add((low, low.replace("-", "_")))
        else:
            out.extend((t, t) for t in _cjk_tokens(cjk) if t.strip())
    return out


def raw_tokens(text: str) -> list[str]:
    """Tokens in order, stems applied, stop words kept (for phrase matching)."""
    return [tok for _, tok in token_pairs(text)]


def index_tokens(text: str) -> list[str]:
    """Tokens for the search field: stop words dropped, snake_case also split."""
    return index_tokens_of(token_pairs(text))


def index_tokens_of(pairs: list[tuple[str, str]]) -> list[str]:
    """``index_tokens`` of a text already split by ``token_pairs``."""
    out: list[str] = []
    for surface, tok in pairs:
        if surface in EN_STOP or surface in ZH_STOP:
            continue
        out.append(tok)
        if "_" in tok and not re.fullmatch(r"[a-z]{2,5}_\d{3,5}", tok):
            out.extend(stem(p) for p in tok.split("_") if p and p not in EN_STOP)
    return out


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
