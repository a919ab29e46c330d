"""The one message catalogue (texts, locale/*.po): every code the application shows has its word in French and
English, both catalogues agree, and no other module defines a status word of its own."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.pofile import read_po

import texts
from appstate.models import COMMENT_KINDS, DECISION_STATUSES, METEO_LEVELS
from indicators.model import Unit
from indicators.scope import ROLES
from indicators.status import STATUSES

ROOT = Path(__file__).resolve().parents[1]
MILESTONE_STATES = ("reached", "missed", "due_soon", "upcoming")
CODES = ([f"status.{c}" for c in STATUSES] + [f"status_icon.{c}" for c in STATUSES]
         + [f"milestone.{c}" for c in MILESTONE_STATES] + [f"comment_kind.{c}" for c in COMMENT_KINDS]
         + [f"meteo_level.{c}" for c in METEO_LEVELS] + [f"decision_status.{c}" for c in DECISION_STATUSES]
         + [f"access.role.{c}" for c in ROLES] + [f"unit_name.{c}" for c in get_args(Unit)]
         + [f"unit.{c}" for c in get_args(Unit) if c != "count"])


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", CODES)
def test_every_code_has_a_word_in_both_languages(key):
    for lang in texts.LANGS:
        assert texts.messages(lang).get(key, "").strip(), f"locale/{lang}/LC_MESSAGES/segur.po: « {key} » manque"


def test_both_catalogues_have_the_same_keys_and_placeholders():
    fr, en = texts.messages("fr"), texts.messages("en")
    assert set(fr) == set(en)
    for key in fr:
        assert _fields(fr[key]) == _fields(en[key]), key
        for field in _fields(fr[key]):  # `{status[code]}` must name a status that exists
            if field.startswith("status["):
                assert field[len("status["):-1] in STATUSES, (key, field)


def test_po_files_are_clean_babel_catalogues():
    """No fuzzy or empty entry (it would silently fall back to French), no duplicate key."""
    for lang in texts.LANGS:
        path = texts.catalogue_path(lang)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, abort_invalid=True)
        entries = [m for m in catalog if m.id]
        assert entries and all(m.string and not m.fuzzy for m in entries), path
        ids = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")]
        assert len(ids) == len(set(ids)), f"{path}: clé en double"


def test_words_and_their_fallbacks():
    assert texts.status_label("watch", "fr") == "À surveiller" and texts.status_label("watch", "en") == "To watch"
    assert texts.status_label("watch", "EN-gb", lower=True) == "to watch"
    assert texts.status_label("bogus", "fr") == texts.status_label(None, "fr") == "Sans donnée"
    assert texts.status_icon("watch") == "⚠" and texts.status_icon("bogus") == "…"
    assert texts.label("meteo_level", "compromis", "en") == "At risk"
    assert texts.label("meteo_level", "inconnu", "en") == "inconnu"  # a data code, not a missing word
    assert texts.word("fiche.indicators.summary", "fr", region="Bretagne", off=1, total=3, watch=1, on=1) == (
        "Bretagne : 1 indicateur(s) sur 3 en retard, 1 à surveiller, 1 en bonne voie.")
    with pytest.raises(KeyError):
        texts.word("no.such.key")


def test_the_screen_reads_the_shared_words():
    from dashboard.i18n import t

    assert t("status.watch", "en") == "To watch" and t("access.role.lecteur", "en") == "Reader"
    assert t("terr.stat.off_track", "en") == "Territories off track"
    assert t("ind.breakdown.summary", "fr", n=3, dim="région", off=1) == "3 valeur(s) par région, dont 1 en retard."


def test_a_broken_catalogue_says_which_file(tmp_path, monkeypatch):
    bad = tmp_path / "fr" / "LC_MESSAGES"
    bad.mkdir(parents=True)
    (bad / "segur.po").write_text('msgid "status.watch"\nmgstr "À surveiller"\n', encoding="utf-8")
    monkeypatch.setattr(texts, "LOCALE_DIR", tmp_path)
    texts.messages.cache_clear()
    try:
        with pytest.raises(texts.CatalogueError, match=r"segur\.po.*misformatted"):
            texts.messages("fr")
    finally:
        monkeypatch.undo()
        texts.messages.cache_clear()


# --- no second definition -------------------------------------------------------------------------------------

SOURCES = [p for d in ("dashboard", "reports", "indicators", "appstate", "etl", "serving")
           for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".json", ".html", ".j2")] + [ROOT / "app.py"]
# The same words with another meaning (lateness of a source or a decision, not an indicator's status).
OTHER_MEANING = {("dashboard/i18n/fr.py", "En retard"), ("dashboard/i18n/fr.py", "en retard"),
                 ("etl/status.py", "EN RETARD"), ("dashboard/i18n/en.py", "No data")}  # an empty table
DISTINCTIVE = ("à surveiller", "to watch", "en bonne voie", "on track", "données incomplètes", "incomplete data")


def _literals(path: Path) -> list[str]:
    """The strings a file defines (docstrings left out: they may quote a word to explain it)."""
    if path.suffix == ".json":
        def walk(x):
            if isinstance(x, str):
                yield x
            elif isinstance(x, dict):
                for k, v in x.items():
                    yield k
                    yield from walk(v)
            elif isinstance(x, list):
                for v in x:
                    yield from walk(v)
        return list(walk(json.loads(path.read_text(encoding="utf-8"))))
    if path.suffix != ".py":
        return [path.read_text(encoding="utf-8")]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_other_module_defines_a_status_word():
    """A status label (either language, any case), a `status.<code>` key, or a sentence quoting one of the
    distinctive labels appears only in locale/*.po: a module that spelled one itself would drift again ("Watch"
    on screen, "To watch" in the pack)."""
    words = {texts.status_label(c, lang, lower=True) for c in STATUSES for lang in texts.LANGS}
    keys = {f"status.{c}" for c in STATUSES}
    found = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        for lit in _literals(path):
            text = lit.strip().strip("✔⚠✖○…◌▲∅–").strip().lower()
            hit = (text in words and (rel, lit.strip()) not in OTHER_MEANING) or lit in keys or any(
                w in lit.lower() for w in DISTINCTIVE)
            if hit:
                found.append(f"{rel}: {lit[:80]!r}")
    assert not found, "mots de statut hors de locale/*.po :\n" + "\n".join(found)


def test_no_key_is_defined_twice():
    """A key of the catalogue is not redefined by the screen's dicts, the workbook's or the pack's texts."""
    from dashboard.i18n.en import MESSAGES as SCREEN_EN
    from dashboard.i18n.fr import MESSAGES as SCREEN_FR
    from reports.excel_text import _OWN

    pack = json.loads((ROOT / "reports/templates/pack_text.json").read_text(encoding="utf-8"))
    shared = set(texts.messages("fr"))
    for name, own in (("dashboard/i18n/fr.py", SCREEN_FR), ("dashboard/i18n/en.py", SCREEN_EN),
                      ("reports/excel_text.py fr", _OWN["fr"]), ("reports/excel_text.py en", _OWN["en"]),
                      ("reports/templates/pack_text.json", pack)):
        assert not shared & set(own), f"{name} redéfinit {sorted(shared & set(own))}"
