"""`python -m appstate upgrade|downgrade|current`: migrate the app-state database (SEGUR_APP_DB);
`python -m appstate users …`: people and their rights (appstate/users_cli.py).

The dashboard migrates on first use; run `upgrade` at deployment to do it once, before the workers start.
"""

from __future__ import annotations

import argparse
import sys

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from appstate import db
from settings import load_settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["users"]:
        from appstate import users_cli

        return users_cli.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m appstate", description="Base de l'état applicatif")
    parser.add_argument("action", choices=("upgrade", "downgrade", "current", "users"))
    parser.add_argument("revision", nargs="?", help="révision cible (défaut : head, ou base pour downgrade)")
    args = parser.parse_args(argv)
    url = load_settings().app_db
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = db.make_engine(url)
        if args.action == "upgrade":
            db.upgrade(engine, args.revision or "head")
        elif args.action == "downgrade":
            db.downgrade(engine, args.revision or "base")
        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
    except ImportError as e:
        print(f"erreur : pilote manquant pour {shown} ({e.name}) : installez-le, p. ex. pip install \"psycopg[binary]\"")
        return 1
    except SQLAlchemyError as e:
        print(f"erreur : base {shown} inaccessible : {e.__class__.__name__}: {e.args[0] if e.args else e}")
        return 1
    print(f"{shown} : révision {revision or 'aucune (base vide)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
