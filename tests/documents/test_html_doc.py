"""Sections of HTML pages: a long list of <dt> entries becomes one section per entry."""

from __future__ import annotations

from extractors.documents.html import LONG_SECTION, MIN_ENTRY, parse_html


def _entry(name: str, words: int, anchor: str | None = None) -> str:
    dt = f'<dt id="{anchor}">{name}</dt>' if anchor else f"<dt>{name}</dt>"
    body = " ".join(f"{name.split('.')[-1]}word{i}" for i in range(words))
    return f"{dt}<dd><p>{body}.</p></dd>"


def _page(entries: str) -> bytes:
    return (
        "<html><head><title>settings(5)</title></head><body>"
        '<h2 id="vars">Variables</h2><p>The variables the tool reads.</p>'
        f"<dl>{entries}</dl><h2 id='files'>FILES</h2><p>Where they live.</p></body></html>"
    ).encode()


def test_long_list_of_entries_is_split_one_section_per_entry() -> None:
    entries = "".join(
        _entry(f"core.option{i}", 60, f"opt{i}" if i % 2 else None) for i in range(12)
    )
    src = parse_html(_page(entries), "settings.html")
    titles = [s.title for s in src.sections]
    assert titles[0] == "Variables" and titles[-1] == "FILES"
    assert [t for t in titles if t.startswith("core.")] == [f"core.option{i}" for i in range(12)]
    by_title = {s.title: s for s in src.sections}
    assert "The variables the tool reads." in by_title["Variables"].text
    odd, even = by_title["core.option3"], by_title["core.option4"]
    # an entry with its own anchor links to it; one without links to its section
    assert odd.uri == "settings.html#opt3" and odd.id.endswith("#opt3")
    assert even.uri == "settings.html#vars"
    assert even.heading_path[-2:] == ["Variables", "core.option4"]
    assert "option4word59" in even.text and "option5word0" not in even.text
    assert len({s.id for s in src.sections}) == len(src.sections)
    # nothing is lost: every word of every entry is in some section
    every = " ".join(s.text for s in src.sections)
    assert all(f"option{i}word59" in every for i in range(12))


def test_short_list_stays_one_section() -> None:
    src = parse_html(_page(_entry("a.b", 5) + _entry("c.d", 5)), "short.html")
    assert [s.title for s in src.sections] == ["Variables", "FILES"]
    assert len(src.sections[0].text) < LONG_SECTION


def test_entries_too_short_to_stand_alone_stay_with_the_one_before() -> None:
    entries = "".join(_entry(f"k.long{i}", 70) + f"<dt>k.tiny{i}</dt><dd>on</dd>" for i in range(8))
    src = parse_html(_page(entries), "mixed.html")
    titles = [s.title for s in src.sections]
    assert not any(t.startswith("k.tiny") for t in titles)
    assert sum(t.startswith("k.long") for t in titles) == 8
    assert all(len(s.text) >= MIN_ENTRY for s in src.sections if s.title.startswith("k."))
    assert "k.tiny3" in next(s.text for s in src.sections if s.title == "k.long3")
