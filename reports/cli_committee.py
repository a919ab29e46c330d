"""`python -m reports snapshot create|list|delete|diff|verify`: committee snapshots from the command line.

Bad input prints one French sentence and exits 1; never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os

from appstate.changes import capped
from indicators import fmt
from settings import load_settings

SEVERITY_MARK = {"high": "✖", "medium": "▲", "low": "·"}


def _default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (container without passwd entry)
        return ""


def _size(n: int) -> str:
    for unit, factor in (("Go", 1 << 30), ("Mo", 1 << 20), ("ko", 1 << 10)):
        if n >= factor:
            return f"{fmt.number(n / factor, 'fr', digits=1, compact=False)} {unit}"
    return f"{n} o"


def _fail(message: str) -> int:
    print(f"erreur : {message}")
    return 1


def _guard(func):
    """Turn the errors a user can cause (bad id, month, missing warehouse, catalogue) into exit code 1."""
    def run(args: argparse.Namespace) -> int:
        from indicators.catalog import CatalogueError
        from indicators.db import NoWarehouse

        try:
            return func(args)
        except (ValueError, KeyError, NoWarehouse, CatalogueError) as e:
            return _fail(str(e.args[0]) if e.args else str(e))
        except PermissionError as e:
            return _fail(f"droits insuffisants sur {e.filename} : {e.strerror}")
        except BrokenPipeError:  # output piped into `head`: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            return 0
    return run


@_guard
def cmd_create(args: argparse.Namespace) -> int:
    from reports.snapshot import create_snapshot

    meta = create_snapshot(load_settings(), args.label, args.as_of, author=args.author)
    if args.json:
        print(json.dumps(_meta_dict(meta), ensure_ascii=False, indent=2))
        return 0
    print(f"Instantané créé : {meta.id} « {meta.label} », chiffres au {fmt.month(meta.as_of)}, "
          f"{_size(meta.size_bytes)}")
    print(f"  dossier : {meta.directory}")
    print(f"  entrepôt sha256 {meta.warehouse_sha256[:12]}…  catalogue sha256 {meta.catalogue_sha256[:12]}…")
    return 0


def _meta_dict(m) -> dict:
    return {"id": m.id, "label": m.label, "created_at": m.created_at.isoformat(), "created_by": m.created_by,
            "as_of": m.as_of.isoformat()[:7], "size_bytes": m.size_bytes, "directory": str(m.directory),
            "warehouse_sha256": m.warehouse_sha256, "catalogue_sha256": m.catalogue_sha256,
            "deleted_at": m.deleted_at.isoformat() if m.deleted_at else None, "deleted_by": m.deleted_by}


@_guard
def cmd_list(args: argparse.Namespace) -> int:
    from reports.snapshot import list_snapshots

    metas = list_snapshots(load_settings(), include_deleted=args.all)
    if args.json:
        print(json.dumps([_meta_dict(m) for m in metas], ensure_ascii=False, indent=2))
        return 0
    if not metas:
        print("Aucun instantané. Créez-en un : python -m reports snapshot create --label \"COSUI n°14\"")
        return 0
    print(f"{'identifiant':<19} {'libellé':<28} {'créé le':<17} {'par':<14} {'au':<10} {'taille':>9}")
    for m in metas:
        gone = f"  (supprimé le {m.deleted_at:%d/%m/%Y} par {m.deleted_by})" if m.deleted_at else ""
        print(f"{m.id:<19} {m.label[:28]:<28} {m.created_at:%d/%m/%Y %H:%M} {m.created_by[:14]:<14} "
              f"{fmt.month(m.as_of):<10} {_size(m.size_bytes):>9}{gone}")
    print(f"{len(metas)} instantané(s), {_size(sum(m.size_bytes for m in metas if not m.deleted_at))} au total")
    return 0


@_guard
def cmd_delete(args: argparse.Namespace) -> int:
    from reports.snapshot import delete_snapshot

    meta = delete_snapshot(load_settings(), args.id, author=args.author, confirm=args.confirm or "")
    print(f"Instantané supprimé : {meta.id} « {meta.label} » (trace conservée dans le journal d'audit)")
    return 0


@_guard
def cmd_verify(args: argparse.Namespace) -> int:
    from reports.snapshot import verify_snapshot

    problems = verify_snapshot(load_settings(), args.id)
    for p in problems:
        print(f"  {p}")
    print("Instantané intact." if not problems else f"{len(problems)} problème(s) : instantané altéré.")
    return 0 if not problems else 1


@_guard
def cmd_diff(args: argparse.Namespace) -> int:
    from reports.diff import diff_snapshot

    current, previous, changes = diff_snapshot(load_settings(), args.id, args.against, regions=not args.national)
    if args.json:
        print(json.dumps({"current": _side(current), "previous": _side(previous),
                          "changes": [c.as_dict() for c in changes]}, ensure_ascii=False, indent=2, default=str))
        return 0
    fr = args.lang == "fr"
    title = "Depuis le dernier comité :" if fr else "Since the last committee:"
    print(f"{title} {_side(previous, fr)['label']} ({fmt.month(previous.as_of, args.lang)}) → "
          f"{_side(current, fr)['label']} ({fmt.month(current.as_of, args.lang)})")
    shown, _ = capped(changes, None if args.limit <= 0 else args.limit)  # high-severity changes always listed
    for c in shown:
        print(f" {SEVERITY_MARK[c.severity]} {c.sentence_fr if fr else c.sentence_en}")
    rest = len(changes) - len(shown)
    if rest:
        print(f" … et {rest} autre(s) changement(s) (--limit 0 pour tout voir)" if fr
              else f" … and {rest} more change(s) (--limit 0 to see all)")
    if not changes:
        print(" Aucun changement." if fr else " No change.")
    return 0


def _side(side, fr: bool = True) -> dict:
    meta = side.meta
    live = "données actuelles" if fr else "live data"
    return {"id": meta.id if meta else "live", "label": meta.label if meta else live,
            "as_of": side.as_of.isoformat()[:7]}


def _exit_1_on_error(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Usage errors exit with 1 like every other bad input (argparse's default is 2)."""
    def error(message: str):
        parser.print_usage()
        parser.exit(1, f"erreur : {message}\n")
    parser.error = error
    return parser


def add_commands(sub) -> None:
    from reports.pack import add_pack_arguments, pack_command

    pack = _exit_1_on_error(sub.add_parser("pack", help="dossier du comité (PDF, PPTX, XLSX) d'un instantané"))
    add_pack_arguments(pack).set_defaults(func=pack_command)

    snap = _exit_1_on_error(sub.add_parser("snapshot", help="instantanés du comité de suivi (COSUI)"))
    cmds = snap.add_subparsers(dest="snapshot_command", required=True, metavar="ACTION")
    add = cmds.add_parser

    def add_parser(*a, **kw):
        return _exit_1_on_error(add(*a, **kw))
    cmds.add_parser = add_parser

    p = cmds.add_parser("create", help="figer l'entrepôt publié, le catalogue et les commentaires")
    p.add_argument("--label", required=True, help='libellé, p. ex. "COSUI n°14"')
    p.add_argument("--as-of", dest="as_of", help="mois des chiffres, AAAA-MM (défaut : dernier mois chargé)")
    p.add_argument("--author", default=_default_author(), help="auteur (défaut : l'utilisateur du système)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_create)

    p = cmds.add_parser("list", help="lister les instantanés")
    p.add_argument("--all", action="store_true", help="inclure les instantanés supprimés")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("delete", help="supprimer un instantané (confirmation exigée)")
    p.add_argument("id")
    p.add_argument("--confirm", help="retapez l'identifiant (ou le libellé) de l'instantané")
    p.add_argument("--author", default=_default_author())
    p.set_defaults(func=cmd_delete)

    p = cmds.add_parser("verify", help="revérifier les empreintes des fichiers d'un instantané")
    p.add_argument("id")
    p.set_defaults(func=cmd_verify)

    p = cmds.add_parser("diff", help="ce qui a changé depuis un instantané")
    p.add_argument("id")
    p.add_argument("--against", default="live",
                   help="live (défaut : données actuelles), previous (l'instantané d'avant) ou un identifiant")
    p.add_argument("--national", action="store_true", help="sans le détail par région")
    p.add_argument("--limit", type=int, default=40, help="nombre de lignes affichées (0 : toutes)")
    p.add_argument("--lang", choices=("fr", "en"), default="fr")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)
