"""What a delivery is: the files given (found under folders), how each is named in reports and lineage, who
produced it, and the order they are loaded in."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from etl.errors import EtlError
from etl.read import SUPPORTED_SUFFIXES, recognise
from etl.sources import LOAD_ORDER


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every supported file under the given files/directories (sorted, hidden and lock files skipped)."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES))
        elif p.exists():
            found.append(p)
        else:
            raise EtlError("fichier ou dossier introuvable", file=str(p))
    return [f for f in found if not f.name.startswith((".", "~$"))]


def display_names(args: Iterable[Path], files: list[Path]) -> dict[Path, str]:
    """How a file is named in reports and lineage: its path under the folder given (`ars_idf/x.csv`), so two
    producers' files with the same name are two files; a file given directly keeps its bare name."""
    roots = [Path(a) for a in args if Path(a).is_dir()]
    names = {}
    for f in files:
        root = next((r for r in roots if f.is_relative_to(r)), None)
        names[f] = f.relative_to(root).as_posix() if root else f.name
    return names


def load_order(path: Path) -> int:
    try:
        return LOAD_ORDER.index(recognise(path).name)
    except EtlError:
        return len(LOAD_ORDER)


def producer_name(value: str | None) -> str:
    """A producer as given with --producteur: stripped; refused when it could not name a folder."""
    name = (value or "").strip()
    if len(name) > 64 or any(ch in name for ch in "/\\") or any(ord(ch) < 32 for ch in name):
        raise EtlError(f"producteur « {name[:64]} » refusé : au plus 64 caractères, sans / ni caractère de contrôle "
                       "(ex. ars-idf, asp)")
    return name


def producer_of(name: str, given: str) -> str:
    """A file's producer: the one given for the run, else the folder holding it under the directory given
    (`ars-idf/funding_events.csv` → ars-idf), else none ('')."""
    return given or (name.split("/", 1)[0] if "/" in name else "")
