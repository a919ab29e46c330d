"""The faster load reads, types and checks a CSV in one parallel pass; these tests pin that it finds exactly
what the former, step-by-step way found: encodings, line numbers, typed values, rows breaking a rule."""

from __future__ import annotations

import codecs
import random
from datetime import date

import duckdb
import pytest

import etl.read as read
import etl.validate as validate
from etl.errors import EtlError
from etl.load import check, create_schema, load
from etl.read import FileScan, blank_lines, detect_encoding, line_number_sql, scan_file, stage_csv
from etl.reference import load_reference
from etl.sources import CONTRACTS
from etl.sources.base import Column
from etl.validate import FRENCH_MONTHS, Validator, _lit, prepare_expression, typed_expression
from tests.etl.helpers import make_settings, query, write_csv

# --- one read of the bytes -----------------------------------------------------------------------------

SCAN_CASES = {
    "utf8": "month;département\n2024-12;Drôme\n".encode(),
    "utf8-bom": codecs.BOM_UTF8 + b"month\n2024-12\n",
    "ascii-blank-lines": b"a;b\r\n1;2\r\n\r\n3;4\n\n",
    "cp1252": "mois;département\n2024-12;Drôme\n".encode("cp1252"),
    "cp1252-euro": "montant\n12 500,00 €\n".encode("cp1252"),
    "utf8-then-cp1252": b"a;b\n" + b"1;2\n" * 40 + "é\n".encode("cp1252"),
    "truncated-utf8": b"a;b\n1;2\n\xc3",
    "empty": b"",
    "bom-only": codecs.BOM_UTF8,
}


@pytest.mark.parametrize("chunk", [7, 8 * 1024 * 1024])
@pytest.mark.parametrize("name", sorted(SCAN_CASES))
def test_scan_finds_what_detect_encoding_and_blank_lines_find(tmp_path, monkeypatch, name, chunk):
    monkeypatch.setattr(read, "_CHUNK", chunk)  # small chunks: every boundary case of the one-pass scan
    path = tmp_path / "f.csv"
    path.write_bytes(SCAN_CASES[name])
    scan = scan_file(path)
    assert scan.sha256 == __import__("hashlib").sha256(SCAN_CASES[name]).hexdigest()
    assert scan.encoding == detect_encoding(path)
    assert scan.encoding_error is None
    assert scan.latin1_safe == (scan.encoding == "cp1252" and not any(0x80 <= b < 0xA0 for b in SCAN_CASES[name]))
    assert blank_lines(path, 1, scan) == blank_lines(path, 1)


@pytest.mark.parametrize("chunk", [5, 8 * 1024 * 1024])
def test_scan_reports_undecodable_bytes_as_detect_encoding_does(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(read, "_CHUNK", chunk)
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2\n" * 3 + "é\x81 \x9d\n".encode("latin-1"))
    with pytest.raises(EtlError) as expected:
        detect_encoding(path)
    assert str(scan_file(path).encoding_error) == str(expected.value)


# --- line numbers -------------------------------------------------------------------------------------


def _shifted(line: int, blanks: list[int]) -> int:
    """What the former loader did: `UPDATE … SET __line = __line + 1 WHERE __line >= blank`, blank by blank."""
    for b in sorted(blanks):
        if line >= b:
            line += 1
    return line


def test_line_numbers_in_closed_form_match_the_blank_by_blank_shift():
    rng = random.Random(7)
    con = duckdb.connect()
    for _ in range(60):
        first = rng.randint(2, 5)
        blanks = sorted(rng.sample(range(first, first + 40), rng.randint(0, 12)))
        got = [r[0] for r in con.execute(
            f"SELECT {line_number_sql(first, blanks, 'p')} FROM range(30) t(p) ORDER BY p").fetchall()]
        assert got == [_shifted(p + first, blanks) for p in range(30)], blanks


def test_rows_of_a_large_file_keep_their_line_in_the_file(settings, tmp_path):
    """Read in parallel, rows keep file order: problems far down a file name their physical line."""
    head = "event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;" \
           "beneficiary_kind;beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref\n"
    rows = [f"E{i};SONS-V1-HOP;hopital;1;11;75;750712184;finess;CHU;commitment;02/07/2021;{i},50;;"
            for i in range(250_000)]
    for i in (5, 131_071, 249_990):
        rows[i] = rows[i].replace(f";{i},50;", ";douze;")
    rows[200_001] = rows[200_001].replace(";11;75;", ";99;75;")  # found by a rule reading a reference table
    rows.insert(200_000, "")  # an empty line shifts the lines after it
    rows.insert(100, ";" * 13)  # a row of separators only is no row, but still a line
    path = write_csv(tmp_path / "funding_events_grand.csv", head + "\n".join(rows) + "\n")
    report = load([path], settings, lenient=True)
    assert (report.files[0].rows_read, report.files[0].rows_loaded) == (250_000, 249_996)
    assert query(settings.warehouse, "SELECT row_number, column_name, value, rule FROM reject "
                                     "WHERE rule <> 'region_mismatch' ORDER BY 1") == [
        (7, "amount_eur", "douze", "type"), (131_074, "amount_eur", "douze", "type"),
        (200_005, "region_code", "99", "known_code"), (249_994, "amount_eur", "douze", "type")]
    assert query(settings.warehouse, "SELECT count(*) FROM fact_funding_event WHERE event_id <> "
                                     "'E' || (amount_eur - 0.5)::BIGINT") == [(0,)]


# --- the same warehouse and rejects as typing from a text table -------------------------------------


def _former_clean(raw: str) -> str:
    return f"NULLIF(trim(replace({raw}, chr(160), ' ')), '')"


def _former_number_text(c: str, decimal: str) -> str:
    text = c
    for junk in (" ", "\u202f", "€", "EUR"):
        text = f"replace({text}, '{junk}', '')"
    if decimal == ",":
        return f"replace(replace({text}, '.', ''), ',', '.')"
    return f"replace({text}, ',', '')"


def _former_prepare(col: Column, decimal: str) -> str:
    """The expressions of the former loader, before each `replace`/`rtrim` was skipped when a no-op."""
    c = _former_clean(f'"{col.name}"')
    if col.type in ("integer", "decimal", "amount_eur"):
        other = "," if decimal == "." else "."
        contradicts = f"(rtrim({c}, ' €EUR') LIKE '%{other}_' OR rtrim({c}, ' €EUR') LIKE '%{other}__')"
        return f"CASE WHEN {contradicts} THEN NULL ELSE TRY_CAST({_former_number_text(c, decimal)} AS DOUBLE) END"
    if col.type == "identifier":
        return f"replace({c}, ' ', '')" if col.pattern == "slug" else f"upper(replace({c}, ' ', ''))"
    return c


def _former_month(c: str) -> str:
    v = f"lower({c})"
    cases = " ".join(f"WHEN {_lit(k)} THEN {n}" for k, n in FRENCH_MONTHS.items())
    pattern = "'^([a-zàâçéèêëîïôûùüÿ]+)\\.?\\s*([0-9]{4})$'"
    by_name = (f"make_date(TRY_CAST(NULLIF(regexp_extract({v}, {pattern}, 2), '') AS INTEGER), "
               f"CASE regexp_extract({v}, {pattern}, 1) {cases} END, 1)")
    return (f"CASE WHEN {c} LIKE '____-__' THEN TRY_STRPTIME({c} || '-01', '%Y-%m-%d')::DATE "
            f"WHEN {c} LIKE '__/____' THEN TRY_STRPTIME('01/' || {c}, '%d/%m/%Y')::DATE "
            f"WHEN {c} LIKE '_/____' THEN TRY_STRPTIME('01/0' || {c}, '%d/%m/%Y')::DATE "
            f"WHEN {c} LIKE '%/%' OR {c} LIKE '____-__-%' THEN date_trunc('month', {validate._date(c)})::DATE "
            f"ELSE TRY({by_name}) END")


def _former_typed(col: Column, decimal: str) -> str:
    if col.type == "month":
        return _former_month(f'"c_{col.name}"')
    if col.type == "code" and col.ref == "vague":
        return f"coalesce(NULLIF(regexp_extract(\"c_{col.name}\", '([0-9]+)', 1), ''), \"c_{col.name}\")"
    return typed_expression(col, decimal)


TRICKY = ["", " ", "\u00a0", " \u00a0 ", "\u202f", "\t", "12", " 12 ", "12\u00a0500", "1 020,50", "1.020,50",
          "1,020.50", "1020.5", "1 020.50 €", "12 500,00€", "12 500,00 EUR", "12EUR", "1e3", "-5", "+7", "0,125",
          "3,", "3,1", "3,12", "3,123", "3.1", "3.12", "3.123", "1\u202f234", "€", "EUR", " EU R", "E", "nan",
          "inf", "2024-12", "12/2024", "1/2024", "déc. 2024", "DÉC 2024", "févr.2021", "janv. 0000",
          "sept 9999", "mai 2024 ", "foo 2024", "2024-12-31", "31/12/2024", "1/2/2024", "13/2021", "2",
          "vague 2", "V1", "07", "7", "2a", "2B", "12345678", " 1234 5678 ", "abc def", "Ab Cd", "oui", "NON"]


@pytest.mark.parametrize("decimal", [",", "."])
def test_typing_gives_the_values_of_the_former_expressions(decimal):
    con = duckdb.connect()
    con.execute("CREATE TABLE raw (v VARCHAR)")
    con.executemany("INSERT INTO raw VALUES (?)", [[v] for v in [*TRICKY, None]])
    columns = {c.name + c.type + (c.ref or "") + (c.pattern or ""): c for contract in CONTRACTS.values()
               for c in contract.columns}
    columns.update(d=Column("d", "decimal"), b=Column("b", "boolean"), r=Column("r", "identifier", pattern="rpps"))
    for col in columns.values():
        now = (f'SELECT v, ({typed_expression(col, decimal)})::VARCHAR FROM (SELECT v, {prepare_expression(col, decimal)} '
               f'AS "c_{col.name}" FROM (SELECT v, v AS "{col.name}" FROM raw)) ORDER BY v')
        former = (f'SELECT v, ({_former_typed(col, decimal)})::VARCHAR FROM (SELECT v, {_former_prepare(col, decimal)} '
                  f'AS "c_{col.name}" FROM (SELECT v, v AS "{col.name}" FROM raw)) ORDER BY v')
        assert con.execute(now).fetchall() == con.execute(former).fetchall(), (col, decimal)


def test_rows_flagged_while_typing_are_those_the_rules_report(tmp_path):
    """`__bad` (conditions on the cleaned text) selects exactly the rows of the rule queries (on the raw text)."""
    head = "event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;" \
           "beneficiary_kind;beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref"
    ok = "E{};SONS-V1-HOP;hopital;1;11;75;750712184;finess;CHU;commitment;02/07/2021;1 000,00;;"
    rows = [ok.format(i) for i in range(40)]
    edits = {1: (3, "\u00a0"), 2: (0, " "), 3: (11, "\u00a0\u00a0"), 4: (10, "\u202f"), 5: (12, " 7 "),
             6: (6, "\u00a0 "), 7: (8, "\u00a0"), 8: (11, "1 020.50"), 9: (4, "99"), 10: (5, "13")}
    for i, (col, value) in edits.items():
        cells = rows[i].split(";")
        cells[col] = value
        rows[i] = ";".join(cells)
    path = write_csv(tmp_path / "funding_events_x.csv", head + "\n" + "\n".join(rows) + "\n")
    con = duckdb.connect()
    create_schema(con)
    load_reference(con, make_settings(tmp_path).reference_dir)
    staged = stage_csv(con, path, "stg_1", tmp_path)
    validator = Validator(con, date(2026, 11, 28))
    typed = validator.parse(staged)
    problems = validator.problems(staged, validator.problems_table(staged, typed))
    flagged = {r[0] for r in con.execute(f"SELECT __line FROM {typed} WHERE __bad").fetchall()}
    later = ("duplicate_key", "known_code", "region_mismatch")  # rules reading a table: in problems_table
    # (an optional vague of no-break spaces only and a name of one are no problem: edits 1 and 7)
    assert flagged == {p.line for p in problems if p.rule not in later} == {4, 5, 6, 7, 8, 10}
    assert {p.line for p in problems} == {4, 5, 6, 7, 8, 10, 11, 12}


def test_cp1252_read_by_duckdb_or_through_a_utf8_copy_gives_the_same_rows(tmp_path):
    text = ("month;departement_code;couloir_code;document_type;documents_count\r\n"
            "déc. 2024;75;biologie;11502-2;1 475\r\nfévr. 2024;2A;hôpital;11502-2;12\r\n")
    path = write_csv(tmp_path / "mes_documents_accents.csv", text, "cp1252")
    scan = scan_file(path)
    assert scan.latin1_safe
    con = duckdb.connect()
    tables = []
    for n, s in enumerate((scan, FileScan(scan.sha256, "cp1252"))):  # latin1_safe False: the UTF-8 copy
        staged = stage_csv(con, path, f"stg_{n}", tmp_path, scan=s)
        tables.append(con.execute(f"SELECT * FROM {staged.table}").fetchall())
        assert "converti de cp1252 en UTF-8" in staged.detected.describe()
    assert tables[0] == tables[1]
    assert tables[0][1][2] == "hôpital"


def test_reload_with_rejects_is_identical_to_the_first(settings, tmp_path):
    """Idempotence through the new path: the same files twice, lenient, give the same facts and rejects."""
    text = ("month;departement_code;couloir_code;document_type;documents_count\n"
            "2024-12;75;biologie;11502-2;1\n\n2024-12;13;biologie;11502-2;douze\n;;;;\n2024-11;13;biologie;11502-2;3\n")
    path = write_csv(tmp_path / "raw" / "mes_documents_x.csv", text)
    snapshots = []
    for _ in range(2):
        report = load([path.parent], settings, lenient=True)
        assert report.status == "published_with_rejects"
        snapshots.append((
            query(settings.warehouse, "SELECT month, departement_code, documents_count, file_id FROM fact_documents "
                                      "ORDER BY ALL"),
            query(settings.warehouse, "SELECT file_name, row_number, column_name, value, rule, message FROM reject "
                                      "WHERE run_id = ? ORDER BY ALL", [report.run_id])))
    assert snapshots[0] == snapshots[1]
    assert snapshots[0][0] == [(date(2024, 11, 1), "13", 3, snapshots[0][0][0][3]),
                               (date(2024, 12, 1), "75", 1, snapshots[0][0][0][3])]
    assert [r[1:3] for r in snapshots[0][1]] == [(4, "documents_count")]


def test_a_csv_duckdb_cannot_read_is_a_file_error_naming_what_was_detected(settings, tmp_path):
    """Read while typing, a CSV that DuckDB's reader refuses is still a file error, as when it was staged."""
    rows = [f"2024-12;{d:02d};biologie;11502-2;1" for d in range(10, 95)] * 3  # past the lines detection reads
    text = "month;departement_code;couloir_code;document_type;documents_count\n" + "\n".join(rows) \
           + "\n2024-12;75;biologie;11502-2;" + "9" * 3_000_000 + "\n"
    f = check([write_csv(tmp_path / "mes_documents_long.csv", text)], settings).files[0]
    assert f.error.startswith("mes_documents_long.csv: lecture CSV impossible (CSV; encodage utf-8; séparateur ';'")
