"""`python -m indicators COMMAND`: check the catalogue, list it, regenerate its docs.

Commands are argparse subparsers; add one in `build_parser` with `set_defaults(func=...)`, where the
function takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indicators import schema_docs
from indicators.catalog import Catalogue, CatalogueError, load_catalogue


def _load(args: argparse.Namespace) -> Catalogue | None:
    """The catalogue, or None after printing every problem."""
    try:
        return load_catalogue(args.file)
    except CatalogueError as e:
        for problem in e.problems:
            print(problem)
        errors = sum(p.severity == "error" for p in e.problems)
        print(f"{errors} erreur(s) : catalogue refusé", file=sys.stderr)
        return None


def cmd_check(args: argparse.Namespace) -> int:
    cat = _load(args)
    if cat is None:
        return 1
    for warning in cat.warnings:
        print(warning)
    print(f"{cat.file}: {len(cat.indicators)} indicateurs, {len(cat.objectives)} objectifs — OK")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    cat = _load(args)
    if cat is None:
        return 1
    rows = [("id", "libellé" if args.lang == "fr" else "label", "unité" if args.lang == "fr" else "unit",
             "cible finale" if args.lang == "fr" else "final target", "date")]
    for ind in cat.indicators:
        final = ind.target.final
        rows.append((ind.id, getattr(ind.label, args.lang), ind.unit, schema_docs.number(final.value),
                     final.date.isoformat()))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join((c.rjust(w) if i == 3 else c.ljust(w)) for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    cat = _load(args)
    if cat is None:
        return 1
    if args.check:
        stale = schema_docs.stale(cat)
        for path in stale:
            print(f"{path}: out of date: run `python -m indicators docs`")
        return 1 if stale else 0
    for path in schema_docs.write(cat):
        print(f"written: {path}")
    return 0


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(prog="python -m indicators", description="The indicator catalogue.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    file_help = "catalogue file (default: the SEGUR_INDICATORS setting, indicators.yaml)"

    check = sub.add_parser("check", help="validate the catalogue; one line per problem")
    check.add_argument("file", nargs="?", type=Path, help=file_help)
    check.set_defaults(func=cmd_check)

    listing = sub.add_parser("list", help="id, label, unit, final target and date of each indicator")
    listing.add_argument("file", nargs="?", type=Path, help=file_help)
    listing.add_argument("--lang", choices=("fr", "en"), default="fr")
    listing.set_defaults(func=cmd_list)

    docs = sub.add_parser("docs", help="write docs/indicators.schema.json and docs/indicators.md")
    docs.add_argument("file", nargs="?", type=Path, help=file_help)
    docs.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    docs.set_defaults(func=cmd_docs)
    from indicators.cli_compute import add_commands

    add_commands(sub)
    return parser, sub


def main(argv: list[str] | None = None) -> int:
    parser, _ = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
