"""Turning retrieved facts into an answer: extractive, or written by an LLM.

The extractive answer quotes the best sentences of the cited facts, with
their citation numbers. The LLM answer is written from the same facts only,
through a prompt template that declares its inputs; the model sits behind
LangChain's chat-model interface, so tests use LangChain's fake chat models.
"""

from __future__ import annotations

import re

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate

from extractors.text.segment import token_set
from resolvers.pipeline.records import Citation

PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "You are a technical support assistant. Answer ONLY from the numbered facts "
            "below. Cite facts by their number in square brackets, like [1]. If the facts "
            "do not answer the question, say so. Answer in the language of the question "
            "({language}).\n\nFacts:\n{facts}",
        ),
        ("human", "{question}"),
    ]
)

SCAN_CHARS = 6000
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")


def snippet(text: str, question_tokens: set[str], limit: int = 300) -> str:
    """The passage of ``text`` that shares most tokens with the question."""
    # The opening of a section is where its answer usually is; long reference
    # pages would otherwise cost most of an answer's time here.
    sentences = [s.strip() for s in _SENTENCE.split(text[:SCAN_CHARS]) if len(s.strip()) > 20]
    if not sentences:
        return text[:limit].strip()
    best_i = max(
        range(len(sentences)),
        key=lambda i: (len(token_set(sentences[i]) & question_tokens), -i),
    )
    out = sentences[best_i]
    j = best_i + 1
    while j < len(sentences) and len(out) + len(sentences[j]) < limit:
        out += " " + sentences[j]
        j += 1
    return out[:limit].rstrip() + ("…" if len(out) > limit else "")


def facts_block(citations: list[Citation]) -> str:
    return "\n".join(
        f"[{i}] ({c.kind}{' ' + c.code if c.code else ''}) {c.title}: {c.snippet}"
        for i, c in enumerate(citations, 1)
    )


def extractive(question: str, citations: list[Citation], language: str) -> str:
    if not citations:
        return (
            "没有找到相关资料。请换一种说法，或提供错误码和完整报错信息。"
            if language == "zh"
            else "No matching knowledge was found. Try rephrasing, or include the error "
            "code and the full error message."
        )
    lead = "根据知识库：" if language == "zh" else "From the knowledge base:"
    lines = [lead]
    for i, c in enumerate(citations[:3], 1):
        label = f"{c.title}" + (f" [{c.code}]" if c.code and c.code not in c.title else "")
        lines.append(f"[{i}] {label}: {c.snippet}")
    return "\n".join(lines)


def with_llm(model: BaseChatModel, question: str, citations: list[Citation], language: str) -> str:
    messages = PROMPT.format_messages(
        question=question, facts=facts_block(citations), language=language
    )
    reply = model.invoke(messages)
    content = reply.content
    return content if isinstance(content, str) else str(content)
