"""Committee packs: one file per view (national, or a région's fiche territoriale) in PDF, PPTX or XLSX.

`build_pack(engine, meta, fmt, out_dir, …)` writes one pack; `build_regional_packs` writes one per région,
in parallel worker processes (WeasyPrint is pure Python: one process per core is what makes 18 PDFs
fast). `pack_command(args)` is the `python -m reports pack` command body: it opens a committee snapshot,
its frozen comments and decisions, and what changed since the previous snapshot.
"""

from __future__ import annotations

import argparse
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from indicators.compute import Engine, parse_month
from indicators.query import ViewFilters

FORMATS = ("pdf", "pptx", "xlsx")


class PackError(ValueError):
    """A pack that cannot be built as asked (format, région, missing exporter); the message says why."""


def slug(text: str) -> str:
    """`COSUI n°14` → `cosui-14`: ASCII, lower case, dashes; the French `n°` before a number is dropped."""
    text = re.sub(r"\bn[°o]\s*(?=\d)", "", text or "", flags=re.IGNORECASE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def pack_filename(label: str, as_of: date, fmt: str, region: str | None = None, lang: str = "fr") -> str:
    """`cosui-14_2026-10.pdf`, `cosui-14_2026-10_region-11.pdf`, `…_en.pptx` in English."""
    parts = [slug(label) or "pack", f"{as_of:%Y-%m}"]
    if region:
        parts.append(f"region-{slug(region)}")
    if lang != "fr":
        parts.append(lang)
    return "_".join(parts) + f".{fmt}"


def _check(engine: Engine, fmt: str, region: str | None, lang: str, territory_indicator: str = "CIT-02") -> None:
    if fmt not in FORMATS:
        raise PackError(f"format de dossier inconnu « {fmt} » (attendu : {', '.join(FORMATS)})")
    if lang not in ("fr", "en"):
        raise PackError(f"langue inconnue « {lang} » (attendu : fr ou en)")
    regions = engine.territory().region_label_fr
    if region is not None and region not in regions:
        raise PackError(f"région inconnue « {region} » (attendu : {', '.join(sorted(regions))})")
    by_region = [i.id for i in engine.catalogue.indicators if "region" in i.dimensions]
    if territory_indicator not in by_region:
        raise PackError(f"indicateur « {territory_indicator} » inconnu ou non décliné par région, pour la page "
                        f"Territoires (attendu : {', '.join(by_region)})")


def build_pack(engine: Engine, meta, fmt: str, out_dir, region: str | None = None, lang: str = "fr",
               changes=None, comments=None, decisions=None, *, charts: bool = True,
               territory_indicator: str = "CIT-02") -> Path:
    """Write the pack of one view into `out_dir`; return its path.

    `meta`: the committee snapshot (anything with `label`, `id`, `as_of`, `created_at`); the figures are
    computed at `meta.as_of` (default: the last month loaded). `changes`, `comments`, `decisions`: see
    reports.pack_data.gather. `charts=False` leaves the charts out (their tables stay);
    `territory_indicator` is the indicator the Territoires page ranks the régions on.
    """
    _check(engine, fmt, region, lang, territory_indicator)
    as_of = parse_month(getattr(meta, "as_of", None)) or engine.latest_month()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / pack_filename(getattr(meta, "label", None) or "pack", as_of, fmt, region, lang)
    if fmt == "xlsx":
        try:
            from reports.excel import write_workbook
        except ImportError as e:
            raise PackError("le classeur Excel n'est pas disponible dans cette version (module reports.excel "
                            "absent) : choisissez le format pdf ou pptx") from e
        # the workbook of a snapshot links to its frozen figures in the dashboard (snapshot=…), not the live ones
        return write_workbook(path, engine, as_of, ViewFilters(region=region), lang, snapshot=getattr(meta, "id", None))
    from reports.pack_data import gather

    pack = gather(engine, meta, as_of, region, lang, changes, comments, decisions, territory_indicator)
    if fmt == "pdf":
        from reports.pdf import write_pdf

        return write_pdf(pack, path, charts=charts)
    from reports.pptx import write_pptx

    return write_pptx(pack, path, charts=charts)


def _renderer(fmt: str, charts: bool):
    if not charts or fmt == "xlsx":
        return nullcontext()
    from reports.charts import chart_renderer

    return chart_renderer()


def _build_chunk(warehouse: Path, catalogue, today: date, meta, fmt: str, out_dir, regions: list[str],
                 lang: str, changes, comments, decisions, charts: bool) -> list[Path]:
    """Worker process: its own engine and browser, one pack per région of its share."""
    engine = Engine(warehouse, catalogue, today=today)
    with _renderer(fmt, charts):
        return [build_pack(engine, meta, fmt, out_dir, r, lang, changes, comments, decisions, charts=charts)
                for r in regions]


def build_regional_packs(engine: Engine, meta, fmt: str, out_dir, lang: str = "fr", changes=None,
                         comments=None, decisions=None, *, regions: list[str] | None = None, charts: bool = True,
                         workers: int | None = None) -> list[Path]:
    """One fiche territoriale per région (default: all 18), in région code order; return the paths.

    `workers` processes share the régions (default: one per CPU core, at most 4); with more than one,
    `meta`, `changes`, `comments` and `decisions` must be picklable (dataclasses and dicts are).
    """
    codes = list(regions or sorted(engine.territory().region_label_fr))
    for code in codes:
        _check(engine, fmt, code, lang)
    workers = max(1, min(workers or min(os.cpu_count() or 1, 4), len(codes)))
    if workers == 1:
        return _build_chunk(engine.db.path, engine.catalogue, engine.today, meta, fmt, out_dir, codes, lang,
                            changes, comments, decisions, charts)
    shares = [codes[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_build_chunk, engine.db.path, engine.catalogue, engine.today, meta, fmt, out_dir,
                               share, lang, changes, comments, decisions, charts) for share in shares]
        built = {p.name: p for f in futures for p in f.result()}
    as_of = parse_month(getattr(meta, "as_of", None)) or engine.latest_month()
    return [built[pack_filename(getattr(meta, "label", None) or "pack", as_of, fmt, c, lang)] for c in codes]


def add_pack_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options `pack_command` reads, for the CLI that registers it."""
    parser.add_argument("--snapshot", required=True,
                        help="identifiant de l'instantané du comité (python -m reports snapshot list)")
    parser.add_argument("--format", choices=FORMATS, default="pdf")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--region", help="code de la région (fiche territoriale), p. ex. 11")
    where.add_argument("--all-regions", dest="all_regions", action="store_true",
                       help="une fiche territoriale par région (18 fichiers)")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    parser.add_argument("--out", default=".", help="dossier de sortie (défaut : dossier courant)")
    parser.add_argument("--no-charts", dest="no_charts", action="store_true",
                        help="sans graphiques (leurs tableaux restent) : plus rapide")
    return parser


def pack_command(args: argparse.Namespace) -> int:
    """`python -m reports pack --snapshot ID [--format pdf|pptx|xlsx] [--region R | --all-regions] [--lang fr|en]
    [--out DIR] [--no-charts]`: print the paths written; bad input prints one French sentence, exit code 1."""
    from indicators.db import NoWarehouse
    from reports.charts import ChartError
    from reports.diff import diff_snapshot
    from reports.snapshot import SnapshotError, open_snapshot, snapshot_state
    from settings import load_settings

    settings = load_settings()
    try:
        engine, meta = open_snapshot(settings, args.snapshot)
        state = snapshot_state(settings, meta.id)
        try:
            changes = diff_snapshot(settings, meta.id, against="previous")[2]
        except SnapshotError:  # the first committee snapshot: nothing to compare with
            changes = []
        common = dict(lang=args.lang, changes=changes, comments=state.get("comments", []),
                      decisions=state.get("decisions", []), charts=not getattr(args, "no_charts", False))
        if getattr(args, "all_regions", False):
            paths = build_regional_packs(engine, meta, args.format, args.out, **common)
        else:
            paths = [build_pack(engine, meta, args.format, args.out, args.region, **common)]
    except (PackError, SnapshotError, NoWarehouse, ChartError) as e:
        print(f"erreur : {e}")
        return 1
    for p in paths:
        print(p)
    return 0


__all__ = ["FORMATS", "PackError", "add_pack_arguments", "build_pack", "build_regional_packs", "pack_command",
           "pack_filename", "slug"]
