"""Committee snapshots: the published warehouse, the catalogue and the app state frozen for a COSUI.

A snapshot is a read-only directory `<snapshots_dir>/<id>/` holding `warehouse.duckdb` (a verified copy
of the published file), `indicators.yaml` (the exact catalogue bytes), `appstate.json` (comments, météo
and decisions as they stood) and `manifest.json` (hashes and sizes). `open_snapshot` recomputes every
figure from those files alone, so a later load or a catalogue change never alters a past committee.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from appstate import validate
from appstate.audit import record_event
from appstate.db import session_factory
from appstate.export import dumps, export_state
from appstate.models import Snapshot, utcnow
from etl.read import sha256_of
from indicators.catalog import CatalogueError, parse_catalogue
from indicators.compute import PROGRAMME_START, Engine, parse_month
from settings import Settings

ID_PATTERN = re.compile(r"^s-[0-9]{8}-[0-9a-f]{6}$")
WAREHOUSE, CATALOGUE, STATE, MANIFEST = "warehouse.duckdb", "indicators.yaml", "appstate.json", "manifest.json"


class SnapshotError(ValueError):
    """A snapshot that cannot be created, found, opened or deleted; the message says why, in French."""


@dataclass(frozen=True)
class SnapshotMeta:
    id: str
    label: str
    created_at: datetime
    created_by: str
    as_of: date
    directory: Path
    warehouse_sha256: str
    catalogue_sha256: str
    size_bytes: int
    deleted_at: datetime | None = None
    deleted_by: str | None = None

    @property
    def warehouse_file(self) -> Path:
        return self.directory / WAREHOUSE

    @property
    def catalogue_file(self) -> Path:
        return self.directory / CATALOGUE


def _meta(settings: Settings, row: Snapshot) -> SnapshotMeta:
    return SnapshotMeta(row.id, row.label, row.created_at, row.created_by, row.as_of,
                        settings.snapshots_dir / row.id, row.warehouse_sha256, row.catalogue_sha256, row.size_bytes,
                        row.deleted_at, row.deleted_by)


def _checked_id(snapshot_id: str) -> str:
    ident = (snapshot_id or "").strip()
    if not ID_PATTERN.match(ident):
        raise SnapshotError(f"identifiant d'instantané invalide « {snapshot_id} » (attendu p. ex. s-20261128-abc123 ;"
                            " voir `python -m reports snapshot list`)")
    return ident


def _as_of(value: str | date | None, latest: date) -> date:
    if value is None:
        return latest
    try:
        month = parse_month(value)
    except ValueError:
        raise SnapshotError(f"mois invalide « {value} » (attendu AAAA-MM)") from None
    if not PROGRAMME_START <= month <= latest:
        raise SnapshotError(f"mois {month:%Y-%m} hors des données publiées ({PROGRAMME_START:%Y-%m} à {latest:%Y-%m})")
    return month


def _copy_verified(src: Path, dst: Path) -> tuple[str, int]:
    """Copy through a temporary name, hashing on the way, re-read the copy to verify it, then rename."""
    h = hashlib.sha256()
    tmp = dst.with_name(dst.name + ".part")
    with src.open("rb") as fin, tmp.open("wb") as fout:  # the open file survives a publish swapping `src`
        while chunk := fin.read(1 << 20):
            h.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    if sha256_of(tmp) != h.hexdigest():
        raise SnapshotError(f"copie de l'entrepôt corrompue (empreinte différente) : {dst}")
    os.replace(tmp, dst)
    return h.hexdigest(), dst.stat().st_size


def _write(path: Path, data: bytes) -> dict:
    path.write_bytes(data)
    return {"sha256": sha256_of(path), "size_bytes": path.stat().st_size}


def _remove(directory: Path) -> None:
    if directory.exists():
        directory.chmod(0o755)
        shutil.rmtree(directory)


def create_snapshot(settings: Settings, label: str, as_of: str | date | None = None, *, author: str,
                    sessions=None, catalogue_path: Path | None = None) -> SnapshotMeta:
    """Freeze the published warehouse, the catalogue and the app state under a new snapshot id."""
    label = validate.text(label, "libellé de l'instantané", 200)
    today = date.fromisoformat(settings.today) if settings.today else None
    author = validate.author(author)
    if not settings.warehouse.exists():
        raise SnapshotError(f"aucun entrepôt publié ({settings.warehouse}) : lancez d'abord `python -m etl load`")
    catalogue_path = Path(catalogue_path or settings.indicators)
    try:
        raw = catalogue_path.read_bytes()
        catalogue = parse_catalogue(raw, file=str(catalogue_path))
    except OSError as e:
        raise SnapshotError(f"catalogue illisible {catalogue_path} : {e.strerror}") from e
    except CatalogueError as e:
        raise SnapshotError(f"le catalogue contient des erreurs, corrigez-le avant l'instantané :\n{e}") from e
    sessions = sessions or session_factory(settings.app_db)
    now = utcnow()
    snap_id = f"s-{now:%Y%m%d}-{secrets.token_hex(3)}"
    final = settings.snapshots_dir / snap_id
    staging = settings.snapshots_dir / f".creating-{snap_id}"
    staging.mkdir(parents=True)
    try:
        wh_sha, wh_size = _copy_verified(settings.warehouse, staging / WAREHOUSE)
        today = today or now.date()
        engine = Engine(staging / WAREHOUSE, catalogue, today=today)
        try:
            month = _as_of(as_of, engine.latest_month())
        finally:
            close = getattr(engine.db, "close", None)  # let go of the staging file before it is renamed
            if close is not None:
                close()
            del engine
        files = {WAREHOUSE: {"sha256": wh_sha, "size_bytes": wh_size}, CATALOGUE: _write(staging / CATALOGUE, raw)}
        with sessions() as session:
            files[STATE] = _write(staging / STATE, dumps(export_state(session, as_of=now)).encode("utf-8"))
        manifest = {
            "format_version": 1, "id": snap_id, "label": label, "created_at": now.isoformat(),
            "created_by": author, "as_of": month.isoformat()[:7], "today": today.isoformat(),
            "warehouse_sha256": wh_sha,
            "catalogue_sha256": catalogue.sha256, "catalogue_source": str(catalogue_path), "files": files,
            "size_bytes": sum(f["size_bytes"] for f in files.values()),
        }
        _write(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        for f in staging.iterdir():
            f.chmod(0o444)
        os.replace(staging, final)
        final.chmod(0o555)
        row = Snapshot(id=snap_id, label=label, created_at=now, created_by=author, as_of=month,
                       warehouse_file=f"{snap_id}/{WAREHOUSE}", warehouse_sha256=wh_sha,
                       catalogue_sha256=catalogue.sha256, size_bytes=sum(f.stat().st_size for f in final.iterdir()))
        with sessions.begin() as session:
            session.add(row)
            record_event(session, author, "snapshot.create", "snapshot", snap_id,
                         {"label": label, "as_of": manifest["as_of"], "warehouse_sha256": wh_sha,
                          "catalogue_sha256": catalogue.sha256, "size_bytes": row.size_bytes}, now=now)
    except BaseException:
        _remove(staging)
        _remove(final)
        raise
    return _meta(settings, row)


def read_manifest(settings: Settings, snapshot_id: str) -> dict:
    snap_id = _checked_id(snapshot_id)
    path = settings.snapshots_dir / snap_id / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"instantané introuvable « {snap_id} » (supprimé, ou autre dossier de données ?) : "
                            "voir `python -m reports snapshot list`") from None


def open_snapshot(settings: Settings, snapshot_id: str) -> tuple[Engine, SnapshotMeta]:
    """An engine over the snapshot's own warehouse copy and catalogue, `today` = the creation date.

    (The creation date is the SEGUR_TODAY setting in force then, if one was set, as for the live engine.)
    """
    manifest = read_manifest(settings, snapshot_id)
    directory = settings.snapshots_dir / manifest["id"]
    raw = (directory / CATALOGUE).read_bytes()
    if sha256_of(directory / CATALOGUE) != manifest["files"][CATALOGUE]["sha256"]:
        raise SnapshotError(f"le catalogue de l'instantané {manifest['id']} a été modifié (empreinte différente)")
    if (directory / WAREHOUSE).stat().st_size != manifest["files"][WAREHOUSE]["size_bytes"]:
        raise SnapshotError(f"l'entrepôt de l'instantané {manifest['id']} a été modifié (taille différente)")
    try:
        catalogue = parse_catalogue(raw, file=f"snapshot:{manifest['id']}/{CATALOGUE}")
    except CatalogueError as e:
        raise SnapshotError(f"le catalogue figé dans l'instantané {manifest['id']} n'est plus lisible par cette "
                            f"version du code :\n{e}") from e
    created_at = datetime.fromisoformat(manifest["created_at"])
    meta = SnapshotMeta(manifest["id"], manifest["label"], created_at, manifest["created_by"],
                        date.fromisoformat(manifest["as_of"] + "-01"), directory, manifest["warehouse_sha256"],
                        manifest["catalogue_sha256"], manifest["size_bytes"])
    today = date.fromisoformat(manifest.get("today") or created_at.date().isoformat())
    return Engine(directory / WAREHOUSE, catalogue, today=today), meta


def verify_snapshot(settings: Settings, snapshot_id: str) -> list[str]:
    """Every file re-hashed against the manifest; the problems found (empty: intact)."""
    manifest = read_manifest(settings, snapshot_id)
    directory = settings.snapshots_dir / manifest["id"]
    problems = []
    for name, expected in manifest["files"].items():
        path = directory / name
        if not path.exists():
            problems.append(f"{name} : fichier manquant")
        elif sha256_of(path) != expected["sha256"]:
            problems.append(f"{name} : empreinte différente du manifeste (fichier modifié)")
    return problems


def snapshot_state(settings: Settings, snapshot_id: str) -> dict:
    """The comments, météo and decisions frozen in the snapshot (see appstate.export)."""
    manifest = read_manifest(settings, snapshot_id)
    return json.loads((settings.snapshots_dir / manifest["id"] / STATE).read_text(encoding="utf-8"))


def list_snapshots(settings: Settings, *, include_deleted: bool = False, sessions=None) -> list[SnapshotMeta]:
    """Snapshots, newest first, with their size on disk."""
    sessions = sessions or session_factory(settings.app_db)
    stmt = select(Snapshot).order_by(Snapshot.created_at.desc())
    if not include_deleted:
        stmt = stmt.where(Snapshot.deleted_at.is_(None))
    with sessions() as session:
        return [_meta(settings, row) for row in session.scalars(stmt)]


def get_snapshot(settings: Settings, snapshot_id: str, *, sessions=None) -> SnapshotMeta:
    snap_id = _checked_id(snapshot_id)
    with (sessions or session_factory(settings.app_db))() as session:
        row = session.get(Snapshot, snap_id)
    if row is None:
        raise SnapshotError(f"instantané inconnu « {snap_id} » : voir `python -m reports snapshot list`")
    return _meta(settings, row)


def delete_snapshot(settings: Settings, snapshot_id: str, *, author: str, confirm: str,
                    sessions=None) -> SnapshotMeta:
    """Delete a snapshot's files and mark its row deleted; `confirm` must repeat its id (or label)."""
    author = validate.author(author)
    snap_id = _checked_id(snapshot_id)
    sessions = sessions or session_factory(settings.app_db)
    directory = settings.snapshots_dir / snap_id
    trash = settings.snapshots_dir / f".deleting-{snap_id}"
    with sessions() as session:
        row = session.get(Snapshot, snap_id)
        if row is None or row.deleted_at is not None:
            raise SnapshotError(f"instantané inconnu ou déjà supprimé « {snap_id} »")
        if (confirm or "").strip() not in (row.id, row.label):
            raise SnapshotError(f"confirmation incorrecte : pour supprimer l'instantané « {row.label} », "
                                f"retapez son identifiant {row.id} (ou son libellé)")
    if directory.exists():
        os.replace(directory, trash)  # out of sight at once; put back if the database refuses
    try:
        with sessions.begin() as session:
            row = session.get(Snapshot, snap_id)
            if row.deleted_at is not None:
                raise SnapshotError(f"instantané déjà supprimé « {snap_id} »")
            row.deleted_at, row.deleted_by = utcnow(), author
            record_event(session, author, "snapshot.delete", "snapshot", snap_id,
                         {"label": row.label, "created_at": row.created_at, "created_by": row.created_by,
                          "as_of": row.as_of, "warehouse_sha256": row.warehouse_sha256,
                          "catalogue_sha256": row.catalogue_sha256, "size_bytes": row.size_bytes},
                         now=row.deleted_at)
            meta = _meta(settings, row)
    except BaseException:
        if trash.exists() and not directory.exists():
            os.replace(trash, directory)
        raise
    _remove(trash)
    return meta
