"""Question analysis: one value that retrieval, ranking and synthesis take in turn.

Everything a later stage needs to know about the question is worked out here,
once: its language, its search tokens and their weights (the question's own
words, error-wording expansions, English names of the linked concepts, English
for everyday Chinese words), the error codes it names (by shape, for any
vendor), pasted stack traces, the concepts and products it links to, and
whether it reports a failure; and, when the sections have embeddings, the
question's own embedding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from extractors.text.segment import has_cjk, index_tokens, language, token_pairs
from extractors.traces.model import StackTrace
from extractors.traces.stacktrace import find_traces
from resolvers.pipeline.dictionary import translations
from resolvers.pipeline.lexicon import english_words, expand
from resolvers.pipeline.linking import Linked, Linker

# Weights of dictionary translations of a Chinese question's words.
W_FIRST_SENSE = 0.3
W_OTHER_SENSE = 0.2

# Words that say something failed, in English and Chinese. A question with one
# of them (or an error code) is a problem report, so error codes may lead.
_ERROR_CUES = re.compile(
    r"error|fail|violat|denied|invalid|does not exist|not exist|could not|cannot|can't|"
    r"unable|refused|timeout|timed out|out of|too many|exceed|deadlock|conflict|duplicate|"
    r"abort|ignored|not allowed|fatal|panic|exception|crash|is full|not found|warning|"
    r"报错|错误|失败|异常|冲突|拒绝|超时|不存在|无法|不能|满了|已满|不足|死锁|提示|崩溃|警告|找不到",
    re.I,
)
_HOWTO_CUES = re.compile(
    r"\bhow\b|\bsteps?\b|\bconfigure\b|\bset ?up\b|\benable\b|\bdisable\b|\bchange\b|"
    r"怎么|怎样|如何|步骤|配置|设置|开启|关闭|修改",
    re.I,
)
# A question about one product parameter's value.
_SPEC_CUES = re.compile(
    r"\bmaximum\b|\bminimum\b|\bmax\b|\bmin\b|\blimit\b|\bdefault\b|\bhow (many|much|large|long)\b|"
    r"最大|最小|上限|下限|默认|多少|多大|多长",
    re.I,
)


@dataclass
class Question:
    text: str
    language: str
    tokens: list[str]
    weights: dict[str, float]
    own_tokens: frozenset[str]  # the question's own words, not expansions
    surfaces: dict[str, str] = field(default_factory=dict)  # own token -> word as written
    codes: list[str] = field(default_factory=list)  # named error codes, normalised
    strong_codes: list[str] = field(default_factory=list)  # codes by shape alone
    unknown_codes: list[str] = field(default_factory=list)  # strong codes the graph never names
    traces: list[StackTrace] = field(default_factory=list)
    linked: Linked = field(default_factory=Linked)
    erroneous: bool = False
    intent: str = "other"  # "error" | "howto" | "spec" | "other"
    vector: np.ndarray | None = None  # the question's embedding, when sections have theirs
    inherited: list[str] = field(default_factory=list)  # "codes", "products" from earlier turns

    @property
    def entities(self) -> list[str]:
        return self.codes + [c.id for c in self.linked.concepts] + self.linked.products


def analyse(
    text: str,
    linker: Linker,
    knows_code: Callable[[str], bool],
    embed: Callable[[str], np.ndarray] | None = None,
) -> Question:
    linked = linker.link(text)
    weights: dict[str, float] = {}
    own = index_tokens(text)
    for t in own:
        weights[t] = 1.0
    for t in index_tokens(expand(text)):
        weights.setdefault(t, 1.0)
    for c in linked.concepts:
        for t in index_tokens(c.name_en):
            weights.setdefault(t, 0.8)
    if has_cjk(text):
        for t in index_tokens(english_words(text)):
            weights.setdefault(t, 0.6)
        for word, rank in translations(own).items():
            for t in index_tokens(word):
                weights.setdefault(t, W_FIRST_SENSE if rank == 0 else W_OTHER_SENSE)
    codes = linked.codes
    erroneous = bool(codes) or bool(_ERROR_CUES.search(text))
    if erroneous:
        intent = "error"
    elif _SPEC_CUES.search(text):
        intent = "spec"
    elif _HOWTO_CUES.search(text):
        intent = "howto"
    else:
        intent = "other"
    return Question(
        text=text,
        language=language(text),
        tokens=list(weights),
        weights=weights,
        own_tokens=frozenset(own),
        surfaces={tok: surface for surface, tok in reversed(token_pairs(text))},
        codes=codes,
        strong_codes=list(linked.strong_codes),
        unknown_codes=[c for c in linked.strong_codes if not knows_code(c)],
        traces=find_traces(text),
        linked=linked,
        erroneous=erroneous,
        intent=intent,
        vector=embed(text) if embed is not None else None,
    )


# Weights of the words of what a turn inherits from earlier turns of its conversation.
W_INHERITED_CODE = 0.8
W_INHERITED_PRODUCT = 0.5


W_ATTACHED_CODE = 0.8
W_ATTACHED_NAME = 0.5  # a product's or component's name


@dataclass(frozen=True)
class Carried:
    """What earlier turns of a conversation named (error codes and product ids), or
    what a turn's attachments point to beyond their text (the codes, products and
    component names of the mined log templates their lines match)."""

    codes: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    components: tuple[str, ...] = ()


def attach(q: Question, found: Carried, product_names: dict[str, list[str]]) -> Question:
    """``q`` with what the turn's attachments point to added to its own entities:
    a pasted log line whose template is known to mention a code is about that code."""
    new_codes = [c for c in found.codes if c not in q.codes]
    if new_codes:
        q.codes = [*q.codes, *new_codes]
        q.erroneous, q.intent = True, "error"
        for code in new_codes:
            for t in index_tokens(code):
                q.weights.setdefault(t, W_ATTACHED_CODE)
    for pid in found.products:
        if pid not in q.linked.products:
            q.linked.products = [*q.linked.products, pid]
            for name in product_names.get(pid, [])[:1]:
                for t in index_tokens(name):
                    q.weights.setdefault(t, W_ATTACHED_NAME)
    for name in found.components:
        for t in index_tokens(name):
            q.weights.setdefault(t, W_ATTACHED_NAME)
    q.tokens = list(q.weights)
    return q


def inherit(q: Question, context: Carried, product_names: dict[str, list[str]]) -> Question:
    """``q`` with the context's codes where it names none, and its products
    where it links none ("it still fails on v3" is about the earlier product
    and error). By what the analysis linked, for any corpus: no word lists."""
    if not q.codes and context.codes:
        q.codes = list(context.codes)
        q.erroneous, q.intent = True, "error"
        q.inherited.append("codes")
        for code in context.codes:
            for t in index_tokens(code):
                q.weights.setdefault(t, W_INHERITED_CODE)
    if not q.linked.products and context.products:
        q.linked.products = list(context.products)
        q.inherited.append("products")
        for pid in context.products:
            for name in product_names.get(pid, [])[:1]:
                for t in index_tokens(name):
                    q.weights.setdefault(t, W_INHERITED_PRODUCT)
    q.tokens = list(q.weights)
    return q
