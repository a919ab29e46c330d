"""What the loader detected about a file, in the reader's language.

The warehouse keeps the French sentence `etl.read.Detected.describe()` wrote (« CSV; encodage cp1252;
séparateur ';'; … »); this reads its parts back and says each one through the message catalogue, so the ETL's
output stays as it is. A part it does not know is shown unchanged.
"""

from __future__ import annotations

import re

from dashboard.i18n import t

# (pattern of one part of describe(), message key, parameter names in the order of the groups); the first that
# matches wins, so « feuilles sans données ignorées » comes before « feuilles ».
PARTS = (
    (re.compile(r"encodage (.+)"), "data.detected.encoding", ("encoding",)),
    (re.compile(r"séparateur (.+)"), "data.detected.separator", ("separator",)),
    (re.compile(r"décimale (.+)"), "data.detected.decimal", ("decimal",)),
    (re.compile(r"en-tête ligne (\d+)"), "data.detected.header", ("line",)),
    (re.compile(r"feuilles sans données ignorées : (.+)"), "data.detected.empty_sheets", ("sheets",)),
    (re.compile(r"feuilles (.*)"), "data.detected.sheets", ("sheets",)),
    (re.compile(r"colonnes renommées (.+)"), "data.detected.renamed", ("columns",)),
    (re.compile(r"colonnes ignorées (.+)"), "data.detected.ignored", ("columns",)),
    (re.compile(r"converti de cp1252 en UTF-8"), "data.detected.converted", ()),
)
SEPARATOR_WORDS = {"tabulation": "data.detected.tab"}


def _part(text: str, lang: str) -> str:
    for pattern, key, names in PARTS:
        m = pattern.fullmatch(text)
        if m:
            params = dict(zip(names, m.groups(), strict=True))
            if params.get("separator") in SEPARATOR_WORDS:
                params["separator"] = t(SEPARATOR_WORDS[params["separator"]], lang)
            return t(key, lang, **params)
    return text


def detected_words(text: str | None, lang: str) -> str | None:
    """`CSV; encoding cp1252; separator ';'; …` in English; the stored French sentence as it is in French."""
    if not text or lang == "fr":
        return text
    return "; ".join(_part(p, lang) for p in text.split("; "))
