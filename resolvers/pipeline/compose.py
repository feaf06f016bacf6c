"""The extractive answer: composed from the cited facts, quoted verbatim.

What an agent could send as it is:

- an error code: what it means, its likely causes, and every step of its fix,
  in order;
- an earlier fix (a resolved ticket with the same trace or code): its steps;
- a how-to or a question about the product: the passage of the best section
  that answers it, whole sentences only, and the steps of a numbered list
  when the section has one;
- further sources as a "see also" line of titles, not as more quotes.

Sentences are quoted word for word (a manual's hard-wrapped lines are joined
first, so no word is lost), never repeated, and the frame around them is in
the question's language. When the quote is in the other language, the
answer says so. A code the graph does not know is said to be unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.records import ROW_SEPARATOR
from extractors.text.segment import has_cjk, language, token_set
from resolvers.pipeline.question import Question
from resolvers.pipeline.retrieval import Candidate

PASSAGE_CHARS = 700  # one passage: enough for a paragraph, short enough to read
MAX_SEE_ALSO = 3
SPEC_PAGES = 3  # a spec question's value is looked for in the tables of this many pages
SCAN_CHARS = 20000

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+(?=\S)|(?<=[。！？])(?=\S)")
_STEP = re.compile(r"^\s*(?:\d{1,2}[.)、]|[-*•])\s+(.+)$")
_CODE_START = re.compile(r"^\s*(?:import|from|const|let|var|def|class|return|function|\$|#|//|<)\W")
_CODE_CHARS = re.compile(r"[{}();=<>\[\]$|&]")

FRAME = {
    "en": {
        "none": "No matching knowledge was found. Try rephrasing, or include the error code "
        "and the full error message.",
        "unknown": "Error code {codes} is not in the knowledge base, so it cannot be "
        "explained from it. Check the code, or pass the full message to a support engineer.",
        "means": "{code} means: {message}",
        "causes": "Likely causes:",
        "steps": "Steps:",
        "fix": "An earlier fix for the same problem [{n}]:",
        "see": "See also: {items}.",
        "other_language": "(quoted from a Chinese source)",
        "unsure": "The knowledge base may not answer this question. The closest match "
        "follows; if it does not help, a support engineer can take over.",
    },
    "zh": {
        "none": "没有找到相关资料。请换一种说法，或提供错误码和完整报错信息。",
        "unknown": "知识库中没有错误码 {codes} 的记录，无法据此解释。请核对错误码，"
        "或把完整报错信息转给技术支持人员。",
        "means": "{code} 的含义：{message}",
        "causes": "可能的原因：",
        "steps": "处理步骤：",
        "fix": "此前同类问题的解决办法 [{n}]：",
        "see": "另见：{items}。",
        "other_language": "（以下引自英文资料）",
        "unsure": "知识库中可能没有这个问题的答案。下面是最接近的资料；"
        "如果没有帮助，可以转人工客服处理。",
    },
}


def normalised(text: str) -> str:
    """Whitespace-insensitive form for comparing a quote with its source: runs of
    whitespace become one space, and none is kept between two CJK characters
    (a hard-wrapped Chinese line joins without one)."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def _join_lines(paragraph: str) -> str:
    lines = [x.strip() for x in paragraph.splitlines() if x.strip()]
    out = ""
    for line in lines:
        if out and not (has_cjk(out[-1]) and has_cjk(line[0])):
            out += " "
        out += line
    return out


def paragraphs(text: str) -> list[str]:
    """Paragraphs with their hard-wrapped lines joined; list items stay apart."""
    out: list[str] = []
    for block in _PARAGRAPH.split(text[:SCAN_CHARS]):
        lines = block.splitlines()
        if sum(1 for x in lines if _STEP.match(x)) >= 2:
            out.extend(x.strip() for x in lines if x.strip())
        elif block.strip():
            out.append(_join_lines(block))
    return out


def is_prose(paragraph: str) -> bool:
    """Sentences, not a code example or a table row: enough words, few code symbols."""
    if ROW_SEPARATOR in paragraph:
        return False
    words = paragraph.split()
    if not (len(words) >= 4 or has_cjk(paragraph)) or _CODE_START.match(paragraph):
        return False
    return len(_CODE_CHARS.findall(paragraph)) <= max(2, len(paragraph) // 25)


def sentences(text: str) -> list[str]:
    """Whole sentences of the prose paragraphs of ``text``, in order."""
    return [s for s, _ in _split(text)]


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Sentences with their tokens. Cached: the same sections are cited again
    and again, and splitting a long one costs more than ranking it."""
    out: list[tuple[str, frozenset[str]]] = []
    for p in paragraphs(text):
        if is_prose(p):
            parts = (s.strip() for s in _SENTENCE_END.split(p))
            out.extend((x, frozenset(token_set(x))) for x in parts if x)
    return tuple(out)


def steps_of(text: str) -> list[str]:
    """The items of the first numbered or bulleted list of ``text``, if any."""
    items: list[str] = []
    for block in _PARAGRAPH.split(text[:SCAN_CHARS]):
        lines = [x for x in block.splitlines() if x.strip()]
        found = [m.group(1).strip() for x in lines if (m := _STEP.match(x))]
        if len(found) >= 2 and len(found) * 2 >= len(lines):
            items.extend(found)
        elif items:
            break
    return items


def passage(text: str, tokens: set[str], limit: int = PASSAGE_CHARS) -> list[str]:
    """The run of consecutive sentences that best answers: it starts at the
    sentence sharing most of the question's tokens and goes on while it fits."""
    split = _split(text)
    if not split:
        return []
    sents = [s for s, _ in split]
    best = max(range(len(split)), key=lambda i: (len(split[i][1] & tokens), -i))
    out = [sents[best]]
    size = len(sents[best])
    for s in sents[best + 1 :]:
        if size + len(s) > limit:
            break
        out.append(s)
        size += len(s) + 1
    return out


def tables(text: str) -> list[list[list[str]]]:
    """The tables of a section's text (one row a line, cells apart), each a
    list of rows of cells, the header row first."""
    out: list[list[list[str]]] = []
    current: list[list[str]] = []
    for block in _PARAGRAPH.split(text[:SCAN_CHARS]):
        line = block.strip()
        cells = line.split(ROW_SEPARATOR) if ROW_SEPARATOR in line and "\n" not in line else []
        if cells and (not current or len(cells) == len(current[0])):
            current.append([c.strip() for c in cells])
            continue
        if len(current) >= 2:
            out.append(current)
        current = [[c.strip() for c in cells]] if cells else []
    if len(current) >= 2:
        out.append(current)
    return out


def _spec_row(q: Question, cited: list[Candidate]) -> tuple[str, int] | None:
    """The best table row among the first cited pages, and its citation number."""
    best: tuple[float, str, int] | None = None
    for i, c in enumerate(cited[:SPEC_PAGES], 1):
        if c.kind == "document":
            row = table_row(c.text, q.weights)
            if row and (best is None or row[0] > best[0]):
                best = (row[0], row[1], i)
    return (best[1], best[2]) if best else None


def table_row(text: str, weights: dict[str, float]) -> tuple[float, str] | None:
    """The table row that says most of the question, with its column headers
    ("max_connections per node: 5000 (3.1), 8000 (3.2)"), and how much of the
    question it says. None when no row shares a word of the question's own weight."""
    best: tuple[float, str] | None = None
    for table in tables(text):
        header = table[0]
        for row in table[1:]:
            score = sum(weights.get(t, 0.0) for t in token_set(" ".join(row)))
            if score >= 1.0 and (best is None or score > best[0]):
                values = [
                    f"{v} ({h})" if h else v for h, v in zip(header[1:], row[1:], strict=True)
                ]
                best = (score, f"{row[0]}: {', '.join(values)}")
    return best


def _without_contained(items: list[str]) -> list[str]:
    """Drop an item that another, longer one repeats word for word."""
    keys = [normalised(x) for x in items]
    return [x for x, k in zip(items, keys, strict=True)
            if not any(k != o and k in o for o in keys)]  # fmt: skip


def _numbered(items: list[str]) -> list[str]:
    return [f"{i}. {x}" for i, x in enumerate(items, 1)]


def compose(q: Question, cited: list[Candidate], confident: bool = True) -> str:
    lang = "zh" if q.language == "zh" else "en"
    f = FRAME[lang]
    if q.unknown_codes and not any(c.kind == "error_code" for c in cited):
        return f["unknown"].format(codes=", ".join(q.unknown_codes))
    if not cited:
        return f["none"]
    first = cited[0]
    lines: list[str] = [] if confident else [f["unsure"]]
    quoted: set[str] = set()

    def quote(text: str) -> str | None:
        key = normalised(text)
        if not key or key in quoted:
            return None
        quoted.add(key)
        return text

    if (first.language or language(first.text or first.title)) != lang and first.kind != "ticket":
        lines.append(f["other_language"])
    if first.kind == "error_code":
        code = first.code or first.title
        label = f"{code} ({first.name})" if first.name and first.name != code else code
        if first.message and quote(first.message):
            lines.append(f["means"].format(code=label, message=first.message) + " [1]")
        else:
            lines.append(f"{label} [1]")
        causes = [c for c in _without_contained(first.causes) if quote(c)]
        if causes:
            lines += [f["causes"], *(f"- {c}" for c in causes)]
        steps = [s for s in first.steps if quote(s)]
        if steps:
            lines += [f["steps"], *_numbered(steps)]
    elif first.kind in ("solution", "ticket") and first.steps:
        lines.append(f["fix"].format(n=1))
        lines += _numbered([s for s in first.steps if quote(s)])
    else:
        tokens = set(q.tokens)
        found = _spec_row(q, cited) if q.intent == "spec" else None
        if found and quote(found[0]):  # a parameter's value, with its column headers
            lines.append(f"{found[0]} [{found[1]}]")
        body = [s for s in passage(first.text, tokens) if quote(s)]
        if body:
            lines.append(" ".join(body) + " [1]")
        steps = [s for s in steps_of(first.text) if quote(s)]
        if steps:
            lines += [f["steps"], *_numbered(steps)]
        if not body and not steps:
            lines.append(f"{first.title} [1]")
    # A fix from a ticket with the same trace answers better than a page: show it too.
    for i, c in enumerate(cited[1:], 2):
        if c.kind == "solution" and c.steps and first.kind != "solution":
            steps = [s for s in c.steps if quote(s)]
            if steps:
                lines += [f["fix"].format(n=i), *_numbered(steps)]
            break
    others = [f"[{i}] {c.title}" for i, c in enumerate(cited[1:], 2) if c.title]
    if others:
        sep = "；" if lang == "zh" else "; "
        lines.append(f["see"].format(items=sep.join(others[:MAX_SEE_ALSO])))
    return "\n".join(lines)
