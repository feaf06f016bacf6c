"""Unique ids, lookup indexes and the full-text indexes, rendered per backend."""

from graph.dialect import Dialect

KEYED = ["Document", "Section", "ErrorCode", "Concept", "Product", "Source", "Spec"]


def statements(dialect: Dialect) -> list[str]:
    out = [dialect.unique_id(label) for label in KEYED]
    out += [
        dialect.property_index("Document", "source"),
        dialect.property_index("ErrorCode", "source"),
        dialect.property_index("ErrorCode", "code"),
        dialect.property_index("Migration", "version"),
        dialect.fulltext_index("Section", "search"),
        dialect.fulltext_index("ErrorCode", "search"),
    ]
    return out
