"""Display labels (French, English) of the app-state codes: comment kinds, météo levels, decision statuses."""

from __future__ import annotations

COMMENT_KIND_LABELS = {
    "analyse": ("Analyse", "Analysis"), "risque": ("Risque", "Risk"), "action": ("Action", "Action"),
    "decision": ("Décision", "Decision"), "information": ("Information", "Information"),
}
METEO_LEVEL_LABELS = {
    "securise": ("Sécurisé", "Secured"), "atteignable": ("Atteignable", "Achievable"),
    "appuis_necessaires": ("Appuis nécessaires", "Support needed"), "compromis": ("Compromis", "At risk"),
}
DECISION_STATUS_LABELS = {
    "a_faire": ("À faire", "To do"), "en_cours": ("En cours", "In progress"), "fait": ("Fait", "Done"),
    "abandonne": ("Abandonné", "Dropped"),
}


def label(table: dict[str, tuple[str, str]], code: str, lang: str = "fr") -> str:
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if lang == "fr" else pair[1]
