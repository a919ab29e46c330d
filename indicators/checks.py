"""Check indicators against what exists: warehouse tables and columns (from the source contracts and
etl/schema.sql), reference codes (data/reference/*.csv), and each other (ids, weights).

Every check returns (loc, message) pairs; `indicators.catalog` turns a loc into file:line:col.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import etl
from etl.sources import CONTRACTS, Column
from indicators.measures import KINDS
from indicators.model import ID_PATTERN, Baseline, Filter, Indicator, LeafMeasure, Measure, Target
from indicators.yamlfile import Loc

Found = list[tuple[Loc, str]]
NUMERIC_TYPES = frozenset({"integer", "decimal", "amount_eur"})
DATE_TYPES = frozenset({"date", "month"})
ADDITIVE_KINDS = frozenset(k for k, cls in KINDS.items() if cls.accumulable)  # what cumulative/rolling may add up
SPLITTABLE_KINDS = frozenset(k for k, cls in KINDS.items() if cls.additive)  # a share of the nation's total
# Dimension → columns that give it (in order of preference). `solution_id` reaches the éditeur through dim_solution.
DIMENSION_COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("region_code", "departement_code"),
    "departement": ("departement_code",),
    "couloir": ("couloir_code",),
    "dispositif": ("dispositif_code",),
    "vague": ("vague",),
    "editeur": ("editeur_siren", "solution_id"),
    "document_type": ("document_type",),
}


@dataclass(frozen=True)
class Table:
    name: str
    source: str  # contract name
    columns: dict[str, Column]

    def is_year(self, column: str) -> bool:
        col = self.columns.get(column)
        return col is not None and col.type == "integer" and (column == "year" or column.endswith("_year"))

    def date_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.type in DATE_TYPES or self.is_year(c.name)]


def warehouse_tables(schema_sql: Path | None = None) -> dict[str, Table]:
    """The tables an indicator may read: contract tables that etl/schema.sql creates."""
    schema_sql = schema_sql or Path(etl.__file__).with_name("schema.sql")
    created = set(re.findall(r"CREATE\s+TABLE\s+(\w+)", schema_sql.read_text(encoding="utf-8"), re.IGNORECASE))
    return {
        c.table: Table(c.table, c.name, {col.name: col for col in c.columns})
        for c in CONTRACTS.values() if c.table in created
    }


@dataclass(frozen=True)
class Reference:
    """Valid codes per reference table, and the population of each département (thousands)."""

    codes: dict[str, tuple[str, ...]]
    departement_region: dict[str, str]
    departement_population_k: dict[str, int]

    def population_shares(self, by: str) -> dict[str, float]:
        """Share of the national population per région or département."""
        total = sum(self.departement_population_k.values())
        shares: dict[str, float] = {}
        for dep, pop in self.departement_population_k.items():
            code = self.departement_region[dep] if by == "region" else dep
            shares[code] = shares.get(code, 0.0) + pop / total
        return shares


def load_reference(directory: Path) -> Reference:
    """Read `<ref>s.csv` for every `ref` the contracts use; the first column holds the code."""
    refs = sorted({col.ref for c in CONTRACTS.values() for col in c.columns if col.ref})
    codes: dict[str, tuple[str, ...]] = {}
    for ref in refs:
        with (directory / f"{ref}s.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            codes[ref] = tuple(row[0] for row in reader if row)
    with (directory / "departements.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return Reference(
        codes, {r["departement_code"]: r["region_code"] for r in rows},
        {r["departement_code"]: int(r["population_k"]) for r in rows},
    )


def unknown(what: str, value: object, choices: Iterable[str], where: str = "", scope: str = "") -> str:
    """"unknown couloir code 'biologi' (did you mean 'biologie'?): expected one of …"."""
    choices = list(choices)
    close = difflib.get_close_matches(str(value), choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    expected = f"one of {', '.join(choices)}" if len(choices) <= 30 or not where else f"a code listed in {where}"
    return f"unknown {what} {value!r}{' in ' + scope if scope else ''}{hint}: expected {expected}"


def walk(measure: Measure, loc: Loc) -> Iterator[tuple[Loc, Measure]]:
    """Every node of a measure tree with its location, parents first."""
    yield loc, measure
    for name, child in measure.children().items():
        yield from walk(child, (*loc, name))


def _duplicates(values: tuple[Any, ...], loc: Loc) -> Found:
    seen: set[Any] = set()
    found: Found = []
    for i, v in enumerate(values):
        if v in seen:
            found.append(((*loc, i), f"{v!r} is listed twice"))
        seen.add(v)
    return found


def check_indicator(ind: Indicator, tables: dict[str, Table], ref: Reference,
                    invalid: frozenset[str] = frozenset()) -> Found:
    """Problems of one indicator; locs are relative to it. Fields in `invalid` failed validation: skipped."""
    def part(name: str) -> Any:
        return None if name in invalid else getattr(ind, name, None)

    sources, grains, dims, measure = part("sources"), part("grains"), part("dimensions"), part("measure")
    found: Found = []
    for i, source in enumerate(sources or ()):
        if source not in CONTRACTS:
            found.append((("sources", i), unknown("source", source, CONTRACTS)))
    for field in ("sources", "grains", "dimensions", "tags"):
        found += _duplicates(part(field) or (), (field,))
    leaves: list[LeafMeasure] = []
    for loc, node in walk(measure, ("measure",)) if measure is not None else ():
        if node.kind in ("cumulative", "rolling") and node.of.kind not in ADDITIVE_KINDS:
            found.append(((*loc, "of", "kind"), f"{node.kind} adds up a flow "
                                                f"({', '.join(sorted(ADDITIVE_KINDS))}), got {node.of.kind!r}"))
        elif node.leaf:
            if node.table not in tables:
                found.append(((*loc, "table"), unknown("table", node.table, tables)))
            else:
                leaves.append(node)
                found += _check_leaf(node, tables[node.table], loc, sources, ref)
    for leaf in leaves:
        if leaf.kind != "last" and tables[leaf.table].is_year(leaf.date) and set(grains or ()) - {"year"}:
            found.append((("grains",), f"{leaf.table} is dated by year: a {leaf.kind} read from it has no "
                                       "month or quarter; write grains: [year]"))
    for i, dim in enumerate(dims or ()):
        lacking = sorted({leaf.table for leaf in leaves
                          if not any(c in tables[leaf.table].columns for c in DIMENSION_COLUMNS[dim])})
        if lacking:
            found.append((("dimensions", i), f"dimension {dim!r} is not available on {', '.join(lacking)} "
                                             f"(needs a column among {', '.join(DIMENSION_COLUMNS[dim])})"))
    if part("target") is not None:
        found += _check_target(part("target"), part("baseline"), dims, measure, ref)
    return found


def _check_leaf(m: LeafMeasure, table: Table, loc: Loc, sources: tuple[str, ...] | None, ref: Reference) -> Found:
    found: Found = []
    if sources is not None and table.source not in sources:
        found.append(((*loc, "table"), f"{table.name} comes from source {table.source!r}: add it to `sources`"))
    column = getattr(m, "column", None)
    if column is not None:
        if column not in table.columns:
            found.append(((*loc, "column"), unknown("column", column, table.columns, scope=table.name)))
        elif m.kind != "count_distinct" and table.columns[column].type not in NUMERIC_TYPES:
            numeric = [c for c, col in table.columns.items() if col.type in NUMERIC_TYPES]
            found.append(((*loc, "column"), f"{m.kind} needs a number column of {table.name} "
                                            f"({', '.join(numeric)}), got {column!r}"))
    for i, name in enumerate(getattr(m, "days_between", None) or ()):
        if name not in table.date_columns() or table.is_year(name):
            found.append(((*loc, "days_between", i), f"expected a date column of {table.name} "
                                                     f"({', '.join(table.date_columns())}), got {name!r}"))
    if m.date not in table.date_columns():
        found.append(((*loc, "date"), f"expected a date column of {table.name} "
                                      f"({', '.join(table.date_columns())}), got {m.date!r}"))
    for name, condition in m.filters.items():
        if name not in table.columns:
            found.append(((*loc, "filters", name, "[key]"), unknown("column", name, table.columns, scope=table.name)))
        else:
            found += _check_filter(table.columns[name], condition, (*loc, "filters", name), ref)
    return found


def _value_problem(col: Column, value: Any, ref: Reference) -> str | None:
    if col.type in DATE_TYPES:
        return None if isinstance(value, dt.date) else f"expected a date (YYYY-MM-DD) for {col.name}, got {value!r}"
    if isinstance(value, dt.date):
        return f"unexpected date {value.isoformat()}: {col.name} is not a date column"
    if col.type in NUMERIC_TYPES:
        if not isinstance(value, int | float):
            return f"expected a number for {col.name}, got {value!r}"
        if (col.min_value is not None and value < col.min_value) or (col.max_value is not None and value > col.max_value):
            return f"expected {col.name} between {col.min_value:g} and {col.max_value:g}, got {value!r}"
        return None
    if not isinstance(value, str):
        return (f"expected a code as text for {col.name}, got the number {value!r}: quote the code as written "
                "(e.g. '01', not 01)")
    if col.ref and value not in ref.codes[col.ref]:
        return unknown(f"{col.ref} code", value, ref.codes[col.ref], f"data/reference/{col.ref}s.csv")
    if col.allowed and value not in col.allowed:
        return unknown(f"{col.name} value", value, col.allowed)
    return None


def _check_filter(col: Column, f: Filter, loc: Loc, ref: Reference) -> Found:
    found: Found = []
    for i, value in enumerate(f.values or ()):
        if (problem := _value_problem(col, value, ref)) is not None:
            found.append(((*loc, "values", i), problem))
    for bound in ("gte", "lte"):
        value = getattr(f, bound)
        if value is None:
            continue
        if col.type not in DATE_TYPES | NUMERIC_TYPES:
            found.append(((*loc, bound), f"a range needs a number or date column, {col.name} is {col.type}"))
        elif (problem := _value_problem(col, value, ref)) is not None:
            found.append(((*loc, bound), problem))
    if f.gte is not None and f.lte is not None and type(f.gte) is type(f.lte) and f.gte > f.lte:
        found.append(((*loc, "lte"), f"expected lte ≥ gte ({f.gte}), got {f.lte}"))
    for form, effect in (("not_null", "every row"), ("is_null", "no row")):
        if getattr(f, form) and col.required:
            found.append(((*loc, form), f"{col.name} is always filled: `{form}: true` would keep {effect}"))
    return found


def _check_target(target: Target, baseline: Baseline | None, dims: tuple[str, ...] | None,
                  measure: Measure | None, ref: Reference) -> Found:
    found: Found = []
    milestones = target.milestones
    for i in range(1, len(milestones)):
        if milestones[i].date <= milestones[i - 1].date:
            found.append((("target", "milestones", i, "date"), f"expected a date after {milestones[i - 1].date} "
                          f"(milestones[{i - 1}]): dates must strictly increase, got '{milestones[i].date}'"))
    if baseline is not None and baseline.date >= milestones[0].date:
        found.append((("baseline", "date"), f"expected a date before the first milestone ({milestones[0].date}), "
                                            f"got '{baseline.date}'"))
    terr = target.territorial
    if terr is None:
        return found
    if dims is not None and terr.by not in dims:
        found.append((("target", "territorial", "by"), f"by: {terr.by} needs {terr.by!r} in the indicator's dimensions"))
    if measure is not None and terr.share in ("population", "explicit") and measure.kind not in SPLITTABLE_KINDS:
        found.append((("target", "territorial", "share"), f"a share splits a national total; a {measure.kind} "
                                                          "does not add up across territories: give `values` per code"))
    for field in ("values", "shares"):
        for code in getattr(terr, field) or {}:
            if code not in ref.codes[terr.by]:
                found.append((("target", "territorial", field, code, "[key]"),
                              unknown(f"{terr.by} code", code, ref.codes[terr.by], f"data/reference/{terr.by}s.csv")))
    return found


def check_cross_references(data: dict[str, Any]) -> tuple[Found, Found]:
    """(errors, warnings) across entries, on the raw data so that one broken entry hides no other problem."""
    errors: Found = []
    warnings: Found = []
    first: dict[tuple[str, str], int] = {}
    sections = {name: data.get(name) if isinstance(data.get(name), list) else [] for name in ("objectives", "indicators")}
    for section, items in sections.items():
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                if (section, item["id"]) in first:
                    errors.append(((section, i, "id"), f"duplicate id {item['id']!r}: already used by "
                                                       f"{section}[{first[section, item['id']]}]"))
                first.setdefault((section, item["id"]), i)
    ids = [key for section, key in first if section == "indicators"]
    weighted: set[str] = set()
    for j, objective in enumerate(sections["objectives"]):
        weights = objective.get("weights") if isinstance(objective, dict) else None
        for key in weights if isinstance(weights, dict) else ():
            weighted.add(key)
            if isinstance(key, str) and re.fullmatch(ID_PATTERN, key) and key not in ids:
                errors.append((("objectives", j, "weights", key, "[key]"), unknown("indicator", key, ids)))
    for (section, key), i in first.items():
        if section == "indicators" and key not in weighted:
            warnings.append((("indicators", i, "id"), f"{key} belongs to no objective: give it a weight in one"))
    return errors, warnings
