"""Read a YAML file keeping line/column positions, and refuse what YAML would silently get wrong.

Refused: syntax errors, duplicate keys (YAML keeps the last value), YAML 1.1 booleans written as
`yes`/`no`/`on`/`off` (a YAML 1.1 reader turns them into true/false, a YAML 1.2 reader keeps text).
Dates stay `datetime.date`; an impossible date (`2026-13-01`) stays text so the field that expects
a date can say so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

Loc = tuple[str | int, ...]  # path into the document; "[key]" as last element points at a mapping key
YAML11_BOOLEANS = frozenset(
    v for word in ("yes", "no", "on", "off", "y", "n") for v in (word, word.capitalize(), word.upper())
)


@dataclass(frozen=True)
class Issue:
    """A problem found while reading: 1-based position, path as written, message."""

    line: int
    col: int
    path: str
    message: str


class _Constructor(RoundTripConstructor):
    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:  # 2026-13-01: keep the text, the date field reports it
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # quoted scalars keep a distinct type: `'yes'` is text on purpose
    yaml.Constructor = _Constructor
    return yaml


def format_path(parts: list[tuple[str, Any]]) -> str:
    """[("key", "indicators"), ("index", 3), ("key", "id")] → "indicators[3].id"."""
    out = ""
    for kind, part in parts:
        out += f"[{part}]" if kind == "index" else (f".{part}" if out else str(part))
    return out


class Document:
    """A loaded YAML document: plain Python data plus the positions of every key and value."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.data = _plain(tree)

    def locate(self, loc: Loc) -> tuple[int, int, str]:
        """(line, col, path as written) of the value at `loc`, 1-based.

        A key that is missing points at its mapping; loc elements the document has no counterpart for
        (a union tag, a shorthand expanded by a validator) are skipped.
        """
        node, pos, parts = self.tree, (0, 0), []
        key_pos: tuple[int, int] | None = None
        for element in loc:
            if element == "[key]":
                pos = key_pos or pos
                break
            if isinstance(node, CommentedMap):
                if element in node:
                    parts.append(("key", element))
                    key_pos, pos, node = node.lc.key(element), node.lc.value(element), node[element]
                elif element != node.get("kind"):  # a discriminated-union tag is not in the file
                    parts.append(("key", element))
                    break
            elif isinstance(node, CommentedSeq) and isinstance(element, int) and 0 <= element < len(node):
                parts.append(("index", element))
                pos, node = node.lc.item(element), node[element]
            elif not isinstance(node, CommentedMap | CommentedSeq):
                break
        return pos[0] + 1, pos[1] + 1, format_path(parts)

    def value_at(self, loc: Loc) -> Any:
        node = self.tree
        for element in loc:
            node = node[element]
        return node

    def yaml11_booleans(self) -> list[Loc]:
        """Locations of plain (unquoted) yes/no/on/off values."""
        found: list[Loc] = []

        def walk(node: Any, loc: Loc) -> None:
            items = node.items() if isinstance(node, CommentedMap) else (
                enumerate(node) if isinstance(node, CommentedSeq) else ())
            for key, value in items:
                if type(value) is str and value in YAML11_BOOLEANS:
                    found.append((*loc, key))
                walk(value, (*loc, key))

        walk(self.tree, ())
        return found


def _plain(value: Any) -> Any:
    """ruamel's round-trip types → plain dict/list/str/int/float/bool/date/datetime."""
    if isinstance(value, CommentedMap):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, CommentedSeq):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second)
    return value


def _duplicate_keys(node: Node, parts: list[tuple[str, Any]]) -> list[Issue]:
    """Every duplicate key of the document, found on the composed (not yet constructed) tree."""
    issues: list[Issue] = []
    if isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = [*parts, ("key", key)]
            if key in first:
                issues.append(Issue(
                    key_node.start_mark.line + 1, key_node.start_mark.column + 1, format_path(here),
                    f"duplicate key {key!r} (first at line {first[key]}): YAML would keep only the last value; "
                    "remove or rename one",
                ))
            else:
                first[key] = key_node.start_mark.line + 1
            issues += _duplicate_keys(value_node, here)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            issues += _duplicate_keys(item, [*parts, ("index", i)])
    return issues


def read_yaml(text: str) -> tuple[Document | None, list[Issue]]:
    """Parse `text`; on failure return no document and every issue found."""
    for number, line in enumerate(text.splitlines(), 1):
        if (match := re.match(r"%YAML\s+(\S+)", line)) and match.group(1) != "1.2":
            return None, [Issue(number, 1, "", f"expected YAML 1.2, got a %YAML {match.group(1)} directive: remove it "
                                               "(YAML 1.1 turns yes/no into booleans and 0777 into octal)")]
    yaml = _yaml()
    try:
        return Document(yaml.load(text)), []
    except DuplicateKeyError:
        return None, _duplicate_keys(_yaml().compose(text), [])
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = e.problem or "unreadable YAML"
        if e.context and e.context_mark:
            what += f" ({e.context} started at line {e.context_mark.line + 1})"
        elif e.context:
            what += f" ({e.context})"
        return None, [Issue(line, col, "", f"invalid YAML: {what}")]
