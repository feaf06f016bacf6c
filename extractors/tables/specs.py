"""Product parameter tables (CSV) -> Spec records, for pre-sales comparisons.

Header: product, version, parameter, value, unit[, source] (English or
Chinese names). Numeric values are kept as numbers beside the original
text; a row with a missing product, parameter or value is reported with its
line and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.records import Table, slug
from extractors.text.resolution import normalize_version

_COLUMNS: dict[str, re.Pattern[str]] = {
    "product": re.compile(r"^(product|产品)$", re.I),
    "version": re.compile(r"^(version|版本)$", re.I),
    "parameter": re.compile(r"^(parameter|param|metric|spec|参数|指标)$", re.I),
    "value": re.compile(r"^(value|值|数值)$", re.I),
    "unit": re.compile(r"^(unit|单位)$", re.I),
    "source": re.compile(r"^(source|来源|出处)$", re.I),
}
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


@dataclass
class SpecRecord:
    product: str
    version: str | None
    parameter: str
    value: str
    unit: str | None
    reference: str | None
    location: str

    @property
    def id(self) -> str:
        return f"spec:{slug(self.product)}:{self.version or '-'}:{slug(self.parameter)}"

    @property
    def number(self) -> float | None:
        v = self.value.replace(",", "").strip()
        return float(v) if _NUMBER.match(v) else None


def spec_columns(headers: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        for key, pattern in _COLUMNS.items():
            if key not in found and pattern.match(" ".join(h.split())):
                found[key] = i
    required = {"product", "parameter", "value"}
    return found if required <= found.keys() else None


def spec_records(uri: str, table: Table, where: str) -> tuple[list[SpecRecord], list[str]]:
    headers = table.headers
    cols = spec_columns(headers)
    if cols is None:
        return [], [f"{uri}: {where}: not a spec table"]
    out: list[SpecRecord] = []
    problems: list[str] = []
    for index, row in enumerate(table.rows):
        loc = f"{where} {table.location(index)}"

        def cell(key: str, row: list[str] = row) -> str | None:
            i = cols.get(key)
            value = row[i].strip() if i is not None and i < len(row) else ""
            return value or None

        product, parameter, value = cell("product"), cell("parameter"), cell("value")
        if len(row) != len(headers) or not (product and parameter and value):
            problems.append(f"{uri}: {loc}: needs product, parameter and value")
            continue
        out.append(
            SpecRecord(
                product=product,
                version=normalize_version(cell("version")) or cell("version"),
                parameter=parameter,
                value=value,
                unit=cell("unit"),
                reference=cell("source"),
                location=loc,
            )
        )
    return out, problems
