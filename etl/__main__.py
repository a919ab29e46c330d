"""python -m etl {load,check,status,templates,docs,demo}: the data engineer's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from settings import load_settings


def _progress_bar(enabled: bool):
    if not enabled:
        return None

    def show(done: int, total: int, label: str) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:50]:<50}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Chargement des données Ségur numérique")
    sub = parser.add_subparsers(dest="command", required=True)
    p_load = sub.add_parser("load", help="valider et publier les fichiers sources (défaut : data/raw/)")
    p_load.add_argument("paths", nargs="*", type=Path)
    p_load.add_argument("--lenient", action="store_true", help="publier les lignes valides, garder les rejets")
    p_load.add_argument("--accept-shrink", action="store_true",
                        help="publier même si une livraison fait baisser une période publiée au-delà de la tolérance "
                             "de sa source (consigné dans le rapport et le journal d'audit)")
    p_load.add_argument("--as", dest="author", metavar="IDENTIFIANT",
                        help="qui accepte la baisse, pour le journal d'audit (défaut : l'utilisateur du système)")
    p_check = sub.add_parser("check", help="valider sans publier (et dire si un chargement serait refusé pour baisse)")
    p_check.add_argument("paths", nargs="+", type=Path)
    for p in (p_load, p_check):
        p.add_argument("--producteur", dest="producer", metavar="NOM",
                       help="qui livre ces fichiers, pour une source que plusieurs producteurs livrent (défaut : le "
                            "dossier de chaque fichier sous le dossier donné) ; une livraison ne remplace que les "
                            "lignes de son producteur")
    sub.add_parser("status", help="dernières exécutions, fraîcheur par source, volumes")
    p_tpl = sub.add_parser("templates", help="écrire un modèle CSV et XLSX par source")
    p_tpl.add_argument("--out", type=Path, default=None)
    sub.add_parser("docs", help="régénérer docs/sources.md depuis les contrats")
    p_demo = sub.add_parser("demo", help="générer des fichiers sources de démonstration")
    p_demo.add_argument("--scale", type=float, default=1.0)
    p_demo.add_argument("--seed", type=int, default=42)
    p_demo.add_argument("--out", type=Path, default=None)
    for p in (p_load, p_check, sub.choices["status"], p_tpl, sub.choices["docs"], p_demo):
        p.add_argument("--json", action="store_true", help="rapport lisible par une machine")
    args = parser.parse_args(argv)
    settings = load_settings()

    if args.command in ("load", "check"):
        from etl.load import check, load

        progress = _progress_bar(sys.stderr.isatty() and not args.json)
        if args.command == "load":
            report = load(args.paths or None, settings, lenient=args.lenient, progress=progress,
                          accept_shrink=args.accept_shrink, author=args.author, producer=args.producer)
        else:
            report = check(args.paths, settings, progress=progress, producer=args.producer)
        print(report.to_json() if args.json else report.to_text())
        return 0 if report.ok else 1
    if args.command == "status":
        from etl.load import today
        from etl.status import status, status_text

        s = status(settings, today(settings))
        print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else status_text(s))
        return 0
    if args.command == "templates":
        from etl.templates import write_templates

        written = write_templates(args.out or settings.data_dir / "templates")
        print(json.dumps([str(p) for p in written]) if args.json else "\n".join(str(p) for p in written))
        return 0
    if args.command == "docs":
        from etl.templates import write_sources_doc

        path = write_sources_doc()
        print(json.dumps({"written": str(path)}) if args.json else f"écrit : {path}")
        return 0
    if args.command == "demo":
        import time

        from etl.demo import generate
        from etl.load import today

        t0 = time.perf_counter()
        written = generate(args.out or settings.raw_dir, scale=args.scale, seed=args.seed, today=today(settings))
        elapsed = time.perf_counter() - t0
        if args.json:
            print(json.dumps({"files": [str(p) for p in written], "seconds": round(elapsed, 2)}))
        else:
            print(f"{len(written)} fichiers de démonstration écrits dans {args.out or settings.raw_dir} "
                  f"en {elapsed:.1f} s")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
