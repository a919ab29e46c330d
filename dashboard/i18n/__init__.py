"""The screen's messages: French by default, English on the toggle. `t(key, lang, **params)`.

The screen's own sentences live in `fr.py` / `en.py`; the words it shares with the exports and packs
(statuses, milestones, roles, units, dimensions…) come from the one message catalogue, `texts` (locale/*.po),
merged in here: a key is defined in one place only (a test checks it).
"""

from __future__ import annotations

import texts
from dashboard.i18n.en import MESSAGES as EN
from dashboard.i18n.fr import MESSAGES as FR
from texts import DEFAULT_LANG, LANGS, normalise_lang

__all__ = ["CATALOGUES", "DEFAULT_LANG", "LANGS", "normalise_lang", "t"]

CATALOGUES = {"fr": {**texts.messages("fr"), **FR}, "en": {**texts.messages("en"), **EN}}


def t(key: str, lang: str | None = DEFAULT_LANG, **params: object) -> str:
    """The message `key` in `lang`, formatted with `params`; falls back to French, then raises KeyError."""
    lang = normalise_lang(lang)
    template = CATALOGUES[lang].get(key)
    if template is None:
        template = CATALOGUES["fr"][key]  # a missing French key is a programming error: fail loudly in tests
    return texts.render(template, lang, params)
