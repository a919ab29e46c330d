"""Exact strings of every formatter, in French and English (NNBSP = U+202F, NBSP = U+00A0)."""

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from dashboard.format import (
    fmt_bytes,
    fmt_compact,
    fmt_count,
    fmt_date,
    fmt_datetime,
    fmt_days,
    fmt_eur,
    fmt_month,
    fmt_number,
    fmt_percent,
    month_names,
)

NN = "\u202f"  # French digit grouping
NB = "\u00a0"  # number–unit join


@pytest.mark.parametrize(("args", "fr", "en"), [
    ((1234.5, "M€"), f"1{NN}234,5{NB}M€", "€1,234.5M"),
    ((42.8, "M"), f"42,8{NB}M", "42.8M"),
    ((85.3, "%"), f"85,3{NB}%", "85.3%"),
    ((12345, None), f"12{NN}345", "12,345"),
    ((1.25, "Md€"), f"1,3{NB}Md€", "€1.3bn"),
    ((-1234.5, "M€"), f"-1{NN}234,5{NB}M€", "-€1,234.5M"),
    ((3.25, None), "3,3", "3.3"),  # half up, not half even
    ((7, "dossiers"), f"7{NB}dossiers", f"7{NB}dossiers"),
])
def test_fmt_number(args, fr, en):
    assert fmt_number(*args[:1], "fr", *args[1:]) == fr
    assert fmt_number(*args[:1], "en", *args[1:]) == en


def test_fmt_number_fixed_decimals_and_sign():
    assert fmt_number(24, "fr", "M", decimals=1, fixed=True) == f"24,0{NB}M"
    assert fmt_number(2.5, "en", "%", signed=True) == "+2.5%"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, "not a number"])
def test_missing_values_show_a_dash(missing):
    assert fmt_number(missing, "fr") == "—"
    assert fmt_eur(missing, "en") == "—"
    assert fmt_percent(missing, "fr") == "—"
    assert fmt_days(missing, "fr") == "—"


@pytest.mark.parametrize(("amount", "fr", "en"), [
    (2_000_000_000, f"2{NB}Md€", "€2bn"),
    (1_234_500_000, f"1,2{NB}Md€", "€1.2bn"),
    (465_000_000, f"465{NB}M€", "€465M"),
    (Decimal("77000000.00"), f"77{NB}M€", "€77M"),
    (12_345, f"12{NN}345{NB}€", "€12,345"),
])
def test_fmt_eur_compact(amount, fr, en):
    assert fmt_eur(amount, "fr") == fr
    assert fmt_eur(amount, "en") == en


def test_fmt_eur_exact():
    assert fmt_eur(12345.5, "fr", compact=False) == f"12{NN}345,50{NB}€"
    assert fmt_eur(12345.5, "en", compact=False) == "€12,345.50"


def test_fmt_count_and_compact():
    assert fmt_count(42_800_000, "fr") == f"42,8{NB}M"
    assert fmt_count(42_800_000, "en") == "42.8M"
    assert fmt_count(24_000_000, "fr") == f"24{NB}M"
    assert fmt_count(420_000_000, "en") == "420M"
    assert fmt_count(np.int64(12_345), "fr") == f"12{NN}345"
    assert fmt_count(42_800_000, "fr", compact=False) == f"42{NN}800{NN}000"
    assert fmt_compact(3_200_000_000, "fr") == f"3,2{NB}Md"


def test_fmt_percent():
    assert fmt_percent(0.853, "fr") == f"85,3{NB}%"
    assert fmt_percent(0.853, "en") == "85.3%"
    assert fmt_percent(1, "fr") == f"100{NB}%"
    assert fmt_percent(0.0512, "en", decimals=0) == "5%"


def test_fmt_days():
    assert fmt_days(1, "fr") == f"1{NB}jour"
    assert fmt_days(45, "fr") == f"45{NB}jours"
    assert fmt_days(1, "en") == f"1{NB}day"
    assert fmt_days(1234, "en") == f"1,234{NB}days"


def test_dates():
    assert fmt_month(date(2026, 1, 1), "fr") == "janv. 2026"
    assert fmt_month(date(2026, 1, 1), "en") == "Jan 2026"
    assert fmt_month("2025-10", "fr") == "oct. 2025"
    assert fmt_month("2025-12-01", "en") == "Dec 2025"
    assert fmt_date("2026-01-15", "fr") == "15 janv. 2026"
    assert fmt_date(date(2026, 1, 15), "en") == "15 Jan 2026"
    assert fmt_datetime(datetime(2026, 1, 15, 14, 3), "fr") == "15 janv. 2026 14:03"
    assert fmt_datetime("2026-01-15 09:05:00", "en") == "15 Jan 2026 09:05"
    assert fmt_month(None, "fr") == "—"
    for missing in (pd.NaT, np.nan, float("nan"), ""):
        assert fmt_month(missing, "fr") == fmt_date(missing, "en") == fmt_datetime(missing, "fr") == "—"
    assert fmt_date(pd.Timestamp("2025-10-01"), "fr") == "1 oct. 2025"


def test_bytes():
    assert fmt_bytes(403, "fr") == f"403{NB}o"
    assert fmt_bytes(12_345, "fr") == f"12,3{NB}ko"
    assert fmt_bytes(1_200_000, "en") == f"1.2{NB}MB"


def test_unknown_language_falls_back_to_french():
    assert fmt_percent(0.5, "de") == f"50{NB}%"


def test_month_names_for_plotly():
    assert month_names("fr")["shortMonths"][0] == "janv."
    assert month_names("en")["months"][11] == "December"
    assert month_names("fr")["shortDays"][0] == "dim."
