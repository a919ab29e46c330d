"""The one message catalogue of shared words (French, English): statuses and their icons, milestone states,
météo levels, decision statuses, comment kinds, roles, units, dimensions, the headings the screen, the
workbook and the committee pack share, and the sentences that cite a status.

The words live in Babel message catalogues, `locale/<lang>/LC_MESSAGES/segur.po` (msgid = a stable key such as
`status.watch`, msgstr = the word). They are read once per process with `babel.messages.pofile.read_po`; no
compiled `.mo` file is needed or committed. The engine returns codes (`watch`), this module words them.
It imports nothing of the application, so indicators/, reports/, appstate/ and dashboard/ can all use it.

A message may cite a status by `{status[watch]}`: it is filled with that status's label in lower case, so a
sentence can never drift from the badge.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import PoFileError, read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "segur"
LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
STATUS_FALLBACK = "no_data"  # an unknown or missing status code is shown as "no data", never as a code


class CatalogueError(ValueError):
    """A message catalogue that cannot be read (file and line in the message)."""


def normalise_lang(lang: str | None) -> str:
    """A supported language code: `EN`, `en-GB` → `en`; anything else → French."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def messages(lang: str) -> Mapping[str, str]:
    """Key → word of one language, read from its .po file (untranslated and fuzzy entries left out)."""
    path = catalogue_path(normalise_lang(lang))
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=normalise_lang(lang), domain=DOMAIN, abort_invalid=True)
    except FileNotFoundError as e:
        raise CatalogueError(f"{path}: catalogue de messages introuvable") from e
    except PoFileError as e:
        raise CatalogueError(f"{path}: {e}") from e
    return MappingProxyType({m.id: m.string for m in catalog
                             if m.id and isinstance(m.string, str) and m.string and not m.fuzzy})


class _StatusWords(Mapping[str, str]):
    """`{status[watch]}` in a message: the status label in lower case (first letter only)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __getitem__(self, code: str) -> str:
        return status_label(code, self.lang, lower=True)

    def __iter__(self):
        return (k.removeprefix("status.") for k in messages(self.lang) if k.startswith("status."))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def render(template: str, lang: str | None, params: Mapping[str, object]) -> str:
    """Format a message with its parameters; `{status[code]}` placeholders are filled from the catalogue."""
    if "{status[" in template and "status" not in params:
        params = {**params, "status": _StatusWords(normalise_lang(lang))}
    return template.format(**params) if params else template


def word(key: str, lang: str | None = DEFAULT_LANG, **params: object) -> str:
    """The message `key` in `lang`, formatted with `params`; falls back to French, else raises KeyError."""
    lang = normalise_lang(lang)
    template = messages(lang).get(key)
    if template is None:
        template = messages(DEFAULT_LANG)[key]  # a key without a French word is a programming error
    return render(template, lang, params)


def has(key: str) -> bool:
    return key in messages(DEFAULT_LANG)


def status_label(code: str | None, lang: str | None = DEFAULT_LANG, *, lower: bool = False) -> str:
    """`watch` → `À surveiller` / `To watch` (`à surveiller` with `lower`); unknown or missing → no data."""
    key = f"status.{code}" if code and has(f"status.{code}") else f"status.{STATUS_FALLBACK}"
    text = word(key, lang)
    return text[:1].lower() + text[1:] if lower else text


def status_icon(code: str | None) -> str:
    """The glyph shown beside a status's label (`⚠` for `watch`); unknown or missing → no data's."""
    key = f"status_icon.{code}" if code and has(f"status_icon.{code}") else f"status_icon.{STATUS_FALLBACK}"
    return word(key)


def label(kind: str, code: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """The word of an app code: `label("meteo_level", "compromis", "en")` → `At risk`; an unknown code is
    returned as it is (it came from the data, it is not a missing translation)."""
    key = f"{kind}.{code}"
    return word(key, lang) if has(key) else (code or "")


def prefixed(prefix: str, lang: str | None = DEFAULT_LANG) -> dict[str, str]:
    """Every message whose key starts with `prefix`, keyed by the rest: `prefixed("status.")` → {code: word}."""
    fr, own = messages(DEFAULT_LANG), messages(normalise_lang(lang))
    return {k[len(prefix):]: own.get(k, fr[k]) for k in fr if k.startswith(prefix)}
