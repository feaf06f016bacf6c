"""Type aliases shared across the graph package."""

from typing import Any

Row = dict[str, Any]
Params = dict[str, Any]
