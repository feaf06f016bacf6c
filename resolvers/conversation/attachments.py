"""A message's attachments: checked by content, read into text the pipeline links.

A screenshot (PNG, JPEG, GIF, BMP, TIFF, WebP: Pillow names the format from
the bytes, whatever the file is called) goes through OCR
(``extractors/images``); a text file (UTF-8, or UTF-16 with its byte-order
mark) is a pasted log or stack trace: its stack traces
(``extractors/traces``) and its telling lines (an error level, an error code)
are kept, and each telling line is matched against the log templates mined
from ingested logs (``extractors/logs/matching.py``, the miner's own reading
and masking): a matched template's error codes, products and components join
what the attachment shows, so a line whose template is known to mention a
code reaches that code even when the pasted line does not say it. Anything
else, an empty file, or a file over the size limit is refused with an error
naming the attachment and what is wrong. What is read joins the turn's text
for analysis, so codes, traces and products found in an attachment reach the
knowledge as typed text does. The text a finding keeps is masked (IP
addresses too, as in tickets); the clear read text is only ever stored
sealed (``turn_text.py``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence

from PIL import Image, UnidentifiedImageError

from extractors.logs.matching import KnownTemplate, TemplateMatcher
from extractors.records import ExtractionError
from extractors.text.codes import find_codes
from extractors.text.masking import mask
from extractors.traces.stacktrace import find_traces
from resolvers.conversation.records import Attachment, Finding

IMAGE_FORMATS = frozenset({"PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"})
MAX_TELLING_LINES = 20
MAX_FINDING_CHARS = 1500
# A log line worth reading: an error level or failure word (a code is found by shape).
_TELLING = re.compile(
    r"\b(error|err|fatal|critical|crit|panic|severe|exception|fail(ed|ure)?|denied|refused|"
    r"timeout|timed out)\b|错误|异常|失败|超时|拒绝",
    re.IGNORECASE,
)
# What a refused file looks like, to say so (first bytes).
_KNOWN = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"MZ", "a Windows executable"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)


class BadAttachment(ValueError):
    def __init__(self, name: str, problem: str) -> None:
        self.name, self.problem = name, problem
        super().__init__(f"attachment {name!r}: {problem}")


def _image_format(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return str(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    except Image.DecompressionBombError:
        return "BOMB"


def _text(data: bytes) -> str | None:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if "\x00" in text or controls > len(text) / 100 else text


def sniff(attachment: Attachment, max_bytes: int) -> str:
    """``"image"`` or ``"text"``; BadAttachment for anything else."""
    data, name = attachment.data, attachment.name
    if not data:
        raise BadAttachment(name, "is empty")
    if len(data) > max_bytes:
        raise BadAttachment(
            name, f"is {len(data)} bytes, over the limit of {max_bytes} bytes "
            "(GRAPHDESK_MAX_UPLOAD_BYTES)",
        )  # fmt: skip
    fmt = _image_format(data)
    if fmt == "BOMB":
        raise BadAttachment(name, "is an image too large to decode")
    if fmt:
        if fmt not in IMAGE_FORMATS:
            raise BadAttachment(
                name, f"is a {fmt} image; screenshots are accepted as "
                f"{', '.join(sorted(IMAGE_FORMATS))}",
            )  # fmt: skip
        return "image"
    seems = next((what for magic, what in _KNOWN if data.startswith(magic)), None)
    if seems is None and _text(data) is not None:
        return "text"
    raise BadAttachment(
        name, f"is {seems or 'binary data'}; only screenshots (PNG, JPEG ...) and text "
        "logs or stack traces (UTF-8) are accepted",
    )  # fmt: skip


def _telling_lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and (_TELLING.search(line) or any(m.strong for m in find_codes(line))):
            out.append(line)
            if len(out) >= MAX_TELLING_LINES:
                break
    return out


def read(
    attachment: Attachment, max_bytes: int, templates: TemplateMatcher | None = None
) -> Finding:
    """What one attachment shows; BadAttachment when it cannot be used."""
    kind = sniff(attachment, max_bytes)
    matched: list[KnownTemplate] = []
    template_codes: list[str] = []
    if kind == "image":
        from extractors.images.ocr import ocr_image  # Tesseract: only when an image comes

        try:
            text = ocr_image(attachment.data, name=attachment.name).text
        except ExtractionError as exc:
            problem = str(exc).removeprefix(attachment.name + ": ")
            raise BadAttachment(attachment.name, problem) from None
    else:
        full = _text(attachment.data) or ""
        traces = find_traces(full)
        parts = [t.raw for t in traces if t.raw]
        telling = _telling_lines(full)
        parts += [ln for ln in telling if not any(ln in p for p in parts)]
        text = "\n".join(parts) if parts else full
        found = [(ln, templates.match(ln)) for ln in telling] if templates is not None else []
        for line, t in found:
            if t is None:
                continue
            if all(t.id != m.id for m in matched):
                matched.append(t)
            # A line that names its own code keeps it: a template's codes come from
            # other lines, which may have printed another code at that position.
            if not any(m.strong for m in find_codes(line)):
                template_codes.extend(t.codes)
    clear = text.strip()
    text = mask(clear, ips=True)
    traces = find_traces(text)
    codes = [m.code for m in find_codes(text) if m.strong]
    codes += template_codes
    return Finding(
        name=attachment.name,
        kind=kind,
        text=text[:MAX_FINDING_CHARS],
        codes=list(dict.fromkeys(codes)),
        traces=[f"{t.language} {t.exception_type}".strip() for t in traces],
        templates=[t.id for t in matched],
        products=list(dict.fromkeys(p for t in matched for p in t.products)),
        components=list(dict.fromkeys(c for t in matched for c in t.components)),
        clear=clear[:MAX_FINDING_CHARS],
    )


def read_all(
    attachments: Sequence[Attachment], max_bytes: int, max_count: int,
    templates: Callable[[], TemplateMatcher] | None = None,
) -> list[Finding]:  # fmt: skip
    """What each attachment shows; ``templates`` loads the known log templates,
    called once and only when a text file comes."""
    if len(attachments) > max_count:
        raise BadAttachment(
            f"{len(attachments)} files", f"are more than the limit of {max_count} per message"
        )
    # Every file is checked before any is read: one bad file refuses the message.
    kinds = [sniff(a, max_bytes) for a in attachments]
    known = templates() if templates is not None and "text" in kinds else None
    return [read(a, max_bytes, known) for a in attachments]
