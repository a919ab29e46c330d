"""The generated docs (JSON schema, French catalogue) are committed and up to date."""

from __future__ import annotations

import json

import pytest
from ruamel.yaml import YAML

import settings
from indicators import schema_docs
from indicators.catalog import load_catalogue
from indicators.model import CatalogueFile, Indicator, Objective


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_committed_docs_are_up_to_date(cat):
    stale = schema_docs.stale(cat)
    assert stale == [], f"run `python -m indicators docs`: {', '.join(map(str, stale))} out of date"


def test_json_schema_is_the_pydantic_schema():
    committed = json.loads((settings.ROOT / schema_docs.SCHEMA_PATH).read_text(encoding="utf-8"))
    expected = CatalogueFile.model_json_schema()
    assert committed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {k: v for k, v in committed.items() if k not in ("$schema", "title")} == \
           {k: v for k, v in expected.items() if k != "title"}
    assert set(committed["$defs"]["Indicator"]["properties"]) == set(Indicator.model_fields)


def _conforms(item: dict, schema: dict) -> None:
    assert set(item) <= set(schema["properties"]), set(item) - set(schema["properties"])
    assert set(schema.get("required", ())) <= set(item)


def test_real_file_fits_the_json_schema():
    """A light check (no JSON-schema library): keys allowed and required keys present at each level."""
    schema = json.loads((settings.ROOT / schema_docs.SCHEMA_PATH).read_text(encoding="utf-8"))
    data = YAML(typ="safe").load((settings.ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    _conforms(data, schema)
    for obj in data["objectives"]:
        _conforms(obj, schema["$defs"][Objective.__name__])
    for ind in data["indicators"]:
        _conforms(ind, schema["$defs"][Indicator.__name__])
        for milestone in ind["target"]["milestones"]:
            _conforms(milestone, schema["$defs"]["Milestone"])


def test_markdown_lists_every_indicator_under_its_objective(cat):
    text = schema_docs.render_markdown(cat)
    for obj in cat.objectives:
        assert f"## {obj.id} — {obj.label.fr}" in text
    for ind in cat.indicators:
        assert f"| **{ind.id}** | {ind.label.fr}<br>*{ind.label.en}* |" in text
    assert "31/12/2023 : **250 000 000 documents**" in text
    assert "Par couloir : medecin_ville 120 000 000 documents" in text
    assert "*(jalon de pilotage, non officiel)*" in text


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (250_000_000, "250 000 000"), (10.4, "10,4"),
                                             (95.00000000000001, "95"), (0.5, "0,5")])
def test_french_numbers(value, text):
    assert schema_docs.number(value) == text


def test_measure_in_words(cat):
    assert schema_docs.describe(cat.indicator("BUD-03").measure) == (
        "délai moyen en jours entre « Date du bon de commande » (`fact_deployment.ordered_date`) et « Date de "
        "validation (MOM / VA) » (`fact_deployment.validated_date`) (période : `validated_date`), où validated_date "
        "renseigné")
