"""Who may start heavy work now: per-person and global counts of queued/running jobs, and the disk quota of the
job directory. One admission at a time across every process sharing the directory (an flock on a file in it),
so two workers or two app instances cannot both take the last place. Refusals are French sentences.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reports.extracts import ExtractError

ANONYMOUS = "anonyme"  # everybody without a signed-in identity shares one allowance


class JobRefused(ExtractError):
    """A job the limits do not let start now; the message tells the person what to do."""


@dataclass(frozen=True)
class Limits:
    per_person: int = 2
    global_active: int = 8
    quota_bytes: int = 2048 * 1024 * 1024


def owner_key(login: str | None) -> str:
    return (login or "").strip() or ANONYMOUS


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _size(n: int) -> str:
    from dashboard.format import fmt_bytes

    return fmt_bytes(n, "fr")


def used_bytes(out_dir: Path) -> int:
    """Bytes the job directory holds (finished files, partial files being written, states: pathlib's glob
    also matches the hidden .partial files)."""
    total = 0
    for p in out_dir.glob("*") if out_dir.is_dir() else []:
        try:
            if p.is_file():
                total += p.stat().st_size
        except OSError:
            continue
    return total


KINDS = {"extract": ("extraction", "extractions", "déjà en cours"),
         "pack": ("dossier du comité", "dossiers du comité", "déjà en préparation")}


def refusal(active: Iterable[tuple[str, str]], owner: str, limits: Limits, used: int, kind: str = "extract"
            ) -> str | None:
    """Why a new job of `kind` for `owner` cannot start (French), or None. `active`: (owner, kind) of every
    active job; the per-person limit counts that person's jobs of the same kind, the global one every job."""
    active = list(active)
    mine = sum(1 for o, k in active if o == owner and k == kind)
    one, many, state = KINDS[kind]
    if mine >= limits.per_person:
        return f"{_plural(mine, one, many)} {state} ; réessayez dans quelques minutes."
    if len(active) >= limits.global_active:
        return (f"La file des travaux est pleine ({_plural(len(active), 'travail', 'travaux')} en cours pour "
                "l'ensemble des utilisateurs) ; réessayez dans quelques minutes.")
    if used >= limits.quota_bytes:
        return (f"L'espace des fichiers préparés est plein ({_size(used)} sur {_size(limits.quota_bytes)}) ; "
                "les fichiers sont effacés après leur durée de conservation : réessayez plus tard"
                + (" ou filtrez davantage (région, couloir, mois)." if kind == "extract" else "."))
    return None


def over_quota(used: int, limits: Limits) -> str:
    return (f"Extraction arrêtée : l'espace des fichiers préparés est plein ({_size(used)} sur "
            f"{_size(limits.quota_bytes)}). Filtrez davantage (région, couloir, mois) ou réessayez plus tard.")


@contextmanager
def admission(out_dir: Path) -> Iterator[None]:
    """One admission at a time for every process sharing `out_dir` (released when the block ends)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / ".admission.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
