"""Load indicators.yaml into a Catalogue, or fail with every problem located: `file:line:col: path: message`."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

import settings
from indicators.checks import Reference, check_cross_references, check_indicator, load_reference, warehouse_tables
from indicators.model import MEASURE_KINDS, PATTERN_EXAMPLES, CatalogueFile, Defaults, Indicator, Objective
from indicators.yamlfile import Loc, read_yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the catalogue, with where it is and what to write instead."""

    path_in_file: str
    line: int
    col: int
    message: str
    file: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        path = f"{self.path_in_file}: " if self.path_in_file else ""
        level = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {path}{level}{self.message}"


class CatalogueError(Exception):
    """The catalogue cannot be used; `.problems` lists every error found (and the warnings)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue. Indicators carry their effective status thresholds and freshness."""

    file: str
    sha256: str
    version: int
    defaults: Defaults
    objectives: tuple[Objective, ...]
    indicators: tuple[Indicator, ...]
    warnings: tuple[Problem, ...] = ()
    reference: Reference | None = field(default=None, repr=False, compare=False)

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(_unknown_id("indicator", indicator_id, [i.id for i in self.indicators], self.file))

    def objective(self, objective_id: str) -> Objective:
        for obj in self.objectives:
            if obj.id == objective_id:
                return obj
        raise KeyError(_unknown_id("objective", objective_id, [o.id for o in self.objectives], self.file))

    def objectives_of(self, indicator_id: str) -> tuple[Objective, ...]:
        return tuple(o for o in self.objectives if indicator_id in o.weights)


def _unknown_id(what: str, value: str, ids: list[str], file: str) -> str:
    close = difflib.get_close_matches(value, ids, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {value!r} in {file}{hint}; known: {', '.join(ids)}"


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue (default: the SEGUR_INDICATORS setting); raise CatalogueError."""
    if path is None:
        path = settings.load_settings().indicators
        file = str(path.relative_to(settings.ROOT)) if path.is_relative_to(settings.ROOT) else str(path)
    else:
        file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise CatalogueError([Problem("", 1, 1, f"cannot read the catalogue: {e.strerror}", file)]) from e
    return _parse_cached(raw, file)


@functools.lru_cache(maxsize=8)
def _parse_cached(raw: bytes, file: str) -> Catalogue:
    """Parsing costs ~0.3 s (ruamel keeps positions); an unchanged file is parsed once per process."""
    return parse_catalogue(raw, file)


def parse_catalogue(raw: bytes | str, file: str = "indicators.yaml", tables: dict | None = None,
                    reference: Reference | None = None) -> Catalogue:
    """Validate catalogue text; `file` is the name problems are reported under."""
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CatalogueError([Problem("", 1, 1, f"expected UTF-8 text: {e.reason} at byte {e.start}", file)]) from e
    doc, issues = read_yaml(text)
    if doc is None:
        raise CatalogueError([Problem(i.path, i.line, i.col, i.message, file) for i in issues])
    if not isinstance(doc.data, dict):
        raise CatalogueError([Problem("", 1, 1, "expected a mapping with keys version, defaults, objectives, "
                                                "indicators", file)])
    tables = tables if tables is not None else warehouse_tables()
    reference = reference or load_reference(settings.load_settings().reference_dir)

    def at(loc: Loc, message: str, severity: Literal["error", "warning"] = "error") -> Problem:
        line, col, path = doc.locate(loc)
        return Problem(path, line, col, message, file, severity)

    problems = [at(loc, f"expected true/false, got {doc.value_at(loc)!r} (a YAML 1.1 boolean): write true or "
                        "false, or quote it if it is text") for loc in doc.yaml11_booleans()]
    reported = {(p.line, p.col) for p in problems}
    try:
        model = CatalogueFile.model_validate(doc.data)
    except ValidationError as e:
        model = None
        problems += [p for p in _from_validation(e, at) if (p.line, p.col) not in reported]
    items = doc.data.get("indicators")
    for i, item in enumerate(items if isinstance(items, list) else ()):
        try:
            ind, invalid = Indicator.model_validate(item), frozenset()
        except ValidationError:  # reported above; still check the parts that are valid on their own
            ind = _partial(Indicator, item)
            invalid = frozenset(item) - ind.model_fields_set if isinstance(item, dict) else frozenset()
        found = check_indicator(ind, tables, reference, invalid)
        problems += [at(("indicators", i, *loc), message) for loc, message in found]
    errors, warnings = check_cross_references(doc.data)
    problems += [at(loc, message) for loc, message in errors]
    notes = [at(loc, message, "warning") for loc, message in warnings]
    if problems or model is None:
        raise CatalogueError(sorted(problems + notes, key=lambda p: (p.line, p.col)))
    defaults = model.defaults
    return Catalogue(
        file=file, sha256=hashlib.sha256(raw).hexdigest(), version=model.version, defaults=defaults,
        objectives=model.objectives,
        indicators=tuple(
            ind.model_copy(update={"status": ind.status or defaults.status,
                                   "freshness": ind.freshness or defaults.freshness,
                                   "completeness": ind.completeness or defaults.completeness})
            for ind in model.indicators
        ),
        warnings=tuple(notes), reference=reference,
    )


_FIELD_ADAPTERS: dict[tuple[type, str], TypeAdapter] = {}


def _partial(model: type[BaseModel], item: Any) -> Any:
    """A model holding only the fields of `item` that are valid on their own (the others are absent)."""
    fields = {}
    for name, info in model.model_fields.items():
        if isinstance(item, dict) and name in item:
            if (model, name) not in _FIELD_ADAPTERS:
                _FIELD_ADAPTERS[model, name] = TypeAdapter(Annotated[info.annotation, info])
            try:
                fields[name] = _FIELD_ADAPTERS[model, name].validate_python(item[name])
            except ValidationError:
                pass
    return model.model_construct(**fields)


_EXPECTED = {
    "string_type": "text", "float_type": "a number", "int_type": "a whole number", "int_from_float": "a whole number",
    "bool_type": "true or false", "dict_type": "a mapping (key: value)", "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)", "tuple_type": "a list", "list_type": "a list",
}
_COMPARE = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", "≥"), "less_than": ("lt", "<"),
            "less_than_equal": ("le", "≤")}


def _from_validation(e: ValidationError, at: Any) -> list[Problem]:
    problems = []
    for err in e.errors():
        kind, value, loc = err["type"], err.get("input"), err["loc"]
        if kind == "too_short" and isinstance(value, list | dict) and len(value) >= err["ctx"]["min_length"]:
            continue  # pydantic counts items left after failures: those failures are reported
        if kind == "extra_forbidden":
            loc = (*loc, "[key]")
        elif kind == "union_tag_invalid":
            loc = (*loc, "kind")
        problems.append(at(loc, _message(err)))
    return problems


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


def _message(err: Any) -> str:
    """A pydantic error, reworded as `expected …, got …` with the fix when there is one."""
    kind, value, ctx, loc = err["type"], err.get("input"), err.get("ctx") or {}, err["loc"]
    if isinstance(value, dt.date) and (kind in _EXPECTED or kind == "literal_error"):
        return f"unexpected date {value.isoformat()}: only date fields take a date; quote it if it is text"
    if kind == "missing":
        model = _model_at(loc[:-1])
        info = model.model_fields.get(str(loc[-1])) if model else None
        hint = f": {info.description[:1].lower()}{info.description[1:].rstrip('.')}" if info and info.description else ""
        return f"missing required key {loc[-1]!r}{hint}"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {loc[-1]!r}{hint}: expected one of {', '.join(allowed)}"
    if kind == "union_tag_invalid":
        return f"unknown measure kind {ctx['tag']!r}: expected one of {', '.join(MEASURE_KINDS)}"
    if kind == "union_tag_not_found":
        return f"missing required key 'kind': expected one of {', '.join(MEASURE_KINDS)}"
    if kind == "literal_error":
        return f"expected {ctx['expected']}, got {_show(value)}"
    if kind == "string_pattern_mismatch":
        example = PATTERN_EXAMPLES.get(ctx["pattern"])
        return f"expected {'an id like ' + example if example else 'a text'} ({ctx['pattern']}), got {value!r}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx["error"])
    if kind == "too_short":
        return f"expected at least {ctx['min_length']} item(s), got {ctx['actual_length']}"
    if kind == "string_too_short":
        return "expected a non-empty text"
    if kind in _EXPECTED:
        quote = ": quote it if it is text" if kind == "string_type" and isinstance(value, int | float) else ""
        return f"expected {_EXPECTED[kind]}, got {_show(value)}{quote}"
    if kind in _COMPARE:
        key, sign = _COMPARE[kind]
        return f"expected a value {sign} {ctx[key]:g}, got {_show(value)}"
    return f"{err['msg'][:1].lower()}{err['msg'][1:]}, got {_show(value)}"


def _unwrap(tp: Any) -> Any:
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        elif get_origin(tp) in (Union, types.UnionType) and len(members := [
                a for a in get_args(tp) if a is not type(None)]) == 1:
            tp = members[0]
        else:
            return tp


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the value at `loc` (following union tags as pydantic writes them)."""
    tp: Any = CatalogueFile
    for element in loc:
        tp = _unwrap(tp)
        if get_origin(tp) in (Union, types.UnionType):
            tp = next((m for m in get_args(tp) if isinstance(m, type) and issubclass(m, BaseModel)
                       and "kind" in m.model_fields and get_args(m.model_fields["kind"].annotation) == (element,)),
                      None)
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(element))
            tp = info.annotation if info else None
        elif get_origin(tp) in (tuple, list):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
        if tp is None:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
