"""What an extract says about itself: a « Contexte » sheet (what, when, which filters, how many rows) and a
« Dictionnaire » sheet (each column: French label, type, unit, description), written from the source contracts
(etl/sources/) or from the tidy table's own declaration. Parquet carries the same as column metadata.

Identifier and code columns (FINESS, SIREN, département `01`) are text in the XLSX and Parquet files; the CSV
stays plain text as well (no `="01"` trick, which a spreadsheet runs as a formula): the dictionary says which
columns are text, and docs/api.md shows how to open the CSV with those columns typed as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from etl.sources import Contract
from reports import VERSION

TYPE_WORDS = {"text": "texte", "code": "code (texte)", "identifier": "identifiant (texte)", "integer": "entier",
              "decimal": "nombre", "amount_eur": "montant (€)", "date": "date", "month": "mois (1er jour)",
              "boolean": "oui/non", "number": "nombre", "ratio": "proportion (0–1)"}
LINEAGE = (("file_id", "text", "Fichier source (empreinte SHA-256)",
            "Empreinte SHA-256 du fichier brut dont vient la ligne (feuille Provenance du classeur)", ""),
           ("run_id", "text", "Chargement", "Identifiant de l'exécution de chargement qui a publié la ligne", ""))
DICT_HEADER = ("Colonne", "Libellé", "Type", "Unité", "Description")
CONTEXT_SHEET, DICT_SHEET = "Contexte", "Dictionnaire"


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    type: str  # a key of TYPE_WORDS
    label: str
    description: str
    unit: str = ""

    def metadata(self) -> dict[str, str]:
        """The Parquet field metadata of the column."""
        return {"label_fr": self.label, "type": TYPE_WORDS.get(self.type, self.type), "unit": self.unit,
                "description_fr": self.description}


def contract_columns(contract: Contract, lineage: bool = False) -> list[ColumnDoc]:
    """The columns of a source contract's fact table, as the extract writes them."""
    docs = [ColumnDoc(c.name, c.type, c.description_fr or c.name, _describe(c), c.unit) for c in contract.columns]
    if lineage:
        docs += [ColumnDoc(*entry) for entry in LINEAGE]
    return docs


def _describe(c) -> str:
    parts = [c.description_fr or c.name]
    if c.ref:
        parts.append(f"code du référentiel {c.ref}")
    if c.allowed:
        parts.append("valeurs : " + ", ".join(c.allowed))
    if not c.required:
        parts.append("facultatif")
    return " ; ".join(parts)


def dictionary_rows(columns: list[ColumnDoc]) -> list[tuple]:
    return [DICT_HEADER, *((c.name, c.label, TYPE_WORDS.get(c.type, c.type), c.unit, c.description)
                           for c in columns)]


def context_rows(title: str, facts: list[tuple[str, object]]) -> list[tuple]:
    """The Contexte sheet: a title row, then (key, value) rows; the generation time and version added."""
    return [(title, None), *facts, ("Généré le", datetime.now().replace(microsecond=0)),
            ("Version de l'application", VERSION),
            ("Colonnes", f"voir la feuille « {DICT_SHEET} » (libellé, type, unité, description de chaque colonne)")]


def filters_text(applied: dict[str, str], ignored: dict[str, str] | None = None) -> str:
    words = ", ".join(f"{k} = {v}" for k, v in applied.items() if k != "as_of") or "aucun"
    if ignored:
        words += " ; sans objet pour cette table : " + ", ".join(f"{k} = {v}" for k, v in ignored.items())
    return words


def sheets(title: str, facts: list[tuple[str, object]], columns: list[ColumnDoc]) -> tuple:
    """(name, rows, widths, header rows) of the two sheets that follow an extract's data sheet."""
    return ((CONTEXT_SHEET, context_rows(title, facts), (30, 90), (1,)),
            (DICT_SHEET, dictionary_rows(columns), (22, 40, 20, 10, 90), (1,)))


def file_metadata(title: str, facts: list[tuple[str, object]]) -> dict[str, str]:
    """The same context as Parquet file metadata."""
    return {"title": title, **{k: str(v) for k, v in facts}, "generator": f"Pilotage Ségur numérique {VERSION}"}
