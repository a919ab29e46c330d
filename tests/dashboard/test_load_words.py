"""What the loader detected about a file, said in English at display (the warehouse keeps the French)."""

from __future__ import annotations

from dashboard.components.load_words import detected_words
from etl.read import Detected


def test_a_cp1252_csv_in_english_and_unchanged_in_french():
    text = Detected(format="csv", encoding="cp1252", delimiter="\t", decimal=",", header_line=3,
                    renamed={"Mois": "month"}, ignored_columns=["Commentaire"],
                    notes=["converti de cp1252 en UTF-8"]).describe()
    assert detected_words(text, "fr") == text
    assert detected_words(text, "en") == ("CSV; encoding cp1252; separator tab; decimal mark ','; header on line 3; "
                                          "columns renamed Mois→month; columns ignored Commentaire; "
                                          "converted from cp1252 to UTF-8")


def test_an_xlsx_with_empty_sheets_and_an_unknown_part():
    text = Detected(format="xlsx", sheets=["2025", "2026"], header_line=2,
                    notes=["feuilles sans données ignorées : Notes, Vide", "une remarque libre"]).describe()
    assert detected_words(text, "en") == ("XLSX; sheets '2025', '2026'; header on line 2; "
                                          "sheets without data ignored: Notes, Vide; une remarque libre")
    assert detected_words(None, "en") is None
