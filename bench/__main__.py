"""python -m bench {etl,indicators,dashboard,exports,packs,api,auth,load,interact} [--scale S]: benchmarks that print figures."""

from __future__ import annotations

import importlib
import sys

BENCHES = ("etl", "indicators", "dashboard", "exports", "packs", "api", "auth", "load", "interact")


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHES:
        print(f"usage : python -m bench {{{','.join(BENCHES)}}} [--scale S]", file=sys.stderr)
        return 2
    name = sys.argv[1]
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError:
        print(f"le banc « {name} » n'existe pas encore", file=sys.stderr)
        return 2
    return module.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
