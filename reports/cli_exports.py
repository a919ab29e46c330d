"""`python -m reports excel|extract`: the analyst's workbook and raw data extracts from the command line."""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import date
from pathlib import Path

from reports.extracts import FORMATS, ExtractError, extract_tables, write_extract
from settings import load_settings

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class InputError(ValueError):
    """Bad command-line input: the message says what was found and what is expected."""


def _fail(message: str) -> int:
    print(f"erreur : {message}", file=sys.stderr)
    return 1


def _view(args):
    from indicators.cli_compute import FilterError, view_filters

    if args.as_of and not MONTH_RE.match(args.as_of):
        raise InputError(f"mois de situation invalide « {args.as_of} » (attendu : AAAA-MM, par exemple 2026-10)")
    try:
        return view_filters(args.region, args.departement, args.couloir, args.dispositif, args.vague)
    except FilterError as e:
        raise InputError(str(e)) from e


def _out(path: str) -> Path:
    out = Path(path)
    if not out.parent.is_dir():
        raise InputError(f"le dossier de sortie n'existe pas : {out.parent}")
    return out


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} Mo" if n >= 2**20 else f"{n / 2**10:.0f} Ko"


def cmd_excel(args: argparse.Namespace) -> int:
    from indicators.catalog import CatalogueError
    from indicators.compute import Engine
    from reports.excel import write_workbook

    try:
        view, out = _view(args), _out(args.out)
        s = load_settings()
        if not s.warehouse.exists():
            raise InputError(f"aucun entrepôt publié ({s.warehouse}) : lancez `python -m etl demo && python -m etl load`")
        t0 = time.perf_counter()
        engine = Engine(s.warehouse, today=date.fromisoformat(s.today) if s.today else None)
        write_workbook(out, engine, args.as_of, view, args.lang)
    except (InputError, CatalogueError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"écriture impossible de {args.out} : {e.strerror or e}")
    print(f"Classeur écrit : {out} ({_size(out.stat().st_size)}, {time.perf_counter() - t0:.1f} s)")
    return 0


def progress_line(stream=None):
    """A progress callback that rewrites one line: `123 456 / 1 029 578 lignes (12 %)`."""
    def show(done: int, total: int) -> None:
        out = stream or sys.stderr
        percent = 100 * done // total if total else 100
        out.write(f"\r{done:,} / {total:,} lignes ({percent} %)".replace(",", "\u202f"))
        if done >= total:
            out.write("\n")
        out.flush()
    return show


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        view, out = _view(args), _out(args.out)
        sep = "\t" if args.sep == "tab" else args.sep
        progress = progress_line() if sys.stderr.isatty() else None  # a terminal: the line redrawn per batch
        info = write_extract(load_settings().warehouse, args.table, args.format, out, view, args.as_of, csv_sep=sep,
                             decimal_comma=args.decimal == "comma", truncate=args.truncate, lineage=args.lineage,
                             progress=progress)
    except (InputError, ExtractError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"écriture impossible de {args.out} : {e.strerror or e}")
    words = lambda d: ", ".join(f"{k}={v}" for k, v in d.items()) or "aucun"  # noqa: E731
    print(f"Extrait écrit : {out} — {info.rows} lignes, {_size(info.bytes)}, {info.seconds:.1f} s ; "
          f"filtres appliqués : {words(info.applied)}")
    if info.ignored:
        print(f"  filtres sans objet pour {args.table} (pas de colonne) : {words(info.ignored)}")
    if info.truncated:
        print("  extrait tronqué à la limite d'une feuille Excel : utilisez --format csv ou parquet")
    return 0


def cmd_tidy(args: argparse.Namespace) -> int:
    """The tidy table, every territory (operator's scope: national), to a file."""
    from indicators.catalog import CatalogueError
    from indicators.compute import Engine
    from indicators.scope import Scope
    from reports.tidy_export import write_tidy

    try:
        view, out = _view(args), _out(args.out)
        if view.region or view.departement:
            raise InputError("la table longue couvre tous les territoires : utilisez --regions pour la restreindre")
        s = load_settings()
        if not s.warehouse.exists():
            raise InputError(f"aucun entrepôt publié ({s.warehouse}) : lancez `python -m etl demo && python -m etl load`")
        t0 = time.perf_counter()
        engine = Engine(s.warehouse, today=date.fromisoformat(s.today) if s.today else None)
        ids = args.ids.split(",") if args.ids else None
        regions = args.regions.split(",") if args.regions else None
        write_tidy(out, args.format, engine, Scope.system(), as_of=args.as_of, indicator_ids=ids,
                   levels=args.levels.split(","), regions=regions, filters=view, lang=args.lang)
    except KeyError as e:
        return _fail(str(e.args[0]) if e.args else "indicateur inconnu")
    except (InputError, CatalogueError, ValueError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"écriture impossible de {args.out} : {e.strerror or e}")
    print(f"Table longue écrite : {out} ({_size(out.stat().st_size)}, {time.perf_counter() - t0:.1f} s)")
    return 0


def _exit_1_on_error(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Bad arguments exit with 1 like every other input error (argparse's default is 2)."""
    def error(message: str):
        p.print_usage(sys.stderr)
        raise SystemExit(_fail(message))
    p.error = error  # type: ignore[method-assign]
    return p


def _filters(p: argparse.ArgumentParser, as_of_default: str) -> None:
    p.add_argument("--as-of", dest="as_of", metavar="AAAA-MM", help=f"mois de situation (défaut : {as_of_default})")
    p.add_argument("--region", metavar="CODE")
    p.add_argument("--departement", metavar="CODE")
    p.add_argument("--couloir", metavar="CODE")
    p.add_argument("--dispositif", metavar="CODE")
    p.add_argument("--vague", metavar="CODE")


def add_commands(sub) -> None:
    p = _exit_1_on_error(sub.add_parser("excel", help="classeur Excel d'une vue (synthèse, séries, budget, "
                                                      "définitions)"))
    p.add_argument("--out", required=True, metavar="FICHIER.xlsx")
    _filters(p, "le dernier mois chargé")
    p.add_argument("--lang", choices=("fr", "en"), default="fr")
    p.set_defaults(func=cmd_excel)

    p = _exit_1_on_error(sub.add_parser("extract", help="extrait des lignes d'une table de faits (xlsx, csv, "
                                                        "parquet)"))
    p.add_argument("table", metavar="TABLE", help=f"une de : {', '.join(extract_tables())}")
    p.add_argument("--format", required=True, choices=tuple(FORMATS))
    p.add_argument("--out", required=True, metavar="FICHIER")
    _filters(p, "toutes les lignes chargées")
    p.add_argument("--sep", default=";", choices=(";", ",", "tab"), help="séparateur CSV (défaut ;)")
    p.add_argument("--decimal", default="comma", choices=("comma", "point"), help="marque décimale CSV")
    p.add_argument("--lineage", action="store_true",
                   help="ajouter file_id (empreinte du fichier source) et run_id (chargement) à chaque ligne")
    p.add_argument("--truncate", action="store_true",
                   help="XLSX : au-delà de la limite d'Excel, écrire les premières lignes et une note")
    p.set_defaults(func=cmd_extract)

    p = _exit_1_on_error(sub.add_parser("tidy", help="table longue : indicateur × territoire × mois (xlsx, csv, "
                                                     "parquet)"))
    p.add_argument("--format", required=True, choices=tuple(FORMATS))
    p.add_argument("--out", required=True, metavar="FICHIER")
    _filters(p, "le dernier mois chargé")
    p.add_argument("--ids", metavar="USE-01,CIT-01", help="indicateurs (défaut : tous)")
    p.add_argument("--levels", default="national,region,departement", help="niveaux de territoire")
    p.add_argument("--regions", metavar="53,52", help="restreindre à ces régions (et leurs départements)")
    p.add_argument("--lang", choices=("fr", "en"), default="fr")
    p.set_defaults(func=cmd_tidy)
