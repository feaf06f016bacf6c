"""The partial masking style: what a reader whose role may not see personal data gets."""

from __future__ import annotations

import pytest

from extractors.text.masking import mask


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("ring 13912345678 today", "ring 139****5678 today"),
        ("ring 139.1234.5678", "ring 139.****.5678"),
        ("ring １３９１２３４５６７８", "ring 139****5678"),
        ("mobile13912345678", "mobile139****5678"),
        ("id 11010519491231002X", "id 110***********002X"),
        ("id 440304 19900307 123X", "id 440*** ******** 123X"),
        ("card 6217.0012.3456.7890", "card 6217.****.****.7890"),
        ("write to dana.lee@example.com", "write to d***@example.com"),
        ("error 40P01 in 15.4 at 10:20", "error 40P01 in 15.4 at 10:20"),
    ],
)
def test_partial_style_keeps_the_ends(text: str, shown: str) -> None:
    assert mask(text, "partial") == shown


def test_tag_style_is_still_the_default() -> None:
    assert mask("ring 13912345678, dana@example.com") == "ring [PHONE], [EMAIL]"
