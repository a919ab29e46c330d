"""The message catalogue: the same keys and placeholders in French and English."""

import string

import pytest

from dashboard.i18n import normalise_lang, t
from dashboard.i18n.en import MESSAGES as EN
from dashboard.i18n.fr import MESSAGES as FR


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_same_keys():
    assert set(FR) == set(EN)


@pytest.mark.parametrize("key", sorted(FR))
def test_same_placeholders(key):
    assert _fields(FR[key]) == _fields(EN[key]), key


def test_t_formats_and_falls_back():
    assert t("table.rows", "fr", n=3) == "3 ligne(s)"
    assert t("table.rows", "en", n=3) == "3 row(s)"
    assert t("nav.data", "xx") == "Données"
    with pytest.raises(KeyError):
        t("no.such.key", "fr")


def test_normalise_lang():
    assert normalise_lang("EN") == "en"
    assert normalise_lang("en-GB") == "en"
    assert normalise_lang(None) == "fr"
    assert normalise_lang("de") == "fr"
