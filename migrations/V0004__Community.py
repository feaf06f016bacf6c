"""Community Q&A: unique ids, lookup by source, full-text search over threads."""

from graph.dialect import Dialect

KEYED = ["Thread", "Question", "Answer"]


def statements(dialect: Dialect) -> list[str]:
    out = [dialect.unique_id(label) for label in KEYED]
    out += [dialect.property_index(label, "source") for label in KEYED]
    out.append(dialect.fulltext_index("Thread", "search"))
    return out
