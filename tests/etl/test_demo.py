"""The demo generator: file formats as producers send them, contract conformity, determinism, and national
calibration on the public figures of segur-facts.md (read back from the files, as the loader would)."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from etl.demo import generate
from etl.sources import CONTRACTS

TODAY = date(2026, 11, 28)
SMALL = 0.05
REF = Path(__file__).resolve().parents[2] / "data" / "reference"
FR_MONTHS = {"janv.": 1, "févr.": 2, "mars": 3, "avr.": 4, "mai": 5, "juin": 6, "juil.": 7, "août": 8,
             "sept.": 9, "oct.": 10, "nov.": 11, "déc.": 12}
CP1252 = {"funding_events", "mes_documents", "eprescriptions"}
BOM = {"deployments", "usage_etablissements", "mes_profiles", "usage_professionnels"}
XLSX = {"budget_envelopes", "solutions", "populations"}


# Reading the files back ----------------------------------------------------------------------------------------

def contract_of(path: Path) -> str:
    names = [n for n in CONTRACTS if path.name.startswith(n)]
    assert len(names) == 1, f"{path.name}: matches {names}"
    return names[0]


def canonical(contract: str, header: list[str]) -> list[str]:
    """Map each header to its contract column (by name or declared alias)."""
    out = []
    for h in header:
        match = [c.name for c in CONTRACTS[contract].columns if h == c.name or h in c.aliases]
        assert len(match) == 1, f"{contract}: header {h!r} is not a column or alias"
        out.append(match[0])
    return out


def xlsx_sheets(path: Path) -> list[tuple[str, list[list]]]:
    wb = load_workbook(path, read_only=True)
    out = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    wb.close()
    return out


def to_number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False).replace("", None))


def parse_month(s: pd.Series) -> pd.Series:
    """'déc. 2024', '12/2024' or '2024-12' → 'YYYY-MM'."""
    def one(v: str) -> str:
        if "/" in v:
            m, y = v.split("/")
            return f"{y}-{int(m):02d}"
        if " " in v:
            m, y = v.split(" ")
            return f"{y}-{FR_MONTHS[m]:02d}"
        return v
    return s.map(one)


def read(path: Path) -> pd.DataFrame:
    """A source file as a DataFrame with contract column names, numbers parsed, months as YYYY-MM."""
    contract = contract_of(path)
    if contract in XLSX:
        frames = []
        for title, rows in xlsx_sheets(path):
            if title != "Lisez-moi":  # rows: title, blank, header, data
                frames.append(pd.DataFrame(rows[3:], columns=canonical(contract, rows[2])))
        return pd.concat(frames, ignore_index=True)
    if contract in CP1252:
        df = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    elif contract in BOM:
        df = pd.read_csv(path, sep=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    else:
        df = pd.read_csv(path, sep=";", encoding="utf-8", dtype=str, keep_default_na=False)
    df.columns = canonical(contract, list(df.columns))
    for col in CONTRACTS[contract].columns:
        if col.type in ("integer", "amount_eur", "decimal") and col.name in df:
            df[col.name] = to_number(df[col.name])
        elif col.type == "month":
            df[col.name] = parse_month(df[col.name])
        elif col.type == "date":
            df[col.name] = pd.to_datetime(df[col.name].replace("", None), format="%d/%m/%Y" if contract in CP1252
                                          else "%Y-%m-%d")
    return df


def by_contract(paths: list[Path]) -> dict[str, Path]:
    return {contract_of(p): p for p in paths}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Path]:
    return by_contract(generate(tmp_path_factory.mktemp("small"), scale=SMALL, seed=7, today=TODAY))


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> dict[str, Path]:
    return by_contract(generate(tmp_path_factory.mktemp("full"), scale=1.0, seed=42, today=TODAY))


@pytest.fixture(scope="module")
def full_data(full) -> dict[str, pd.DataFrame]:
    return {name: read(path) for name, path in full.items()}


def within(value: float, target: float, tol: float = 0.10) -> bool:
    return abs(value - target) <= tol * abs(target)


# Structure and formats ------------------------------------------------------------------------------------------

def test_one_file_per_contract(small):
    assert sorted(small) == sorted(CONTRACTS)


def test_headers_are_exactly_the_contract_columns(small):
    for name, path in small.items():
        if name in XLSX:
            sheets = [rows for title, rows in xlsx_sheets(path) if title != "Lisez-moi"]
            headers = [rows[2] for rows in sheets]
            assert all(h == headers[0] for h in headers), f"{name}: data sheets differ"
            header = headers[0]
        else:
            encoding = {True: "cp1252", False: "utf-8-sig"}[name in CP1252]
            first = path.read_bytes().split(b"\n", 1)[0].decode(encoding).strip()
            header = first.split(";" if ";" in first else ",")
        assert sorted(canonical(name, header)) == sorted(CONTRACTS[name].column_names), name


def test_french_csv_files_are_cp1252_semicolon_with_decimal_comma(small):
    for name in CP1252:
        raw = small[name].read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # é in 'déc.' / 'févr.' / names is a single cp1252 byte
        text = raw.decode("cp1252")
        assert "\r\n" in text and text.split("\r\n", 1)[0].count(";") == len(CONTRACTS[name].columns) - 1
    events = small["funding_events"].read_bytes().decode("cp1252").split("\r\n")[1:200]
    amounts = [line.split(";")[11] for line in events if line]
    assert all(re.fullmatch(r"\d{1,3}( \d{3})*,\d{2}", a) for a in amounts)
    assert any(" " in a for a in amounts)  # thousands separated by a space
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", line.split(";")[10]) for line in events if line)
    months = {line.split(";")[0] for line in small["mes_documents"].read_bytes().decode("cp1252").split("\r\n")[1:]
              if line}
    assert {"déc. 2024", "févr. 2023", "août 2025", "juil. 2022", "mai 2024"} <= months
    counts = [line.split(";")[4] for line in small["mes_documents"].read_bytes().decode("cp1252").split("\r\n")[1:]
              if line]
    assert any(re.fullmatch(r"\d{1,3}( \d{3})+", c) for c in counts)


def test_utf8_files_have_the_announced_encoding_and_separators(small):
    for name in BOM:
        raw = small[name].read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        head = raw.decode("utf-8-sig").split("\n", 2)
        assert "," in head[0] and ";" not in head[0]
        assert re.match(r"\d{4}-\d{2}", head[1]) or re.match(r"\d{9}", head[1]), head[1]
    raw = small["mssante_messages"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8").split("\n")
    assert lines[0].count(";") == 4 and re.fullmatch(r"\d{2}/\d{4}", lines[1].split(";")[0])
    assert any(line.endswith(";") for line in lines[1:200])  # mailboxes not collected in 2021: empty cell
    dates = [row[7] for row in csv.reader(small["deployments"].read_text("utf-8-sig").splitlines()[1:50])]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)


def test_xlsx_files_have_a_title_row_and_a_blank_row(small):
    for name in XLSX:
        sheets = xlsx_sheets(small[name])
        data_sheets = [(t, rows) for t, rows in sheets if t != "Lisez-moi"]
        for _, rows in data_sheets:
            assert isinstance(rows[0][0], str) and "source" in rows[0][0]
            assert not any(rows[1])
            assert len(rows) > 3
    titles = [t for t, _ in xlsx_sheets(small["populations"])]
    assert titles[0] == "Lisez-moi" and len(titles) == 3


def test_natural_keys_are_unique(small):
    for name, path in small.items():
        df = read(path)
        key = list(CONTRACTS[name].natural_key)
        assert not df.duplicated(key).any(), name


def test_same_seed_gives_byte_identical_files(small, tmp_path):
    again = by_contract(generate(tmp_path / "again", scale=SMALL, seed=7, today=TODAY))
    for name, path in small.items():
        assert path.read_bytes() == again[name].read_bytes(), name
    other = by_contract(generate(tmp_path / "other", scale=SMALL, seed=8, today=TODAY))
    assert other["funding_events"].read_bytes() != small["funding_events"].read_bytes()


def test_today_bounds_the_months(tmp_path, monkeypatch):
    monkeypatch.setenv("SEGUR_TODAY", "2024-03-05")
    paths = by_contract(generate(tmp_path, scale=0.01, seed=1))
    df = read(paths["mes_profiles"])
    assert df["month"].max() == "2024-02" and df["month"].min() <= "2021-07"
    events = read(paths["funding_events"])
    assert events["event_date"].max() < pd.Timestamp("2024-03-05")


def test_references_between_files(small):
    sol = read(small["solutions"])
    dep = read(small["deployments"])
    disp = pd.read_csv(REF / "dispositifs.csv", dtype=str, keep_default_na=False).set_index("dispositif_code")
    assert set(dep["solution_id"]) <= set(sol["solution_id"])
    assert (dep["couloir_code"] == disp.loc[dep["dispositif_code"], "couloir_code"].to_numpy()).all()
    assert (dep["vague"] == disp.loc[dep["dispositif_code"], "vague"].to_numpy()).all()
    merged = dep.merge(sol[["solution_id", "couloir_code", "vague"]], on="solution_id", suffixes=("", "_sol"))
    assert (merged["couloir_code"] == merged["couloir_code_sol"]).all()
    assert (merged["vague"] == merged["vague_sol"].astype(str)).all()
    assert (dep["installed_date"].dropna() >= dep.loc[dep["installed_date"].notna(), "ordered_date"]).all()
    both = dep["validated_date"].notna()
    assert dep.loc[both, "installed_date"].notna().all()
    assert (dep.loc[both, "validated_date"] >= dep.loc[both, "installed_date"]).all()


def test_identifiers_and_territory_are_consistent(small):
    deps = pd.read_csv(REF / "departements.csv", dtype=str).set_index("departement_code")
    ev = read(small["funding_events"])
    assert ev["event_id"].is_unique
    commitments = set(ev.loc[ev["event_type"] == "commitment", "event_id"])
    payments = ev[ev["event_type"] != "commitment"]
    assert payments["commitment_ref"].isin(commitments).all()
    assert (ev.loc[ev["event_type"] == "commitment", "commitment_ref"] == "").all()
    assert (ev["region_code"] == deps.loc[ev["departement_code"], "region_code"].to_numpy()).all()
    pattern = {"finess": r"(?:\d{2}|2[AB])\d{7}", "siren": r"\d{9}", "rpps": r"\d{11}"}
    for kind, regex in pattern.items():
        assert ev.loc[ev["beneficiary_kind"] == kind, "beneficiary_id"].str.fullmatch(regex).all(), kind
    fin = ev[ev["beneficiary_kind"] == "finess"]
    overseas = fin["departement_code"].str.len() == 3
    assert (fin.loc[~overseas, "beneficiary_id"].str[:2] == fin.loc[~overseas, "departement_code"]).all()
    assert fin.loc[overseas, "beneficiary_id"].str.startswith("97").all()
    assert fin["beneficiary_id"].str.startswith("2A").any()
    ue = read(small["usage_etablissements"])
    assert (ue["finess"].str[:2] == ue["departement_code"].str[:2].where(ue["departement_code"].str.len() == 2,
                                                                           "97")).all()


def test_establishment_detail_never_exceeds_departement_totals(small):
    key = ["month", "departement_code", "couloir_code", "document_type"]
    detail = read(small["usage_etablissements"]).groupby(key)["documents_count"].sum()
    total = read(small["mes_documents"]).set_index(key)["documents_count"]
    joined = detail.to_frame("detail").join(total.rename("total"), how="left")
    assert joined["total"].notna().all()
    assert (joined["detail"] <= joined["total"]).all()


def test_integer_counts_are_whole_numbers(small):
    for name, path in small.items():
        df = read(path)
        for col in CONTRACTS[name].columns:
            if col.type == "integer" and col.name in df:
                values = pd.to_numeric(df[col.name]).dropna()
                assert (values == np.floor(values)).all() and (values >= 0).all(), (name, col.name)


# Scale ----------------------------------------------------------------------------------------------------------

def test_scale_multiplies_entities_and_keeps_totals(small, full):
    s, f = read(small["deployments"]), read(full["deployments"])
    assert within(len(s) / len(f), SMALL, 0.05)
    es, ef = read(small["funding_events"]), read(full["funding_events"])
    for dispositif in ("SONS-V1-MDV", "SUNES-V1", "ESMS-NUM"):
        a = es.loc[(es["dispositif_code"] == dispositif) & (es["event_type"] == "commitment"), "amount_eur"].sum()
        b = ef.loc[(ef["dispositif_code"] == dispositif) & (ef["event_type"] == "commitment"), "amount_eur"].sum()
        assert within(a, b, 0.05), dispositif


def test_departement_files_do_not_depend_on_scale(tmp_path):
    a = by_contract(generate(tmp_path / "a", scale=0.01, seed=3, today=TODAY))
    b = by_contract(generate(tmp_path / "b", scale=0.02, seed=3, today=TODAY))
    for name in ("mes_documents", "mes_profiles", "mssante_messages", "usage_professionnels", "eprescriptions",
                 "populations", "budget_envelopes", "solutions"):
        assert a[name].read_bytes() == b[name].read_bytes(), name


# Calibration at scale 1 (segur-facts.md §3–§5) ------------------------------------------------------------------

@pytest.fixture(scope="module")
def documents(full_data) -> pd.DataFrame:
    return full_data["mes_documents"]


def monthly_total(df: pd.DataFrame, column: str, **filters: str) -> pd.Series:
    for col, value in filters.items():
        df = df[df[col] == value]
    return df.groupby("month")[column].sum()


def test_documents_to_mes_follow_the_public_series(documents):
    total = monthly_total(documents, "documents_count")
    assert within(total["2025-10"], 42.8e6)
    assert within(total[total.index.str.startswith("2025")].sum(), 420e6)
    assert within(total["2022-02":"2023-02"].sum(), 42.5e6)
    assert total["2023-12"] > 19e6 and total["2024-10"] > 30e6
    assert total["2023-06"] > 12e6 and total["2023-07"] > 12e6
    assert total["2026-10"] > total["2025-10"]  # the trend goes on
    for year in range(2021, 2027):  # the August dip
        assert total[f"{year}-08"] < min(total[f"{year}-07"], total[f"{year}-09"]), year


def test_documents_2024_by_type(documents):
    y2024 = documents[documents["month"].str.startswith("2024")].groupby("document_type")["documents_count"].sum()
    assert within(y2024["11502-2"], 117e6)  # biologie
    assert within(y2024["57833-6"], 69e6)  # prescriptions
    assert within(y2024["18748-4"], 26e6)  # imagerie
    bio = monthly_total(documents, "documents_count", couloir_code="biologie")
    assert within(bio[bio.index.str.startswith("2024")].sum(), 117e6)
    assert bio["2024-11"] < 0.75 * bio["2024-10"]  # labs' sending strike


def test_december_2023_shares_by_sender(documents):
    dec = documents[documents["month"] == "2023-12"].groupby("couloir_code")["documents_count"].sum()
    share = dec / dec.sum() * 100
    expected = {"biologie": 37, "medecin_ville": 35, "hopital": 17, "radiologie": 8, "officine": 3}
    for couloir, pct in expected.items():
        assert abs(share[couloir] - pct) <= 1.5, (couloir, share[couloir])


def test_summer_2023_by_couloir(documents):
    for month in ("2023-06", "2023-07"):
        m = documents[documents["month"] == month].groupby("couloir_code")["documents_count"].sum()
        assert m["biologie"] > 6e6 and m["hopital"] > 3e6 and m["medecin_ville"] > 2e6 and m["radiologie"] > 1e6


def test_mes_profiles(full_data):
    profiles = full_data["mes_profiles"].groupby("month")[["profiles_opened", "profiles_activated",
                                                           "monthly_users"]].sum()
    assert within(profiles.loc["2022-10", "profiles_activated"], 7.2e6)
    assert within(profiles.loc["2024-01", "profiles_activated"], 10.5e6)
    assert within(profiles.loc["2026-01", "profiles_activated"], 24e6)
    assert within(profiles.loc["2026-01", "monthly_users"], 2.5e6)
    pops = full_data["populations"]
    insured = pops[(pops["population_kind"] == "assures") & (pops["reference_year"] == 2025)]["population_count"].sum()
    assert 65e6 <= profiles.loc["2026-01", "profiles_opened"] <= 68e6
    assert 0.95 <= profiles.loc["2026-01", "profiles_opened"] / insured <= 0.97
    assert profiles["profiles_activated"].is_monotonic_increasing


def test_activation_by_region_end_2024(full_data):
    deps = pd.read_csv(REF / "departements.csv", dtype=str).set_index("departement_code")["region_code"]
    pops = full_data["populations"]
    insured = pops[(pops["population_kind"] == "assures") & (pops["reference_year"] == 2024)]
    insured = insured.set_index("departement_code")["population_count"]
    profiles = full_data["mes_profiles"]
    activated = profiles[profiles["month"] == "2024-12"].set_index("departement_code")["profiles_activated"]
    frame = pd.DataFrame({"activated": activated, "insured": insured, "region": deps})
    by_region = frame.groupby("region")[["activated", "insured"]].sum()
    rate = by_region["activated"] / by_region["insured"] * 100
    assert abs(rate["44"] - 22.8) <= 2.0  # Grand Est
    assert rate.max() - rate.min() > 10  # régions visibly ahead and behind
    dep_rate = frame["activated"] / frame["insured"]
    assert dep_rate.std() > 0.03  # départements varied


def test_mssante_messages(full_data):
    messages = monthly_total(full_data["mssante_messages"], "messages_count")
    assert within(messages["2021-06"], 7e6)
    assert within(messages["2022-06"], 10e6)
    assert messages["2025-05"] > 28e6


def test_eprescriptions(full_data):
    ep = full_data["eprescriptions"].groupby("month")[["eprescriptions_count", "prescribers_cumulative"]].sum()
    assert within(ep.loc["2022-12":"2024-10", "eprescriptions_count"].sum(), 35.6e6)
    assert within(ep.loc["2024-10", "prescribers_cumulative"], 25_929, 0.02)
    assert ep.loc["2025-12", "prescribers_cumulative"] > 40_000  # compulsory from 1 Jan 2025
    assert ep["prescribers_cumulative"].is_monotonic_increasing


def test_professional_usage(full_data):
    usage = full_data["usage_professionnels"]
    jan = usage[usage["month"] == "2026-01"].groupby("couloir_code")["feeding_actors"].sum()
    liberaux = jan[["medecin_ville", "officine", "paramedical", "sage_femme", "dentiste"]].sum()
    etablissements = jan[["hopital", "biologie", "radiologie", "medico_social"]].sum()
    assert within(liberaux, 150_000) and within(etablissements, 3_800)
    year = usage.assign(year=usage["month"].str[:4]).groupby("year")[
        ["exchanges_total", "exchanges_ins_qualified", "dmp_consultations"]].sum()
    ins = year["exchanges_ins_qualified"] / year["exchanges_total"]
    assert 0.15 <= ins["2021"] <= 0.30 and abs(ins["2025"] - 0.85) <= 0.03
    assert year["dmp_consultations"].is_monotonic_increasing
    assert (year["dmp_consultations"] < 0.1 * year["exchanges_total"]).all()  # consultation stays low
    assert (usage["exchanges_ins_qualified"] <= usage["exchanges_total"]).all()


def test_establishment_detail_matches_feeding_actors(full_data):
    detail = full_data["usage_etablissements"]
    feeding = detail[detail["month"] == "2026-01"].groupby("couloir_code")["finess"].nunique()
    usage = full_data["usage_professionnels"]
    actors = usage[usage["month"] == "2026-01"].groupby("couloir_code")["feeding_actors"].sum()
    for couloir in ("hopital", "biologie", "radiologie"):
        assert within(feeding[couloir], actors[couloir], 0.05), couloir


def test_envelopes_sum_to_two_billion(full):
    rows = read(full["budget_envelopes"])
    amounts = rows["amount_eur"].map(lambda v: Decimal(str(v)))
    assert sum(amounts) == Decimal("2000000000.00")
    by = rows.assign(amount=amounts).groupby("dispositif_code")["amount"].sum()
    medico_social = by[["ESMS-NUM", "SONS-V1-MSO", "SONS-V2-MSO"]].sum()
    assert medico_social == Decimal("600000000") and sum(amounts) - medico_social == Decimal("1400000000")
    assert by[by.index.str.startswith("SONS-V1")].sum() == Decimal("465000000")
    assert by["SUNES-V1"] == Decimal("158000000") and by["SUNES-V2"] == Decimal("52000000")
    esms = rows[rows["dispositif_code"] == "ESMS-NUM"].assign(amount=amounts).groupby("year")["amount"].sum()
    assert (esms[2023], esms[2024], esms[2025]) == (Decimal("84000000"), Decimal("87000000"), Decimal("76500000"))
    assert rows["region_code"].isna().any() and rows["region_code"].notna().any()


def test_vague_1_installed_versus_ordered(full_data):
    dep = full_data["deployments"]
    cutoff = pd.Timestamp("2023-09-20")
    v1 = dep[(dep["vague"] == "1") & (dep["couloir_code"] != "medico_social") & (dep["ordered_date"] <= cutoff)]
    installed = v1["installed_date"] <= cutoff
    assert installed.mean() > 0.99
    by = installed.groupby(v1["couloir_code"]).mean()
    assert abs(by["medecin_ville"] - 0.994) <= 0.004 and abs(by["radiologie"] - 0.922) <= 0.02


def test_vague_1_equipment_in_september_2023(full_data):
    dep = full_data["deployments"]
    done = dep[(dep["vague"] == "1") & (dep["installed_date"] <= pd.Timestamp("2023-09-30"))]
    sites = done.groupby(["couloir_code", "site_kind"])["site_id"].nunique()
    pops = full_data["populations"]
    labs = pops[(pops["population_kind"] == "laboratoires") & (pops["reference_year"] == 2023)]["population_count"]
    assert within(sites["hopital", "finess"], 2_000)
    assert sites["medecin_ville", "rpps"] > 51_000
    assert within(sites["medecin_ville", "finess"], 1_500)
    assert within(sites["radiologie", "finess"], 850)
    assert sites["biologie", "finess"] > 0.7 * labs.sum()
    assert within(sites["officine", "finess"], 21_000)
    assert dep[dep["dispositif_code"] == "SONS-V1-MSO"]["site_id"].nunique() > 20_000
    v2 = dep[dep["vague"] == "2"]
    assert v2["ordered_date"].min() >= pd.Timestamp("2024-01-01")
    assert 0.3 < v2["installed_date"].notna().mean() < 0.95  # vague 2 partially installed


def test_referenced_solutions(full_data):
    sol = full_data["solutions"]
    v1 = sol[sol["vague"] == 1].groupby("couloir_code").size()
    assert v1[["hopital", "medecin_ville", "biologie", "officine", "radiologie"]].to_dict() == {
        "hopital": 90, "medecin_ville": 43, "biologie": 13, "officine": 11, "radiologie": 10}
    sanitaire = sol[(sol["vague"] == 1) & sol["couloir_code"].isin(v1.index.drop(["medico_social", "mssante"]))]
    assert len(sanitaire) == 167 and sanitaire["editeur_siren"].nunique() == 103
    v2 = sol[sol["vague"] == 2]
    assert len(v2) > 0 and v2["referenced_date"].dt.year.between(2024, 2026).all()


def test_sunes_applications_and_payments(full_data):
    ev = full_data["funding_events"]
    pops = full_data["populations"]
    eligible = pops[(pops["population_kind"] == "hopitaux_eligibles_sunes")
                    & (pops["reference_year"] == 2023)]["population_count"].sum()
    sunes = ev[ev["dispositif_code"].str.startswith("SUNES")]
    applied = sunes[sunes["event_type"] == "commitment"]["beneficiary_id"].nunique()
    assert within(applied, 2_307, 0.01) and abs(applied / eligible - 0.82) < 0.01
    assert sunes["funding_window"].dropna().isin([1, 2, 3, 4]).all()
    for dispositif, (low, high) in {"SUNES-V1": (0.75, 0.80), "SUNES-V2": (0.65, 0.70)}.items():
        part = sunes[sunes["dispositif_code"] == dispositif]
        met = part[part["event_type"] == "lump_sum"]["beneficiary_id"].nunique()
        assert low <= met / part[part["event_type"] == "commitment"]["beneficiary_id"].nunique() <= high
    paid = sunes[sunes["event_type"] == "lump_sum"]["event_date"]
    assert paid.min() >= pd.Timestamp("2022-01-01") and paid.max() <= pd.Timestamp("2024-03-31")
    committed = sunes[sunes["event_type"] == "commitment"].groupby("dispositif_code")["amount_eur"].sum()
    assert within(committed["SUNES-V1"], 158e6, 0.03) and within(committed["SUNES-V2"], 52e6, 0.03)


def test_sons_payments_follow_their_orders(full_data):
    ev = full_data["funding_events"]
    sons = ev[ev["dispositif_code"].str.startswith("SONS")]
    commitments = sons[sons["event_type"] == "commitment"].set_index("event_id")
    advances = sons[sons["event_type"] == "advance"]
    ratio = advances["amount_eur"].to_numpy() / commitments.loc[advances["commitment_ref"], "amount_eur"].to_numpy()
    assert np.allclose(ratio, 0.3, atol=0.001)
    lag = (advances["event_date"].to_numpy() - commitments.loc[advances["commitment_ref"], "event_date"].to_numpy())
    assert (lag >= np.timedelta64(30, "D")).all() and (lag <= np.timedelta64(92, "D")).all()
    balances = sons[sons["event_type"] == "balance"]
    paid = advances.groupby("commitment_ref")["amount_eur"].sum().add(
        balances.groupby("commitment_ref")["amount_eur"].sum(), fill_value=0)
    assert (paid <= commitments.loc[paid.index, "amount_eur"] + 0.005).all()
    assert (sons["event_type"] == "cancellation").any()
    v1 = commitments[commitments["dispositif_code"] == "SONS-V1-HOP"]["amount_eur"].sum()
    assert within(v1, 77e6)  # geer.fr reconstruction
    assert within(commitments[commitments["dispositif_code"] == "SONS-V1-OFF"]["amount_eur"].sum(), 15e6)


def test_sons_vague_1_sanitaire_orders_pass_150_million_by_september_2023(full_data):
    """DNS (Sep 2023): « plus de 150 M€ » spent on vague 1 sanitaire; each couloir within 10 % of the geer.fr
    reconstruction (hôpital 77, ville 25, officine 15, biologie 8,6 M€)."""
    ev = full_data["funding_events"]
    sanitaire = ("SONS-V1-HOP", "SONS-V1-MDV", "SONS-V1-BIO", "SONS-V1-RAD", "SONS-V1-OFF")
    orders = ev[(ev["event_type"] == "commitment") & ev["dispositif_code"].isin(sanitaire)]
    by_sep = orders[orders["event_date"] <= pd.Timestamp("2023-09-30")]
    assert 150e6 < by_sep["amount_eur"].sum() < 160e6
    total = orders.groupby("dispositif_code")["amount_eur"].sum()
    for dispositif, geer in (("SONS-V1-HOP", 77e6), ("SONS-V1-MDV", 25e6), ("SONS-V1-OFF", 15e6),
                             ("SONS-V1-BIO", 8.6e6)):
        assert within(total[dispositif], geer), dispositif


def test_mssante_operators_envelope_has_its_orders_and_payments(full_data):
    ev = full_data["funding_events"]
    mss = ev[ev["dispositif_code"] == "SONS-V1-MSS"]
    by = mss.groupby("event_type")["amount_eur"].sum()
    assert by["commitment"] == pytest.approx(30e6, abs=1) and by["advance"] + by["balance"] == pytest.approx(30e6, abs=1)
    assert (mss["event_type"] == "commitment").sum() == 22  # one order per referenced operator solution
    assert (mss["beneficiary_kind"] == "siren").all() and mss["event_date"].max() <= pd.Timestamp("2024-09-30")


def test_dui_records_and_hospital_stays(full_data):
    usage = full_data["usage_professionnels"]
    dui = usage.groupby(["month", "couloir_code"])["dui_active_records"].sum(min_count=1)
    assert 370_000 <= dui["2024-12", "medico_social"] < 410_000  # close to, short of the PNRR target
    assert usage.loc[usage["couloir_code"] != "medico_social", "dui_active_records"].isna().all()
    pops = full_data["populations"]
    stays = pops[pops["population_kind"] == "sejours_hospitaliers"].groupby("reference_year")["population_count"].sum()
    letters = full_data["mes_documents"]
    letters = letters[(letters["document_type"] == "11490-0") & letters["month"].str.startswith("2025")]
    assert letters["documents_count"].sum() / stays[2025] < 1  # §6: fewer than one discharge letter per stay


def test_esms_numerique_projects(full_data):
    ev = full_data["funding_events"]
    esms = ev[(ev["dispositif_code"] == "ESMS-NUM") & (ev["event_type"] == "commitment")]
    by_july_2023 = esms[esms["event_date"] <= pd.Timestamp("2023-07-31")]
    assert within(len(by_july_2023), 439, 0.05) and within(by_july_2023["amount_eur"].sum(), 190e6)
    assert within(len(esms), 1_400, 0.05) and esms["amount_eur"].sum() <= 405e6
    assert (esms["beneficiary_kind"] == "finess").all()


def test_denominators(full_data):
    pops = full_data["populations"]
    y2025 = pops[pops["reference_year"] == 2025].groupby("population_kind")["population_count"].sum()
    assert within(y2025["medecins_liberaux"], 100_000) and within(y2025["officines"], 21_000)
    assert within(y2025["essms"], 36_500, 0.01) and y2025["hopitaux_eligibles_sunes"] == 2_813
    population = pd.read_csv(REF / "departements.csv")["population_k"].sum() * 1000
    assert within(y2025["assures"], population, 0.02)
    assert set(pops["reference_year"]) == {2021, 2022, 2023, 2024, 2025}


def test_sizes_at_scale_1(full_data):
    assert 1e5 <= len(full_data["deployments"]) < 1e6
    monthly = sum(len(full_data[n]) for n in ("mes_documents", "usage_etablissements", "mes_profiles",
                                              "mssante_messages", "usage_professionnels", "eprescriptions"))
    assert 5e5 <= monthly < 5e6
    assert len(full_data["usage_etablissements"]) > 0.6 * monthly  # the bulk: establishment detail
