"""Screenshots (PNG, JPEG) as sources: OCR, then the same text extraction.

A screenshot becomes a Document with one Section holding the recognised text
(confidence = Tesseract's mean word confidence), so it is searchable like a
page; the error codes it shows and the stack traces in it (fingerprinted as
in tickets) are kept on the source, and the ingest links them: known error
codes by MENTIONS_CODE, traces as Symptoms, which reach earlier fixes.
"""

from __future__ import annotations

from pathlib import PurePath

from extractors.images.ocr import ocr_image
from extractors.records import ParsedSource, Section, digest
from extractors.tickets import error_codes
from extractors.traces.stacktrace import find_traces

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


def parse_image(data: bytes, uri: str) -> ParsedSource:
    name = PurePath(uri).name
    result = ocr_image(data, name=uri)
    text = result.text.strip()
    lang = "zh" if result.language_guess in ("zh", "mixed") else "en"
    source = ParsedSource(uri=uri, kind="image", hash=digest(data), title=name, lang=lang)
    source.confidence = round(result.mean_confidence, 3)
    if not text:
        source.warnings.append(f"{uri}: no text recognised in the image")
        text = name
    source.sections = [
        Section(id=f"{source.doc_id}#s0", ordinal=0, title=name, heading_path=[name],
                anchor=None, uri=uri, text=text, lang=lang)
    ]  # fmt: skip
    source.codes = [code for code, _strong in error_codes(text)]
    source.symptoms = [
        {"id": f"symptom:{t.fingerprint}", "kind": "stacktrace", "fingerprint": t.fingerprint,
         "exception_type": t.root_cause.exception_type, "language": t.language,
         "message_template": t.root_cause.message_template}
        for t in find_traces(text)
    ]  # fmt: skip
    return source
