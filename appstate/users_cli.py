"""`python -m appstate users add|list|grant|revoke|disable|enable|reset-password|demo`: people and rights from
the shell.

Changes are signed `cli` in the audit journal. A new local account without `--password-stdin` gets a random
one-time password, printed once; the person must choose their own at their first sign-in. `reset-password`
does the same for an existing local account (a forgotten password, a lock-out); OIDC-only accounts are refused.
"""

from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy.exc import SQLAlchemyError

from appstate import db, users
from indicators.scope import ADMIN_DONNEES, CONTRIBUTEUR, LECTEUR, ROLES, SECRETARIAT
from settings import load_settings

BY = "cli"
# make run on freshly generated demo data: one account per role, and an ARS contributor for Bretagne (53).
DEMO_ACCOUNTS = (
    ("demo.lecteur", "Lecteur (démo)", [LECTEUR], []),
    ("demo.contributeur", "Contributeur national (démo)", [LECTEUR, CONTRIBUTEUR], []),
    ("demo.ars.bretagne", "ARS Bretagne, contributeur (démo)", [LECTEUR, CONTRIBUTEUR], ["53"]),
    ("demo.secretariat", "Secrétariat du comité (démo)", [LECTEUR, CONTRIBUTEUR, SECRETARIAT], []),
    ("demo.donnees", "Administrateur des données (démo)", [LECTEUR, ADMIN_DONNEES], []),
    ("demo.admin", "Administrateur (démo)", list(ROLES), []),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m appstate users", description="Personnes et habilitations")
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="créer une personne (compte local, ou identité OIDC pré-habilitée)")
    p_add.add_argument("login")
    p_add.add_argument("--email")
    p_add.add_argument("--name", help="nom affiché")
    p_add.add_argument("--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    p_add.add_argument("--oidc-only", action="store_true", help="sans mot de passe local (connexion OIDC seulement)")
    for name in ("add", "grant", "revoke"):
        p = p_add if name == "add" else sub.add_parser(name, help=f"{'ajouter' if name == 'grant' else 'retirer'} "
                                                                  "des rôles ou des régions")
        if name != "add":
            p.add_argument("login")
        p.add_argument("--role", action="append", default=[], choices=ROLES, help="rôle (répétable)")
        p.add_argument("--region", action="append", default=[], help="code INSEE de région (répétable ; aucun = national)")
    for name, text in (("disable", "désactiver une personne"), ("enable", "réactiver une personne")):
        sub.add_parser(name, help=text).add_argument("login")
    sub.add_parser("reset-password", help="nouveau mot de passe à usage unique (à changer à la connexion suivante)"
                   ).add_argument("login")
    sub.add_parser("list", help="lister les personnes et leurs droits")
    sub.add_parser("demo", help="comptes de démonstration, un par rôle (base sans personne seulement)")
    for p in sub.choices.values():
        p.add_argument("--json", action="store_true", help="sortie lisible par une machine")
    return parser


def _as_dict(u: users.UserView, password: str | None = None) -> dict:
    out = {"login": u.login, "email": u.email, "display_name": u.display_name, "roles": list(u.roles),
           "regions": list(u.regions), "national": u.national, "disabled": u.disabled,
           "local_password": u.has_password, "oidc": u.oidc_sub is not None,
           "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None}
    if password:
        out["one_time_password"] = password
    return out


def _line(u: users.UserView) -> str:
    scope = ", ".join(u.regions) if u.regions else "national"
    state = " [désactivé]" if u.disabled else ""
    return f"{u.login:<24} {', '.join(u.roles) or '(aucun rôle)':<48} {scope}{state}"


def _run(args, session) -> tuple[list[users.UserView], dict[str, str]]:
    passwords: dict[str, str] = {}
    if args.command == "list":
        return users.list_users(session), passwords
    if args.command == "demo":
        if users.count_users(session):
            raise ValueError("la base contient déjà des personnes : aucun compte de démonstration n'est ajouté")
        out = []
        for login, name, roles, regions in DEMO_ACCOUNTS:
            passwords[login] = users.new_password()
            out.append(users.view(users.create_user(session, login, by=BY, display_name=name, roles=roles,
                                                    regions=regions, password=passwords[login],
                                                    must_change_password=True)))
        return out, passwords
    if args.command == "add":
        password = None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        elif not args.oidc_only:
            password = passwords[args.login.strip().lower()] = users.new_password()
        user = users.create_user(session, args.login, by=BY, display_name=args.name, email=args.email,
                                 password=password, roles=args.role, regions=args.region,
                                 must_change_password=not args.password_stdin and not args.oidc_only)
    elif args.command in ("grant", "revoke"):
        user = getattr(users, args.command)(session, args.login, by=BY, roles=args.role, regions=args.region)
    elif args.command == "reset-password":
        user, password = users.reset_password(session, args.login, by=BY)
        passwords[user.login] = password
    else:
        user = users.set_disabled(session, args.login, args.command == "disable", by=BY)
    return [users.view(user)], passwords


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        sessions = db.session_factory(load_settings().app_db)
        with sessions.begin() as session:
            views, passwords = _run(args, session)
    except ValueError as e:
        print(f"erreur : {e}", file=sys.stderr)
        return 1
    except SQLAlchemyError as e:
        print(f"erreur : base de l'état applicatif inaccessible : {e.__class__.__name__}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([_as_dict(u, passwords.get(u.login)) for u in views], ensure_ascii=False, indent=2))
        return 0
    for u in views:
        print(_line(u))
        if u.login in passwords:
            print(f"    mot de passe à usage unique : {passwords[u.login]}  (à changer à la prochaine connexion)")
    return 0
