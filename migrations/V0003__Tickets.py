"""Tickets, their messages, customers and symptoms: ids, sources, ticket search.

Solutions already exist (error codes' fixes, no id index yet); ticket
solutions are merged and replaced by id and source, so both get an index
(a plain index, not a uniqueness constraint, so existing data cannot fail it).
"""

from graph.dialect import Dialect

KEYED = ["Ticket", "Message", "Customer", "Symptom"]


def statements(dialect: Dialect) -> list[str]:
    out = [dialect.unique_id(label) for label in KEYED]
    out += [dialect.property_index(label, "source") for label in KEYED]
    out += [
        dialect.property_index("Solution", "id"),
        dialect.property_index("Solution", "source"),
        dialect.property_index("Symptom", "kind"),
        dialect.fulltext_index("Ticket", "search"),
    ]
    return out
