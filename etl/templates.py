"""From the contracts: docs/sources.md and one template file per source (CSV and XLSX)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from etl.sources import CONTRACTS, PATTERNS, Column, Contract

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DOC = ROOT / "docs" / "sources.md"
TYPE_FR = {
    "text": "texte", "code": "code", "identifier": "identifiant", "integer": "entier", "decimal": "nombre",
    "amount_eur": "montant (€)", "date": "date", "month": "mois", "boolean": "oui/non",
}
PERIODICITY_FR = {"monthly": "mensuelle", "quarterly": "trimestrielle", "yearly": "annuelle", "on_event": "au fil de l'eau"}


def _allowed(col: Column) -> str:
    if col.allowed:
        return ", ".join(f"`{a}`" for a in col.allowed)
    if col.ref:
        return f"référentiel `{col.ref}` (data/reference)"
    if col.pattern:
        return PATTERNS[col.pattern][1]
    bounds = []
    if col.max_length:
        bounds.append(f"{col.max_length} caractères au plus")
    if col.min_value is not None:
        bounds.append(f"≥ {col.min_value:g}")
    if col.max_value is not None:
        bounds.append(f"≤ {col.max_value:g}")
    return ", ".join(bounds)


def _period_grain(c: Contract) -> str:
    return "année" if c.column(c.period_column).type == "integer" else "mois"


def contract_markdown(c: Contract) -> str:
    lines = [
        f"## `{c.name}` — {c.title_fr}",
        "",
        c.description_fr,
        "",
        f"- Producteur : {c.producer} ; périodicité {PERIODICITY_FR.get(c.periodicity, c.periodicity)}, "
        f"disponible {c.availability_delay_days} jours après la fin de la période.",
        f"- Nom de fichier : commence par `{c.name}` (ex. `{c.name}_2025-10.csv`) ; table `{c.table}`.",
        f"- Clé naturelle : {', '.join(f'`{k}`' for k in c.natural_key)} (unique dans le fichier ; une ligne déjà "
        "publiée avec la même clé est remplacée).",
        f"- Période : `{c.period_column}` ({_period_grain(c)}) ; une livraison remplace exactement les périodes "
        "qu'elle contient (docs/data-model.md)"
        + (" ; **plusieurs producteurs** : chacun ne remplace que ses propres lignes de ces périodes (producteur "
           "donné par `--producteur` ou par le sous-dossier du fichier)." if c.several_producers else "."),
        f"- Garde de volume : refus si une période remplacée perd plus de {c.shrink_tolerance:.0%} de ses lignes"
        .replace("%", "\u00a0%")
        + (f" ou de son total `{c.total_column}`" if c.total_column else "")
        + " (`--accept-shrink` pour publier délibérément).",
        f"- Modèles : `data/templates/{c.name}.csv`, `data/templates/{c.name}.xlsx` (`python -m etl templates`).",
        "",
        "| Colonne | Type | Obligatoire | Unité | Valeurs admises | Description | Autres noms acceptés | Exemple |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for col in c.columns:
        lines.append(
            f"| `{col.name}` | {TYPE_FR[col.type]} | {'oui' if col.required else 'non'} | {col.unit} | "
            f"{_allowed(col)} | {col.description_fr} | {', '.join(col.aliases)} | {col.example} |"
        )
    if c.checks:
        lines += ["", "Contrôles entre colonnes : " + ", ".join(f"`{k}`" for k in c.checks) + "."]
    return "\n".join(lines)


def sources_markdown() -> str:
    head = """# Sources de données : contrats

Ce document est **généré** depuis les contrats déclarés dans `etl/sources/` (`python -m etl docs`) ; un test
échoue s'il n'est plus à jour. Chaque producteur (ASP, ARS, CNSA, Cnam, ANS) y trouve exactement ce qu'il doit
envoyer.

## Ce que le chargeur accepte

- **CSV** séparé par `;`, `,`, tabulation ou `|` ; encodé en UTF-8 (avec ou sans BOM) ou Windows-1252 (cp1252) ;
  nombres avec virgule décimale et espaces de milliers (`1 020,50`) ou point décimal ; dates `31/12/2024` ou
  `2024-12-31` ; mois `2024-12`, `12/2024` ou `déc. 2024`. Des lignes de titre au-dessus de l'en-tête sont
  ignorées.
- **XLSX** : l'en-tête peut être précédé d'un titre ; plusieurs feuilles de même en-tête sont lues à la suite, les
  feuilles sans en-tête reconnu (« Lisez-moi ») sont ignorées.
- Les noms de colonnes sont comparés sans accents ni casse ; des noms alternatifs sont acceptés (colonne
  « Autres noms »). Les codes département `1`…`9` et les FINESS à 8 chiffres (zéro initial perdu par Excel)
  sont complétés.
- Ce qui a été détecté (encodage, séparateur, décimale, ligne d'en-tête, feuilles, colonnes renommées) est
  affiché par `python -m etl check` et `python -m etl load`, et conservé dans la table `source_file`.

## Contrôles

Par ligne : valeur obligatoire, type, code connu (référentiels), format FINESS/SIREN/RPPS, montants et
effectifs positifs, dates entre le 01/01/2015 et un an après aujourd'hui (mois : pas dans le futur), cohérence
département/région, doublons de clé naturelle, et les contrôles propres à chaque source. Chaque problème est
signalé sous la forme `fichier:ligne:colonne: message`. Par défaut, un seul problème empêche toute publication ;
avec `--lenient`, les lignes valides sont publiées et les lignes rejetées conservées avec leur motif (table
`reject`).
"""
    return head + "\n" + "\n\n".join(contract_markdown(c) for c in CONTRACTS.values()) + "\n"


def write_sources_doc(path: Path = SOURCES_DOC) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sources_markdown(), encoding="utf-8")
    return path


def write_templates(out_dir: Path) -> list[Path]:
    """A CSV (`;`, UTF-8 with BOM, French Excel) and an XLSX template per source, with one example row."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for c in CONTRACTS.values():
        csv_path = out_dir / f"{c.name}.csv"
        with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(c.column_names)
            w.writerow([col.example for col in c.columns])
        written.append(csv_path)
        wb = Workbook()
        ws = wb.active
        ws.title = "Données"
        ws.append(c.column_names)
        ws.append([col.example for col in c.columns])
        bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="000091")
        for i, col in enumerate(c.columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font, cell.fill = bold, fill
            ws.column_dimensions[get_column_letter(i)].width = max(14, len(col.name) + 4)
            ws.cell(row=2, column=i).number_format = "@"
        ws.freeze_panes = "A2"
        doc = wb.create_sheet("Colonnes")
        doc.append(["Colonne", "Type", "Obligatoire", "Unité", "Valeurs admises", "Description"])
        for col in c.columns:
            doc.append([col.name, TYPE_FR[col.type], "oui" if col.required else "non", col.unit, _allowed(col),
                        col.description_fr])
        xlsx_path = out_dir / f"{c.name}.xlsx"
        wb.save(xlsx_path)
        written.append(xlsx_path)
    return written
