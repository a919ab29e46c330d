"""Display labels (French, English) of the app-state codes: comment kinds, météo levels, decision statuses.

The words live in the one message catalogue (`texts`, locale/*.po); these names are the catalogue's kinds, so a
caller writes `label(METEO_LEVEL_LABELS, "compromis", lang)` without knowing where the words are kept.
"""

from __future__ import annotations

import texts

COMMENT_KIND_LABELS = "comment_kind"
METEO_LEVEL_LABELS = "meteo_level"
DECISION_STATUS_LABELS = "decision_status"


def label(kind: str, code: str, lang: str = "fr") -> str:
    """The word of `code` in `lang`; an unknown code is returned as it is."""
    return texts.label(kind, code, lang)
