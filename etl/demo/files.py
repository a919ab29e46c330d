"""One writer per source file: file name (starting with the contract name), format and header."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from etl.demo import events, writers
from etl.demo.deployment import PROGRAMMES, Deployments
from etl.demo.documents import DocCube
from etl.demo.populations import YEARS
from etl.demo.reference import Reference
from etl.demo.solutions import Solutions
from etl.demo.writers import FRENCH, ISO_BOM, SEMICOLON_UTF8, Sheet, fmt_amount, fmt_date, fmt_int, fmt_month

CHUNK = 200_000
AMOUNT_FORMAT = "#,##0.00"


def _codes(idx: np.ndarray, labels: Iterable[str]) -> list[str]:
    return np.array(list(labels), dtype=object)[np.asarray(idx, dtype=np.int64)].tolist()


def _period(months: int) -> str:
    last = months - 1
    return f"2021-01_{2021 + last // 12}-{last % 12 + 1:02d}"


def envelopes(out: Path, rows: list[tuple]) -> Path:
    path = out / "budget_envelopes_dns.xlsx"
    writers.write_xlsx(path, [Sheet(
        "Enveloppes", ("dispositif_code", "couloir_code", "region_code", "year", "amount_eur", "source_label"),
        rows, title="Enveloppes Ségur numérique — source DNS", formats={4: AMOUNT_FORMAT})])
    return path


def solutions(out: Path, sol: Solutions) -> Path:
    path = out / "solutions_referencees_ans.xlsx"
    rows = [(sol.ids[i], sol.names[i], sol.vendor_siren[sol.vendor[i]], sol.vendor_names[sol.vendor[i]],
             sol.couloir[i], int(sol.vague[i]), np.datetime64(int(sol.referenced[i]), "D").item())
            for i in range(len(sol))]
    writers.write_xlsx(path, [Sheet(
        "Solutions", ("solution_id", "solution_name", "editeur_siren", "editeur_name", "couloir_code", "vague",
                      "referenced_date"),
        rows, title="Solutions référencées Ségur — source ANS", formats={6: "DD/MM/YYYY"})])
    return path


def populations(out: Path, rows: list[tuple]) -> Path:
    path = out / f"populations_{YEARS[0]}-{YEARS[-1]}.xlsx"
    header = ("departement_code", "population_kind", "couloir_code", "reference_year", "population_count")
    readme = (
        "Populations cibles par département (dénominateurs des indicateurs Ségur numérique)",
        "Sources : Cnam (assurés), DREES / FINESS (établissements, laboratoires, ESSMS), RPPS (médecins).",
        "Les données sont réparties sur deux onglets de même structure : 2021-2023 et 2024-2025.",
        "population_kind : assures, etablissements_sante, hopitaux_eligibles_sunes, medecins_liberaux, "
        "officines, laboratoires, structures_radiologie, essms.",
        "Données de démonstration générées : ne pas diffuser comme chiffres officiels.",
    )
    early = [r for r in rows if r[3] <= 2023]
    late = [r for r in rows if r[3] > 2023]
    title = "Populations cibles — source DREES / Cnam / FINESS"
    writers.write_xlsx(path, [
        Sheet("Lisez-moi", text=readme),
        Sheet("2021-2023", header, early, title=title),
        Sheet("2024-2025", header, late, title=title),
    ])
    return path


def deployments(out: Path, dep: Deployments, sol: Solutions, ref: Reference) -> Path:
    path = out / "deployments_sons.csv"
    header = ("site_id", "site_kind", "solution_id", "dispositif_code", "couloir_code", "vague", "departement_code",
              "ordered_date", "installed_date", "validated_date")
    disp = [p.dispositif for p in PROGRAMMES]
    coul = [p.couloir for p in PROGRAMMES]
    vag = [str(p.vague) for p in PROGRAMMES]

    def chunks() -> Iterator[list[list[str]]]:
        for s in range(0, len(dep), CHUNK):
            sl = slice(s, s + CHUNK)
            yield [dep.site_id[sl].tolist(), dep.site_kind[sl].tolist(), sol.ids[dep.solution[sl]].tolist(),
                   _codes(dep.programme[sl], disp), _codes(dep.programme[sl], coul), _codes(dep.programme[sl], vag),
                   _codes(dep.dep[sl], ref.dep_codes), fmt_date(dep.ordered[sl], ISO_BOM),
                   fmt_date(dep.installed[sl], ISO_BOM), fmt_date(dep.validated[sl], ISO_BOM)]

    writers.write_csv(path, header, chunks(), ISO_BOM)
    return path


def funding_events(out: Path, producers: list, ref: Reference) -> Path:
    path = out / "funding_events_asp_ars_cnsa_cnam.csv"
    header = ("event_id", "dispositif_code", "couloir_code", "vague", "region_code", "departement_code",
              "beneficiary_id", "beneficiary_kind", "beneficiary_name", "event_type", "event_date", "amount_eur",
              "funding_window", "commitment_ref")
    region = np.array(ref.dep_region, dtype=object)
    ids = events.Ids()

    def chunks() -> Iterator[list[list[str]]]:
        for produce in producers:
            for blk in produce():
                done = events.finalise(blk, ids)
                for b in events.split(done, CHUNK):
                    yield [ids.render(b["id_group"], b["id_seq"]), b["dispositif"].tolist(), b["couloir"].tolist(),
                           b["vague"].tolist(), region[b["dep"]].tolist(), _codes(b["dep"], ref.dep_codes),
                           b["ben_id"].tolist(), b["ben_kind"].tolist(), writers.fmt_text(b["ben_name"], FRENCH),
                           b["etype"].tolist(), fmt_date(b["date"], FRENCH), fmt_amount(b["cents"], FRENCH),
                           fmt_int(b["window"], FRENCH, missing=0), ids.render(b["ref_group"], b["ref_seq"])]

    writers.write_csv(path, header, chunks(), FRENCH)
    return path


def mes_documents(out: Path, docs: DocCube, months: int, ref: Reference) -> Path:
    path = out / f"mes_documents_{_period(months)}.csv"
    header = ("month", "departement_code", "couloir_code", "document_type", "documents_count")

    def chunks() -> Iterator[list[list[str]]]:
        n_dep = len(ref.dep_codes)
        for t in range(months):
            active = [k for k in range(len(docs.series)) if docs.start[k] <= t]
            k = np.repeat(active, n_dep)
            d = np.tile(np.arange(n_dep), len(active))
            yield [fmt_month(np.full(len(k), t), FRENCH), _codes(d, ref.dep_codes),
                   [docs.series[i].couloir for i in k], [docs.series[i].document_type for i in k],
                   fmt_int(docs.counts[k, t, d], FRENCH)]

    writers.write_csv(path, header, chunks(), FRENCH)
    return path


def usage_etablissements(out: Path, rows: Iterator[dict], docs: DocCube, months: int, ref: Reference) -> Path:
    path = out / f"usage_etablissements_{_period(months)}.csv"
    header = ("month", "finess", "departement_code", "couloir_code", "document_type", "documents_count")
    couloir = [s.couloir for s in docs.series]
    doc_type = [s.document_type for s in docs.series]

    def chunks() -> Iterator[list[list[str]]]:
        for r in rows:
            yield [fmt_month(r["month"], ISO_BOM), r["finess"].tolist(), _codes(r["dep"], ref.dep_codes),
                   _codes(r["series"], couloir), _codes(r["series"], doc_type), fmt_int(r["documents_count"], ISO_BOM)]

    writers.write_csv(path, header, chunks(), ISO_BOM)
    return path


def monthly_table(out: Path, name: str, table: dict[str, np.ndarray], counts: tuple[str, ...], months: int,
                  ref: Reference, dialect: writers.Dialect, aliases: dict[str, str] | None = None) -> Path:
    """A département-level monthly table: month, departement_code[, couloir_code], counts."""
    path = out / f"{name}_{_period(months)}.csv"
    aliases = aliases or {}
    has_couloir = "couloir" in table
    header = ["month", "departement_code"] + (["couloir_code"] if has_couloir else []) + list(counts)
    cols = [fmt_month(table["month"], dialect), _codes(table["dep"], ref.dep_codes)]
    if has_couloir:
        cols.append(table["couloir"].tolist())
    cols += [fmt_int(np.asarray(table[c]), dialect, missing=-1) for c in counts]
    writers.write_csv(path, [aliases.get(h, h) for h in header], [cols], dialect)
    return path


DIALECTS = {"mes_profiles": ISO_BOM, "usage_professionnels": ISO_BOM, "mssante_messages": SEMICOLON_UTF8,
            "eprescriptions": FRENCH}
