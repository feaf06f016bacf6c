"""Specs are replaced and retired by their source file."""

from graph.dialect import Dialect


def statements(dialect: Dialect) -> list[str]:
    return [dialect.property_index("Spec", "source")]
