"""Log templates and the components they come from."""

from graph.dialect import Dialect


def statements(dialect: Dialect) -> list[str]:
    return [
        dialect.unique_id("LogTemplate"),
        dialect.unique_id("Component"),
        dialect.property_index("LogTemplate", "source"),
        dialect.fulltext_index("LogTemplate", "search"),
    ]
