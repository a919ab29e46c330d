"""What a load or a check tells the user: per file, what was detected, read, loaded, rejected and why."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from etl.validate import Problem

MAX_PROBLEMS_SHOWN = 200


@dataclass
class FileReport:
    file: str
    source: str | None = None
    sha256: str | None = None
    detected: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    problems_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # at most MAX_PROBLEMS_SHOWN kept here
    error: str | None = None  # a file-level error (unreadable, unknown source, missing columns)
    # who delivered it, for a source several producers deliver (--producteur, or its folder); '' : unnamed
    producer: str = ""


@dataclass
class RunReport:
    run_id: str
    command: str  # load | check
    mode: str  # strict | lenient
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # published | published_with_rejects | failed | ok | problems
    warehouse: str | None = None
    files: list[FileReport] = field(default_factory=list)
    message: str = ""
    # Published periods this run makes fall beyond their source's tolerance (etl/slices.py), and who accepted
    # them (--accept-shrink; None: refused)
    shrinks: list[dict] = field(default_factory=list)
    shrink_accepted_by: str | None = None

    @property
    def problems_count(self) -> int:
        return sum(f.problems_count + (1 if f.error else 0) for f in self.files)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def ok(self) -> bool:
        return self.status in ("published", "published_with_rejects", "ok")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat(timespec="seconds")
        d["finished_at"] = self.finished_at.isoformat(timespec="seconds") if self.finished_at else None
        for f, fd in zip(self.files, d["files"], strict=True):
            fd["problems"] = [{"location": p.location(), **asdict(p)} for p in f.problems]
        d.update(problems_count=self.problems_count, rows_read=self.rows_read, rows_loaded=self.rows_loaded,
                 rows_rejected=self.rows_rejected)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = []
        for f in self.files:
            if f.error:
                lines.append(f"ERREUR {f.error}")
                continue
            producer = f", producteur {f.producer}" if f.producer else ""
            lines.append(
                f"{f.file} → {f.source}{producer} ({f.detected}) : {f.rows_read} lignes lues, {f.rows_loaded} "
                f"chargées, {f.rows_rejected} rejetées"
            )
            lines.extend(f"  {p}" for p in f.problems)
            hidden = f.problems_count - len(f.problems)
            if hidden > 0:
                lines.append(f"  … et {hidden} autre(s) problème(s) (voir --json ou la table reject)")
        verdict = {
            "published": "Publié",
            "published_with_rejects": "Publié avec rejets (mode --lenient)",
            "failed": "ÉCHEC : rien n'a été publié, l'entrepôt précédent est intact",
            "ok": "Vérification OK",
            "problems": "Vérification : des problèmes ont été trouvés",
        }.get(self.status, self.status)
        lines.append(
            f"{verdict} — exécution {self.run_id} : {len(self.files)} fichier(s), {self.rows_read} lignes lues, "
            f"{self.rows_loaded} chargées, {self.rows_rejected} rejetées, {self.problems_count} problème(s)."
        )
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)
