"""Display labels of a dimension's codes, in French or English: the one place that reads them.

Régions from the territory reference, départements as `75 Paris`, vagues in words, couloirs, document types
and dispositifs from their reference tables (one query per dimension and language, kept per publish).
"""

from __future__ import annotations

from sqlalchemy import select

from indicators.tables import LABEL_TABLES

VAGUES = {"fr": {"1": "Vague 1", "2": "Vague 2"}, "en": {"1": "Wave 1", "2": "Wave 2"}}


def dimension_labels(engine, dim: str, lang: str = "fr") -> dict[str, str]:
    """Code → label of `dim` (region, departement, vague, couloir, document_type, dispositif); {} for another
    dimension (éditeurs are their own labels). `engine`: an indicators.compute.Engine (or a scoped one)."""
    fr = lang == "fr"
    if dim == "region":
        ref = engine.territory()
        return ref.region_label_fr if fr else ref.region_label_en
    if dim == "departement":
        return {d: f"{d} {label}" for d, label in engine.territory().dep_label.items()}
    if dim == "vague":
        return VAGUES["fr" if fr else "en"]
    if dim in LABEL_TABLES:
        tbl, key = LABEL_TABLES[dim]
        col = tbl.c.label_fr if fr else tbl.c.label_en
        return dict(engine.cached(("labels", dim, "fr" if fr else "en"),
                                  lambda: engine.db.rows(select(tbl.c[key], col))))
    return {}
