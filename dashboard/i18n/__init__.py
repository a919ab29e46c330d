"""The message catalogue: French by default, English on the toggle. `t(key, lang, **params)`."""

from __future__ import annotations

from dashboard.i18n.en import MESSAGES as EN
from dashboard.i18n.fr import MESSAGES as FR

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
CATALOGUES = {"fr": FR, "en": EN}


def normalise_lang(lang: str | None) -> str:
    """A supported language code (anything else → French)."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **params: object) -> str:
    """The message `key` in `lang`, formatted with `params`; falls back to French, then raises KeyError."""
    lang = normalise_lang(lang)
    template = CATALOGUES[lang].get(key)
    if template is None:
        template = FR[key]  # a missing French key is a programming error: fail loudly in tests
    return template.format(**params) if params else template
