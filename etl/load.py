"""Load source files into a new warehouse built beside the published one, then swap it in atomically.

A failed, interrupted or killed load leaves the published warehouse untouched: readers keep their
connection to the old file (still valid after the rename) and see the new one when they reconnect.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

from etl import building as warehouse_build
from etl import slices
from etl.building import create_schema
from etl.delivery import discover, display_names, load_order, producer_name, producer_of
from etl.derived import carry_or_build
from etl.direct import insert_clean
from etl.errors import EtlError
from etl.read import CSV_SUFFIXES, FileScan, StagedFile, recognise, scan_file, stage_file
from etl.reference import load_reference
from etl.report import MAX_PROBLEMS_SHOWN, FileReport, RunReport
from etl.sources import CONTRACTS, Contract
from etl.validate import Validator
from settings import Settings

ETL_VERSION = "1.0"
LOAD_MEMORY_LIMIT = "700MB"
Progress = Callable[[int, int, str], None]


def today(settings: Settings) -> date:
    return date.fromisoformat(settings.today) if settings.today else date.today()


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


@contextmanager
def _load_lock(settings: Settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".load.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise EtlError("un autre chargement est en cours (verrou data/.load.lock) : réessayez après") from e
        yield


class _Loader:
    def __init__(self, settings: Settings, con: duckdb.DuckDBPyConnection, run_id: str, lenient: bool,
                 workdir: Path) -> None:
        self.settings = settings
        self.con = con
        self.run_id = run_id
        self.lenient = lenient
        self.workdir = workdir
        self.validator = Validator(con, today(settings))
        self.n = 0
        self.touched: set[str] = set()  # sources with a delivery merged in this run
        self.published_files: set[str] = set()  # their file ids

    def stage(self, path: Path, report: FileReport, scan: FileScan | None = None) -> StagedFile | None:
        self.n += 1
        table = f"stg_{self.n}"
        try:
            report.source = recognise(path).name
        except EtlError:
            pass  # recognised by its header while staging, or reported then
        try:
            staged = stage_file(self.con, path, table, self.workdir, scan=scan)
        except EtlError as e:
            report.error = str(e)
            return None
        report.source = staged.contract.name
        report.detected = staged.detected.describe()
        if not staged.contract.several_producers:
            report.producer = ""  # one producer: the period is the whole slice
        return staged

    def publish_directly(self, staged: StagedFile, report: FileReport) -> bool:
        """Publish a CSV breaking no rule in one pass (etl/direct.py); False: nothing done, validate it."""
        if not staged.is_view or report.sha256 in self.published_files:
            return False  # the same bytes twice in a run: their rows could not be told apart
        inserted = insert_clean(self.con, self.validator, staged, report.sha256, self.run_id)
        if inserted is None:
            return False
        report.rows_read = report.rows_loaded = inserted
        valid = f"{staged.table}_valid"
        cols = ", ".join(f'"{n}"' for n in staged.contract.column_names)
        # our own values (a sha256 in hex, a run id), not user data
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {valid} AS SELECT {cols} FROM {staged.contract.table} "
                         f"WHERE file_id = '{report.sha256}' AND run_id = '{self.run_id}'")
        self._publish(staged, valid, report, inserted=True)
        return True

    def validate(self, staged: StagedFile, report: FileReport) -> tuple[StagedFile, str, str] | None:
        try:
            typed = self.validator.parse(staged)  # a CSV is read here
        except EtlError as e:
            report.error = str(e)
            self.drop_staging(staged)
            return None
        report.rows_read = staged.rows or 0
        if not report.rows_read:
            sheets = f", feuille(s) {', '.join(staged.detected.sheets)}" if staged.detected.sheets else ""
            report.error = str(EtlError(
                f"aucune ligne de données sous l'en-tête (ligne {staged.detected.header_line}{sheets}) : fichier "
                "refusé, un fichier vide ne remplace aucune période ; vérifiez l'export", file=staged.path.name))
            self.drop_staging(staged)
            return None
        self.con.execute(staged.drop_sql())  # the typed table keeps the raw text (r_*) it needs
        problems = self.validator.problems_table(staged, typed)
        if staged.contract.name == "deployments":
            self.validator.cross_check_solutions(staged, typed, problems, "SELECT solution_id FROM dim_solution")
        report.problems_count = self.con.execute(f"SELECT count(*) FROM {problems}").fetchone()[0]
        report.problems = self.validator.problems(staged, problems, limit=MAX_PROBLEMS_SHOWN)
        report.rows_rejected = self.con.execute(
            f"SELECT count(DISTINCT (coalesce(__sheet, ''), __line)) FROM {problems}").fetchone()[0]
        return staged, typed, problems

    def merge(self, staged: StagedFile, typed: str, problems: str, report: FileReport) -> None:
        """Publish a file's valid rows: they replace the rows of earlier runs in every period they cover (the
        slices of a delivery, docs/data-model.md), and any row with the same natural key."""
        cols = ", ".join(f'"{n}"' for n in staged.contract.column_names)
        valid = f"{staged.table}_valid"
        # A view, not a copy: the typed rows minus those with a problem (all of them, usually).
        where = "" if not report.problems_count else (
            f" WHERE NOT EXISTS (SELECT 1 FROM {problems} p WHERE p.__line = t.__line "
            "AND p.__sheet IS NOT DISTINCT FROM t.__sheet)")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {valid} AS SELECT {cols} FROM {typed} t{where}")
        self._publish(staged, valid, report, inserted=False)
        if report.problems_count:
            self.con.execute(
                f"INSERT INTO reject SELECT ?, ?, ?, ?, __sheet, __line, column_name, value, rule, message "
                f"FROM {problems}", [self.run_id, report.sha256, report.file, staged.contract.name])

    def _publish(self, staged: StagedFile, valid: str, report: FileReport, inserted: bool) -> None:
        """Make the rows of `valid` a file's published rows: replace the earlier runs' rows of their periods and
        any row with the same natural key; `inserted`: they are in the table already (etl/direct.py)."""
        c: Contract = staged.contract
        file_id = report.sha256
        cols = ", ".join(f'"{n}"' for n in c.column_names)
        periods = f"{staged.table}_periods"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {periods} AS SELECT DISTINCT {c.period_sql()} AS period "
                         f"FROM {valid}")
        others = True
        if inserted:  # a first load: nothing else to replace (a count of a table is free)
            others = self.con.execute(f"SELECT count(*) FROM {c.table}").fetchone()[0] > report.rows_loaded
        if others:
            # Files of one source loaded in the same run form one delivery: each adds to the others' periods. Of a
            # source several producers deliver, a producer's delivery replaces only its own rows of them.
            producer, params = "", [self.run_id]
            if c.several_producers:
                producer = (" AND f.file_id IN (SELECT file_id FROM source_file WHERE source = ? AND "
                            "coalesce(producer, '') = ?)")
                params += [c.name, report.producer]
            self.con.execute(f"DELETE FROM {c.table} f WHERE f.run_id <> ? AND {c.period_sql('f')} IN "
                             f"(SELECT period FROM {periods}){producer}", params)
            nullable = {col.name for col in c.columns if not col.required}
            on = " AND ".join(f'f."{k}" IS NOT DISTINCT FROM v."{k}"' if k in nullable else f'f."{k}" = v."{k}"'
                              for k in c.natural_key)
            # A key holding its period can only be left in this run's rows of those periods; else (an event whose
            # date moved to another month) it may be anywhere.
            same_run = " AND f.run_id = ?" if c.period_column in c.natural_key else ""
            own = " AND NOT (f.file_id = ? AND f.run_id = ?)" if inserted else ""
            self.con.execute(f"DELETE FROM {c.table} f WHERE EXISTS (SELECT 1 FROM {valid} v WHERE {on})"
                             f"{same_run}{own}",
                             ([self.run_id] if same_run else []) + ([file_id, self.run_id] if inserted else []))
        if not inserted:
            self.con.execute(f"INSERT INTO {c.table} ({cols}, file_id, run_id) SELECT {cols}, ?, ? FROM {valid}",
                             [file_id, self.run_id])
            report.rows_loaded = self.con.execute(f"SELECT count(*) FROM {valid}").fetchone()[0]
        self.con.execute(f"INSERT INTO {slices.DELIVERED} SELECT ?, period, ?, ? FROM {periods}",
                         [c.name, file_id, report.producer])
        self.con.execute(f"DROP TABLE {periods}")
        self.touched.add(c.name)
        self.published_files.add(file_id)
        pmin = pmax = None
        if c.column(c.period_column).type in ("date", "month"):
            pmin, pmax = self.con.execute(f'SELECT min("{c.period_column}"), max("{c.period_column}") '
                                          f"FROM {valid}").fetchone()
        archived = self.archive(staged.path, c.name, file_id)
        self.con.execute("DELETE FROM source_file WHERE file_id = ?", [file_id])
        self.con.execute(
            "INSERT INTO source_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [file_id, c.name, report.file, file_id, staged.path.stat().st_size, self.run_id, archived,
             report.detected, report.rows_read, report.rows_loaded, report.rows_rejected, pmin, pmax,
             report.producer],
        )

    def archive(self, path: Path, source: str, sha: str) -> str:
        rel = Path("archive") / source / f"{sha}{path.suffix.lower()}"
        target = self.settings.data_dir / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        return str(rel)

    def drop_staging(self, staged: StagedFile) -> None:
        self.con.execute(f"DROP VIEW IF EXISTS {staged.table}_valid")
        self.validator.drop(staged)
        self.con.execute(staged.drop_sql())


def _write_run_report(settings: Settings, report: RunReport) -> None:
    settings.runs_dir.mkdir(parents=True, exist_ok=True)
    (settings.runs_dir / f"{report.run_id}.json").write_text(report.to_json(), encoding="utf-8")


def _process(loader: _Loader, files: list[Path], report: RunReport, progress: Progress | None,
             publish: bool, names: dict[Path, str] | None = None, producer: str = "") -> None:
    for i, path in enumerate(sorted(files, key=load_order), start=1):
        if progress:
            progress(i - 1, len(files), path.name)
        # One read of the bytes gives the sha256 and, for a CSV, what its reader needs to know.
        scan = scan_file(path, text=path.suffix.lower() in CSV_SUFFIXES)
        name = (names or {}).get(path, path.name)
        fr = FileReport(file=name, sha256=scan.sha256, producer=producer_of(name, producer))
        report.files.append(fr)
        staged_file = loader.stage(path, fr, scan)
        if staged_file is None:
            continue
        if publish and loader.publish_directly(staged_file, fr):
            loader.drop_staging(staged_file)
            continue
        staged = loader.validate(staged_file, fr)
        if staged is None:
            continue
        if publish and (loader.lenient or fr.problems_count == 0):
            loader.merge(*staged, fr)
            loader.drop_staging(staged[0])
            continue
        if not publish and fr.problems_count == 0:  # what it would replace, for the volume guard of `check`
            slices.record_checked(loader.con, staged[0].contract, staged[1], fr.sha256, fr.producer)
        if staged[0].contract.name == "solutions":
            # Later deployment files in this run may refer to these solutions.
            loader.con.execute(
                f"INSERT INTO dim_solution SELECT solution_id, solution_name, editeur_siren, editeur_name, "
                f"couloir_code, vague, referenced_date, 'check', 'check' FROM {staged[1]} WHERE solution_id "
                "IS NOT NULL AND solution_name IS NOT NULL AND editeur_siren IS NOT NULL AND editeur_name IS NOT "
                "NULL AND couloir_code IS NOT NULL AND vague IS NOT NULL AND referenced_date IS NOT NULL "
                "AND solution_id NOT IN (SELECT solution_id FROM dim_solution)"
            )
        loader.drop_staging(staged[0])
    if progress:
        progress(len(files), len(files), "terminé")


def load(paths: Iterable[Path] | None, settings: Settings, lenient: bool = False,
         progress: Progress | None = None, accept_shrink: bool = False, author: str | None = None,
         producer: str | None = None) -> RunReport:
    """Validate and publish the given files (default: the raw directory). Never raises for bad input.

    `accept_shrink`: publish even when a delivery makes a published period fall beyond its source's tolerance
    (recorded in the run report and, under `author`, in the app-state audit journal). `producer`: who delivered
    the files, for the sources several producers deliver (default: the folder holding each file, if any)."""
    report = RunReport(run_id=new_run_id(), command="load", mode="lenient" if lenient else "strict",
                       started_at=datetime.now(), warehouse=str(settings.warehouse))
    building = settings.warehouse.with_name(f"{settings.warehouse.name}.building-{report.run_id}")
    try:
        with _load_lock(settings):
            given = producer_name(producer)
            args = list(paths or [settings.raw_dir])
            files = discover(args)
            if not files:
                raise EtlError(f"aucun fichier source trouvé dans {', '.join(str(p) for p in args)}")
            # Left by a killed load; we hold the lock, so nobody is using them.
            for stale in settings.warehouse.parent.glob(f"{settings.warehouse.name}.building-*"):
                stale.unlink(missing_ok=True)
            for stale in (settings.data_dir / "tmp").glob("load-*"):
                shutil.rmtree(stale, ignore_errors=True)
            settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
            workdir = settings.data_dir / "tmp" / f"load-{report.run_id}"
            workdir.mkdir(parents=True, exist_ok=True)
            def configure(con: duckdb.DuckDBPyConnection) -> None:
                con.execute("SET preserve_insertion_order = true")
                con.execute("SET temp_directory = ?", [str(workdir)])
                # Bounded memory whatever the file sizes: DuckDB spills to the work directory beyond this.
                con.execute("SET memory_limit = ?", [LOAD_MEMORY_LIMIT])

            # A copy of the published file (only what the run changes is rewritten), etl/building.py
            con, in_place = warehouse_build.start(building, settings.warehouse, configure)
            try:
                load_reference(con, settings.reference_dir)
                slices.snapshot_published(con)
                loader = _Loader(settings, con, report.run_id, lenient, workdir)
                _process(loader, files, report, progress, publish=True, names=display_names(args, files),
                         producer=given)
                failed = any(f.error for f in report.files) or (not lenient and report.problems_count)
                if not (failed and not lenient):
                    slices.rebuild(con, loader.touched)
                    slices.guard_volumes(con, report, accept_shrink, author)
                if failed and not lenient or report.shrinks and not accept_shrink:
                    report.status = "failed"
                else:
                    report.status = "published_with_rejects" if report.problems_count else "published"
                    slices.mark_superseded(con, loader.touched)
                    # etl/derived.py: read-side tables rebuilt from the published facts when the events changed
                    carry_or_build(con, "funding_events" in loader.touched, settings.warehouse, in_place)
                    _record_run(con, report, files)
                    con.execute("CHECKPOINT")
            finally:
                con.close()
                shutil.rmtree(workdir, ignore_errors=True)
            if report.status == "failed":
                building.unlink(missing_ok=True)
            else:
                if report.shrinks:  # never published without its audit entry
                    slices.journal_accepted_shrink(settings, report)
                _fsync(building)
                os.replace(building, settings.warehouse)
    except EtlError as e:
        report.status = "failed"
        report.message = "\n".join(m for m in (report.message, str(e)) if m)
        building.unlink(missing_ok=True)
    except Exception as e:  # an unforeseen failure still ends as a failed run with its report, not a traceback
        report.status = "failed"
        report.message = f"erreur inattendue pendant le chargement ({type(e).__name__}) : {e}"
        building.unlink(missing_ok=True)
    if report.status == "failed":
        for f in report.files:  # nothing was published
            f.rows_loaded = 0
    report.finished_at = datetime.now()
    _write_run_report(settings, report)
    return report


def _record_run(con: duckdb.DuckDBPyConnection, report: RunReport, files: list[Path]) -> None:
    for fr in report.files:
        if fr.error:  # only in lenient mode: the whole file is rejected, keep why
            con.execute(
                "INSERT INTO reject VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL, 'file', ?)",
                [report.run_id, fr.sha256, fr.file, fr.source or "?", fr.error])
    con.execute(
        "INSERT INTO load_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [report.run_id, report.started_at, datetime.now(), report.status, report.mode, len(files),
         report.rows_read, report.rows_loaded, report.rows_rejected, report.problems_count, ETL_VERSION],
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check(paths: Iterable[Path], settings: Settings, progress: Progress | None = None,
          producer: str | None = None) -> RunReport:
    """Validate files against their contracts without publishing anything; when they are valid, say as well
    which published periods their load would make shrink beyond tolerance (the guard of `load`)."""
    report = RunReport(run_id=new_run_id(), command="check", mode="strict", started_at=datetime.now())
    try:
        given = producer_name(producer)
        files = discover(paths)
        if not files:
            raise EtlError("aucun fichier à vérifier")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        workdir = settings.data_dir / "tmp" / f"check-{report.run_id}"
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            create_schema(con)
            load_reference(con, settings.reference_dir)
            published = settings.warehouse.exists()
            if published:
                con.execute("ATTACH ? AS pub (READ_ONLY)", [str(settings.warehouse)])
                con.execute("INSERT INTO dim_solution SELECT * FROM pub.dim_solution")
                con.execute("DETACH pub")
            slices.snapshot_for_check(con, settings.warehouse if published else None)
            _process(_Loader(settings, con, report.run_id, False, workdir), files, report, progress, publish=False,
                     names=display_names(paths, files), producer=given)
            if published and not report.problems_count:  # as `load`: the guard once every file is valid
                shrinks = slices.checked_shrinks(con)
                if shrinks:
                    report.shrinks = [s.to_dict() for s in shrinks]
                    report.message = slices.shrink_message(shrinks, accepted=False, checking=True)
        finally:
            con.close()
            shutil.rmtree(workdir, ignore_errors=True)
        report.status = "problems" if report.problems_count or report.shrinks else "ok"
    except EtlError as e:
        report.status = "problems"
        report.message = str(e)
    report.finished_at = datetime.now()
    return report


def contract_for(name: str) -> Contract:
    return CONTRACTS[name]
