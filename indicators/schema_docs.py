"""Generate docs/indicators.schema.json (from the models) and docs/indicators.md (the catalogue, in French)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import settings
from etl.sources import CONTRACTS
from indicators.catalog import Catalogue
from indicators.model import UNIT_LABELS, CatalogueFile, Filter, Indicator, Measure, Milestone
from indicators.words import describe as words

SCHEMA_PATH = Path("docs/indicators.schema.json")
MARKDOWN_PATH = Path("docs/indicators.md")
_TABLE_SOURCES = {c.table: c for c in CONTRACTS.values()}
_GRAINS = {"month": "mois", "quarter": "trimestre", "year": "année"}
_DIMENSIONS = {"region": "région", "departement": "département", "couloir": "couloir", "dispositif": "dispositif",
               "vague": "vague", "editeur": "éditeur", "document_type": "type de document"}
_PERIODICITY = {"monthly": "mensuelle", "quarterly": "trimestrielle", "yearly": "annuelle"}


def render_schema() -> str:
    """The JSON schema of indicators.yaml, for editors and for review."""
    schema = CatalogueFile.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": "indicators.yaml"}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def number(value: float) -> str:
    """French number: 250 000 000, 10,4."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",")


def quantity(value: float, unit: str) -> str:
    return number(value) if unit == "count" else f"{number(value)} {UNIT_LABELS[unit][0]}"


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _column(table: str, column: str) -> str:
    contract = _TABLE_SOURCES.get(table)
    if contract is None or column not in contract.column_names:
        return f"`{table}.{column}`"
    return f"« {contract.column(column).description_fr} » (`{table}.{column}`)"


def _filter(column: str, f: Filter) -> str:
    def show(v: object) -> str:
        return day(v) if isinstance(v, dt.date) else str(v)

    if f.values is not None:
        values = [show(v) for v in f.values]
        return f"{column} = {values[0]}" if len(values) == 1 else f"{column} ∈ {{{', '.join(values)}}}"
    if f.not_null:
        return f"{column} renseigné"
    if f.is_null:
        return f"{column} vide"
    bounds = [f"≥ {show(f.gte)}" if f.gte is not None else "", f"≤ {show(f.lte)}" if f.lte is not None else ""]
    return f"{column} {' et '.join(b for b in bounds if b)}"


def describe(m: Measure) -> str:
    """A measure in French words."""
    if m.kind == "ratio":
        scale = f" × {number(m.scale)}" if m.scale != 1 else ""
        return f"[{describe(m.numerator)}] ÷ [{describe(m.denominator)}]{scale}"
    if m.kind == "difference":
        return f"[{describe(m.left)}] − [{describe(m.right)}]"
    if m.kind == "cumulative":
        since = f"depuis le {day(m.start)}" if m.start else "depuis le début"
        return f"cumul {since} de : {describe(m.of)}"
    if m.kind == "rolling":
        return f"somme sur {m.months} mois glissants de : {describe(m.of)}"
    contract = _TABLE_SOURCES.get(m.table)
    title = f"« {contract.title_fr} » " if contract else ""
    text = {
        "sum": lambda: f"somme de {_column(m.table, m.column)}",
        "count": lambda: f"nombre de lignes {title}(`{m.table}`)",
        "count_distinct": lambda: f"nombre de valeurs distinctes de {_column(m.table, m.column)}",
        "last": lambda: f"dernière valeur connue de {_column(m.table, m.column)}, sommée sur le périmètre",
        "avg": lambda: (f"moyenne de {_column(m.table, m.column)}" if m.column else
                        f"délai moyen en jours entre {_column(m.table, m.days_between[0])} et "
                        f"{_column(m.table, m.days_between[1])}"),
    }.get(m.kind, lambda: words(m, "fr"))()  # a kind without a doc sentence of its own: its words
    conditions = [_filter(c, f) for c, f in m.filters.items()]
    where = f", où {' ; '.join(conditions)}" if conditions else ""
    return f"{text} (période : `{m.date}`){where}"


def _milestone(ms: Milestone, unit: str) -> str:
    text = f"{day(ms.date)} : **{quantity(ms.value, unit)}**"
    if ms.label:
        text += f" — {ms.label.fr}"
    if ms.source:
        text += f" (source : {ms.source})"
    if ms.reference:
        text += " *(repère déjà constaté, pas une cible : aucun statut n'en découle)*"
    elif not ms.official:
        text += " *(jalon de pilotage, non officiel)*"
    return text


def _targets(ind: Indicator) -> str:
    lines = [_milestone(ms, ind.unit) for ms in ind.target.milestones]
    terr = ind.target.territorial
    if terr is not None:
        by = _DIMENSIONS[terr.by]
        if terr.values is not None:
            lines.append(f"Par {by} : " + " ; ".join(f"{c} {quantity(v, ind.unit)}" for c, v in terr.values.items()))
        elif terr.share == "explicit":
            lines.append(f"Par {by}, parts explicites : " + " ; ".join(f"{c} {number(v)}" for c, v in terr.shares.items()))
        else:
            rule = "au prorata de la population" if terr.share == "population" else "à parts égales"
            lines.append(f"Par {by} : cible nationale répartie {rule}")
    lines.append(f"Référence : {quantity(ind.baseline.value, ind.unit)} au {day(ind.baseline.date)}")
    return "<br>".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(ind: Indicator, weight: float | None, cat: Catalogue) -> str:
    sens = "↑ hausse attendue" if ind.direction == "up" else "↓ baisse attendue"
    measure = (f"{describe(ind.measure)}.<br>Grains : {', '.join(_GRAINS[g] for g in ind.grains)}. "
               f"Axes : {', '.join(_DIMENSIONS[d] for d in ind.dimensions) or 'national seulement'}.")
    sources = "<br>".join(f"`{s}` ({CONTRACTS[s].title_fr}, {CONTRACTS[s].producer})" for s in ind.sources)
    notes = [ind.notes.fr] if ind.notes else []
    if ind.status != cat.defaults.status:
        notes.append(f"Seuils de statut : {number(ind.status.on_track)} / {number(ind.status.watch)}.")
    if ind.freshness != cat.defaults.freshness:
        notes.append(f"Fraîcheur : {_PERIODICITY[ind.freshness.periodicity]}, {ind.freshness.delay_days} jours.")
    if not ind.public:
        notes.append("Diffusion restreinte à l'équipe de pilotage.")
    cells = [
        f"**{ind.id}**", f"{ind.label.fr}<br>*{ind.label.en}*", UNIT_LABELS[ind.unit][0],
        sens, f"{number(weight * 100)} %" if weight is not None else "—", measure, _targets(ind), sources, ind.owner,
        "<br>".join(notes) or "—",
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


_HEADER = ("| Id | Libellé | Unité | Sens | Poids | Mesure | Cibles datées | Sources | Propriétaire | Notes |\n"
           "|---|---|---|---|---|---|---|---|---|---|")


def render_markdown(cat: Catalogue) -> str:
    """The catalogue as French tables, one per objective."""
    d = cat.defaults
    out = [
        "# Catalogue des indicateurs du Ségur du numérique en santé", "",
        "> Fichier généré par `python -m indicators docs` à partir de `indicators.yaml` : ne pas le modifier "
        "à la main. Schéma du fichier : [indicators.schema.json](indicators.schema.json).", "",
        f"{len(cat.objectives)} objectifs, {len(cat.indicators)} indicateurs. Statut par défaut : « en bonne voie » "
        f"si le réalisé atteint {number(d.status.on_track * 100)} % de la trajectoire à date (dans le sens de "
        f"l'indicateur), « à surveiller » à partir de {number(d.status.watch * 100)} %, « en retard » en dessous. "
        f"Fraîcheur par défaut : {_PERIODICITY[d.freshness.periodicity]}, donnée attendue "
        f"{d.freshness.delay_days} jours après la fin de la période.", "",
        "Un jalon *de pilotage, non officiel* est proposé ici faute de cible publiée : la note de l'indicateur "
        "le dit.", "",
        "Un mois sans livraison est *manquant*, jamais zéro : pour toute la source (aucun département n'a "
        "transmis) comme pour un territoire (une région ou un département qui n'a pas transmis un mois où les "
        "autres l'ont fait). Un total glissant ou annuel qui le contient n'est pas calculé, une différence de deux "
        "mesures sur ce mois non plus ; l'« évolution sur une période » ne compare jamais le mois courant à un "
        "mois plus ancien par-dessus un mois manquant (« donnée manquante pour la période précédente »), et "
        "« Depuis le dernier comité » ne calcule pas d'évolution contre une valeur manquante ou incomplète : il "
        "le dit. Le statut est alors « données incomplètes », avec les mois nommés.", "",
    ]
    for obj in cat.objectives:
        out += [f"## {obj.id} — {obj.label.fr}", "", f"*{obj.label.en}*", "", obj.description.fr, "", _HEADER]
        out += [_row(cat.indicator(i), w, cat) for i, w in obj.weights.items()]
        out.append("")
    orphans = [ind for ind in cat.indicators if not cat.objectives_of(ind.id)]
    if orphans:
        out += ["## Indicateurs hors objectif", "", _HEADER, *[_row(ind, None, cat) for ind in orphans], ""]
    return "\n".join(out)


def outputs(cat: Catalogue, root: Path | None = None) -> dict[Path, str]:
    """Generated file path → expected content."""
    root = root or settings.ROOT
    return {root / SCHEMA_PATH: render_schema(), root / MARKDOWN_PATH: render_markdown(cat)}


def stale(cat: Catalogue, root: Path | None = None) -> list[Path]:
    """Generated files whose content differs from what the generator gives now."""
    return [p for p, text in outputs(cat, root).items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]


def write(cat: Catalogue, root: Path | None = None) -> list[Path]:
    written = []
    for path, text in outputs(cat, root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
