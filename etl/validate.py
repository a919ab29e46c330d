"""Parse a staged (all-text) file with its contract and find every problem, row by row, in SQL.

Every rule yields rows of (line, sheet, column, value, rule, message). Nothing is dropped silently:
the loader either refuses the file (strict) or keeps the rejected rows with these reasons (lenient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from etl.read import StagedFile, read_failure
from etl.sources import PATTERNS, Column, Contract

# Reference table per `ref`, with its key column and a human description of the expected codes.
REFERENCES = {
    "region": ("dim_region", "region_code", "un code région INSEE (11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94, 01–04, 06)"),
    "departement": ("dim_departement", "departement_code", "un code département INSEE (01…95, 2A, 2B, 971…974, 976)"),
    "couloir": ("dim_couloir", "couloir_code", "un couloir (hopital, medecin_ville, biologie, radiologie, officine, medico_social, mssante, sage_femme, dentiste, paramedical)"),
    "dispositif": ("dim_dispositif", "dispositif_code", "un dispositif de data/reference/dispositifs.csv (ex. SONS-V1-HOP, SUNES-V1, ESMS-NUM)"),
    "vague": ("dim_vague", "vague", "1 ou 2"),
    "document_type": ("dim_document_type", "document_type", "un code LOINC de data/reference/document_types.csv (ex. 11502-2)"),
}

MIN_DATE = date(2015, 1, 1)
FRENCH_MONTHS = {
    "janv": 1, "janvier": 1, "jan": 1, "janu": 1, "fevr": 2, "févr": 2, "fevrier": 2, "février": 2, "feb": 2,
    "fev": 2, "fév": 2, "mars": 3, "mar": 3, "avr": 4, "avril": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6,
    "jun": 6, "juil": 7, "juillet": 7, "jul": 7, "aout": 8, "août": 8, "aug": 8, "sept": 9, "septembre": 9,
    "sep": 9, "oct": 10, "octobre": 10, "nov": 11, "novembre": 11, "dec": 12, "déc": 12, "decembre": 12,
    "décembre": 12,
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    sheet: str | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def location(self) -> str:
        where = self.file + (f" [{self.sheet}]" if self.sheet else "")
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


def _one_of(expr: str, values: tuple[str, ...] | list[str]) -> str:
    """`expr IN (values)` (same NULL semantics) without DuckDB turning a long list into a join, which would not
    keep the rows in file order while typing."""
    return "(" + " OR ".join(f"{expr} = {_lit(v)}" for v in values) + ")"


def _lit(text: str) -> str:
    """A SQL string literal of one of OUR constants (never user data)."""
    return "'" + text.replace("'", "''") + "'"


QUOTED_CHARS = 80  # at most this many characters of a value are quoted in a message


def excerpt(expr: str) -> str:
    """SQL of a value as quoted in a message: its first QUOTED_CHARS characters, `…` when cut (a 1 MB cell
    is named, not repeated)."""
    return (f"CASE WHEN length({expr}) > {QUOTED_CHARS} THEN left({expr}, {QUOTED_CHARS - 1}) || '…' "
            f"ELSE {expr} END")


def _clean(raw: str) -> str:
    """Trimmed text, no-break spaces as spaces, NULL when empty. (`replace` only when there is one to replace:
    the same text, without copying every value.)"""
    return (f"CASE WHEN contains({raw}, chr(160)) THEN NULLIF(trim(replace({raw}, chr(160), ' ')), '') "
            f"ELSE NULLIF(trim({raw}), '') END")


def _number_text(c: str, decimal: str) -> str:
    """Digits, sign and decimal point only: spaces (incl. narrow no-break), euro signs and the thousands
    separator removed (plain `replace`, much cheaper than regexes on millions of rows; each one only when the
    value holds what it removes, the usual plain number being kept as it is)."""
    text = c
    for junk in (" ", "\u202f", "€", "EUR"):
        text = f"replace({text}, '{junk}', '')"
    if decimal == ",":
        full = f"replace(replace({text}, '.', ''), ',', '.')"
        plain = (f"CASE WHEN contains({c}, '.') THEN replace(replace({c}, '.', ''), ',', '.') "
                 f"WHEN contains({c}, ',') THEN replace({c}, ',', '.') ELSE {c} END")
    else:
        full = f"replace({text}, ',', '')"
        plain = f"CASE WHEN contains({c}, ',') THEN replace({c}, ',', '') ELSE {c} END"
    junk = " OR ".join(f"contains({c}, '{j}')" for j in (" ", "\u202f", "€", "EUR"))
    return f"CASE WHEN {junk} THEN {full} ELSE {plain} END"


DATE_FORMATS = "['%d/%m/%Y', '%Y-%m-%d', '%d-%m-%Y', '%Y/%m/%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%d/%m/%y']"


def _date(c: str) -> str:
    # The two usual shapes take a single strptime; anything else tries every accepted format.
    return (f"CASE WHEN {c} LIKE '__/__/____' THEN TRY_STRPTIME({c}, '%d/%m/%Y')::DATE "
            f"WHEN {c} LIKE '__/__/__' THEN TRY_STRPTIME({c}, '%d/%m/%y')::DATE "
            f"WHEN {c} LIKE '____-__-__' THEN TRY_STRPTIME({c}, '%Y-%m-%d')::DATE "
            f"ELSE TRY_STRPTIME({c}, {DATE_FORMATS})::DATE END")


def _month(c: str) -> str:
    v = f"lower({c})"
    cases = " ".join(f"WHEN {_lit(k)} THEN {n}" for k, n in FRENCH_MONTHS.items())
    pattern = "'^([a-zàâçéèêëîïôûùüÿ]+)\\.?\\s*([0-9]{4})$'"
    name = f"regexp_extract({v}, {pattern}, 1)"
    year = f"regexp_extract({v}, {pattern}, 2)"
    # Never an error, so no TRY(…) (which costs microseconds per row): the year has 4 digits (0–9999) or is
    # NULL, the month is 1–12 or NULL, the day 1.
    by_name = f"make_date(TRY_CAST(NULLIF({year}, '') AS INTEGER), CASE {name} {cases} END, 1)"
    return (
        f"CASE WHEN {c} LIKE '____-__' THEN TRY_STRPTIME({c} || '-01', '%Y-%m-%d')::DATE "
        f"WHEN {c} LIKE '__/____' THEN TRY_STRPTIME('01/' || {c}, '%d/%m/%Y')::DATE "
        f"WHEN {c} LIKE '_/____' THEN TRY_STRPTIME('01/0' || {c}, '%d/%m/%Y')::DATE "
        f"WHEN {c} LIKE '%/%' OR {c} LIKE '____-__-%' THEN date_trunc('month', {_date(c)})::DATE "
        f"ELSE {by_name} END"
    )


def prepare_expression(col: Column, decimal: str, cleaned: str | None = None) -> str:
    """First pass: the cleaned text (or number) of a raw column, computed once per value. `cleaned`: the
    column already holding `_clean` of the raw value, if any (computed once, not once per use)."""
    c = cleaned or _clean(f'"{col.name}"')
    if col.type in ("integer", "decimal", "amount_eur"):
        # A value written with the other decimal mark ("1 020,50" in a file using '.') is refused, not misread.
        other = "," if decimal == "." else "."
        # rtrim(c, ' €EUR') is c itself unless c ends with one of those characters (rtrim copies every value)
        ends = " OR ".join(f"{c} LIKE '%{ch}'" for ch in " €EUR")
        contradicts = (f"CASE WHEN {ends} THEN (rtrim({c}, ' €EUR') LIKE '%{other}_' OR rtrim({c}, ' €EUR') LIKE "
                       f"'%{other}__') ELSE ({c} LIKE '%{other}_' OR {c} LIKE '%{other}__') END")
        return f"CASE WHEN {contradicts} THEN NULL ELSE TRY_CAST({_number_text(c, decimal)} AS DOUBLE) END"
    if col.type == "identifier":
        compact = f"CASE WHEN contains({c}, ' ') THEN replace({c}, ' ', '') ELSE {c} END"
        return compact if col.pattern == "slug" else f"upper({compact})"
    return c


def typed_expression(col: Column, decimal: str) -> str:
    """Second pass: the typed value from the prepared column `c_<name>`."""
    c = f'"c_{col.name}"'
    t = col.type
    if t == "text":
        return c
    if t == "code":
        if col.ref in ("departement", "region"):
            return f"CASE WHEN length({c}) = 1 AND {c} BETWEEN '0' AND '9' THEN '0' || {c} ELSE upper({c}) END"
        if col.ref == "couloir" or col.allowed:
            return f"lower({c})"
        if col.ref == "dispositif":
            return f"upper({c})"
        if col.ref == "vague":  # a single digit is its own first number (not `IN (…)`: a join, out of order)
            return (f"CASE WHEN length({c}) = 1 AND {c} BETWEEN '0' AND '9' THEN {c} "
                    f"ELSE coalesce(NULLIF(regexp_extract({c}, '([0-9]+)', 1), ''), {c}) END")
        return c
    if t == "identifier":
        if col.pattern in ("finess", "beneficiary"):
            # Excel drops the leading zero of FINESS numbers of départements 01–09.
            return (f"CASE WHEN length({c}) = 8 THEN CASE WHEN regexp_full_match({c}, '[0-9]{{8}}') "
                    f"THEN '0' || {c} ELSE {c} END ELSE {c} END")
        return c
    if t == "integer":
        return f"CASE WHEN {c} = floor({c}) AND abs({c}) < 9e15 THEN {c}::BIGINT END"
    if t == "decimal":
        return c
    if t == "amount_eur":
        return f"CASE WHEN abs({c}) < 1e13 THEN round({c}, 2)::DECIMAL(15,2) END"
    if t == "date":
        return _date(c)
    if t == "month":
        return _month(c)
    if t == "boolean":
        v = f"lower({c})"
        return (f"CASE WHEN {_one_of(v, ('true', 'vrai', 'oui', '1', 'yes', 'o', 'y'))} THEN true "
                f"WHEN {_one_of(v, ('false', 'faux', 'non', '0', 'no', 'n'))} THEN false END")
    raise AssertionError(t)


TYPE_EXPECTED = {
    "integer": "un nombre entier (ex. 1 234)",
    "decimal": "un nombre (ex. 1 020,50 ou 1020.50)",
    "amount_eur": "un montant en euros (ex. 12 500,00)",
    "date": "une date (31/12/2024 ou 2024-12-31)",
    "month": "un mois (2024-12, 12/2024 ou déc. 2024)",
    "boolean": "oui/non (ou true/false)",
}


def _one_year_after(d: date) -> date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def _joins(condition: str) -> bool:
    """Whether a rule condition reads a table (a known code, a département's région)."""
    return "SELECT" in condition or " IN (" in condition


class Validator:
    """Runs a contract's rules over one staged file on a connection that holds the reference tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, today: date) -> None:
        self.con = con
        self.today = today

    def typing_select(self, staged: StagedFile) -> str:
        """The SELECT typing a staged file: __line (a table) or __empty (a CSV view), __sheet, raw (r_*) and typed
        columns, and `__bad`: whether the row breaks a rule found without a reference table."""
        c = staged.contract
        dec = staged.detected.decimal
        q = '"{}"'.format
        cleaned = ", ".join(f"{q(col.name)} AS {q('r_' + col.name)}, {_clean(q(col.name))} AS {q('k_' + col.name)}"
                            for col in c.columns)
        raw_and_cleaned = ", ".join(f"{q('r_' + col.name)}, {q('k_' + col.name)}" for col in c.columns)
        prepared = ", ".join(f"{prepare_expression(col, dec, q('k_' + col.name))} AS {q('c_' + col.name)}"
                             for col in c.columns)
        typed_cols = ", ".join(f"{typed_expression(col, dec)} AS {q(col.name)}" for col in c.columns)
        _, conditions, _ = self._rule_queries(c, f"{staged.table}_typed", cleaned=True)
        # Rules reading a reference table are joins, which do not keep the rows in file order (the rowid must
        # be the row's position): problems_table checks them on the typed table instead.
        any_rule = " OR ".join(f"({cond})" for cond in conditions if not _joins(cond)) or "false"
        keep = "__empty" if staged.is_view else "__line"
        # The raw text (r_*) stays for the messages. The rules checked later (reference codes, duplicate keys, known
        # solutions) quote only their own columns, on rows not known yet: those keep every raw value; any other
        # column's raw text is quoted only on a row breaking a rule found here, so only such rows keep it (storing
        # millions of strings no message will quote is a good part of the typing cost).
        later = {col.name for col in c.columns if col.type == "code" and col.ref} | set(c.natural_key)
        later |= {"solution_id"} & set(c.column_names)
        stored = ", ".join(q("r_" + col.name) if col.name in later
                           else f"CASE WHEN __bad THEN {q('r_' + col.name)} END AS {q('r_' + col.name)}"
                           for col in c.columns)
        # Layer by layer, so that each cleaned value is computed once however many expressions use it.
        select = (
            f"SELECT {keep}, __sheet, {stored}, {', '.join(q(col.name) for col in c.columns)}, __bad FROM ("
            f"SELECT *, coalesce({any_rule}, false) AS __bad FROM ("
            f"SELECT {keep}, __sheet, {raw_and_cleaned}, {typed_cols} FROM ("
            f"SELECT {keep}, __sheet, {raw_and_cleaned}, {prepared} FROM ("
            f"SELECT {keep}, __sheet, {cleaned} FROM {staged.table}))) src_row)")
        return select

    def reference_condition(self, contract: Contract) -> str | None:
        """The rules reading a reference table (known codes, a département's région), as one condition on the
        typed columns of a row `src_row`; None when the contract has none."""
        _, conditions, _ = self._rule_queries(contract, "__SRC__")
        joined = [f"({cond})" for cond in conditions if _joins(cond)]
        return " OR ".join(joined) or None

    def parse(self, staged: StagedFile) -> str:
        """Create `<table>_typed` with __line, __sheet, raw (r_*) and typed columns, and `__bad` (typing_select);
        return its name.

        A CSV is read, typed and checked in this one pass: its staging table is a view over the reader, the
        result is stored as `<table>_typed_rows` in file order and `<table>_typed` is a view adding __line
        (from the rowid) and leaving out the rows of separators only."""
        typed = f"{staged.table}_typed"
        select = self.typing_select(staged)
        if not staged.is_view:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {select}")
            return typed
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {typed}_rows AS {select}")
        except duckdb.Error as e:
            failure = read_failure(self.con, staged)
            if failure is not None:
                raise failure from e
            raise
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {typed} AS SELECT {staged.line_sql} AS __line, "
                         f"* EXCLUDE (__empty) FROM {typed}_rows WHERE NOT __empty")
        staged.rows = self.con.execute(f"SELECT count(*) FROM {typed}_rows WHERE NOT __empty").fetchone()[0]
        return typed

    def drop(self, staged: StagedFile) -> None:
        """Drop what parse and problems_table created for a staged file (not the staging table itself)."""
        typed = f"{staged.table}_typed"
        if staged.is_view:
            self.con.execute(f"DROP VIEW IF EXISTS {typed}")
            self.con.execute(f"DROP TABLE IF EXISTS {typed}_rows")
        else:
            self.con.execute(f"DROP TABLE IF EXISTS {typed}")
        self.con.execute(f"DROP TABLE IF EXISTS {staged.table}_problems")

    def _rule_queries(self, contract: Contract, typed: str, cleaned: bool = False) -> tuple[list[str], list[str], str]:
        """(per-row rule queries over a `__SRC__` table, their conditions, the duplicate-key query).

        `cleaned`: the conditions may read the cleaned text `k_<column>` (NULL when empty): a raw value is
        present (not only spaces) exactly when it is not NULL, `trim` removing the Unicode spaces (Zs), the
        no-break space included, whatever `_clean` replaced. The same rows, without trimming every value again."""
        q: list[str] = []
        conditions: list[str] = []

        def add(column: str | None, rule: str, where: str, message: str, value: str | None = None) -> None:
            value_sql = excerpt(value or (f'"r_{column}"' if column else "NULL"))
            conditions.append(where)
            q.append(
                f"SELECT __line, __sheet, {_lit(column) if column else 'NULL'} AS column_name, "
                f"({value_sql})::VARCHAR AS value, {_lit(rule)} AS rule, {message} AS message FROM __SRC__ "
                f"WHERE ({where})"
            )

        raw_present = "{r} IS NOT NULL AND trim({r}) <> ''"
        for col in contract.columns:
            raw, t = f'"r_{col.name}"', f'"{col.name}"'
            r = excerpt(raw)  # what a message quotes
            present = f'"k_{col.name}" IS NOT NULL' if cleaned else raw_present.format(r=raw)
            if col.required:
                add(col.name, "required", f"NOT ({present})", _lit("valeur obligatoire manquante"))
            if col.max_length:
                k = f'"k_{col.name}"' if cleaned else f"trim({raw})"
                add(col.name, "max_length", f"length({k}) > {col.max_length}",
                    f"'texte de ' || length({k}) || ' caractères (au plus {col.max_length}) : ''' || {r} || ''''")
            if col.type in TYPE_EXPECTED:
                add(col.name, "type", f"{present} AND {t} IS NULL",
                    f"'''' || {r} || ''' n''est pas ' || {_lit(TYPE_EXPECTED[col.type])}")
            if col.type == "code" and col.ref:
                table, key, expected = REFERENCES[col.ref]
                add(col.name, "known_code", f"{t} IS NOT NULL AND {t} NOT IN (SELECT {key} FROM {table})",
                    f"'code inconnu ''' || {r} || ''' (attendu : ' || {_lit(expected)} || ')'")
            if col.type == "code" and col.allowed:
                add(col.name, "allowed_value", f"{t} IS NOT NULL AND NOT {_one_of(t, col.allowed)}",
                    f"'valeur ''' || {r} || ''' non autorisée (attendu : ' || {_lit(', '.join(col.allowed))} || ')'")
            if col.type == "identifier" and col.pattern:
                regex, expected = PATTERNS[col.pattern]
                add(col.name, "format", f"{t} IS NOT NULL AND NOT regexp_matches({t}, {_lit(regex)})",
                    f"'identifiant ''' || {r} || ''' mal formé (attendu : ' || {_lit(expected)} || ')'")
            if col.min_value is not None:
                add(col.name, "min_value", f"{t} IS NOT NULL AND {t} < {col.min_value}",
                    f"'valeur ' || {r} || ' inférieure au minimum (attendu : ≥ {col.min_value:g})'")
            if col.max_value is not None:
                add(col.name, "max_value", f"{t} IS NOT NULL AND {t} > {col.max_value}",
                    f"'valeur ' || {r} || ' supérieure au maximum (attendu : ≤ {col.max_value:g})'")
            if col.type in ("date", "month"):
                latest = _one_year_after(self.today) if col.type == "date" else self.today
                add(col.name, "date_range",
                    f"{t} IS NOT NULL AND ({t} < DATE '{MIN_DATE}' OR {t} > DATE '{latest}')",
                    f"'date ' || {r} || ' hors période (attendu : entre {MIN_DATE:%d/%m/%Y} et {latest:%d/%m/%Y})'")
        names = contract.column_names
        x = {name: excerpt(f"r_{name}") for name in names}  # raw values as quoted in messages
        if "region_code" in names and "departement_code" in names:
            add("departement_code", "region_mismatch",
                "region_code IS NOT NULL AND departement_code IS NOT NULL AND region_code <> "
                "(SELECT d.region_code FROM dim_departement d WHERE d.departement_code = "
                "src_row.departement_code)",
                f"'le département ''' || {x['departement_code']} || ''' n''est pas dans la région ''' || "
                f"{x['region_code']} || ''''")
        for check in contract.checks:
            if check == "installed_after_ordered":
                add("installed_date", check, "installed_date < ordered_date",
                    f"'installation le ' || {x['installed_date']} || ' avant la commande du ' || {x['ordered_date']}")
            elif check == "validated_after_installed":
                add("validated_date", check,
                    "validated_date IS NOT NULL AND (installed_date IS NULL OR validated_date < installed_date)",
                    f"'validation le ' || {x['validated_date']} || ' sans installation antérieure (installée : ' || "
                    f"coalesce({x['installed_date']}, 'non') || ')'")
            elif check == "activated_le_opened":
                add("profiles_activated", check, "profiles_activated > profiles_opened",
                    f"'profils activés (' || {x['profiles_activated']} || ') > profils ouverts (' || "
                    f"{x['profiles_opened']} || ')'")
            elif check == "ins_le_total":
                add("exchanges_ins_qualified", check, "exchanges_ins_qualified > exchanges_total",
                    f"'échanges INS qualifiée (' || {x['exchanges_ins_qualified']} || ') > échanges totaux (' || "
                    f"{x['exchanges_total']} || ')'")
        nk = ", ".join(f'"{k}"' for k in contract.natural_key)
        shown = " || ', ' || ".join(f"'{k}=' || coalesce({excerpt(f'r_{k}')}, '')" for k in contract.natural_key)
        duplicates = (
            f"SELECT __line, __sheet, {_lit(contract.natural_key[0])} AS column_name, {shown} AS value, "
            f"'duplicate_key' AS rule, 'clé en double (' || {shown} || ') : aussi ligne(s) ' || "
            "array_to_string(list_transform(list_filter(lines, lambda x: x.l <> __line OR x.s IS DISTINCT FROM "
            "__sheet), lambda x: x.l::VARCHAR || CASE WHEN x.s IS DISTINCT FROM __sheet THEN ' (feuille ' || "
            "x.s || ')' ELSE '' END), ', ') AS message FROM ("
            f"SELECT *, count(*) OVER w AS n, list({{'l': __line, 's': __sheet}}) OVER w AS lines FROM {typed} "
            f"WINDOW w AS (PARTITION BY {nk})) WHERE n > 1"
        )
        return q, conditions, duplicates

    def problems_table(self, staged: StagedFile, typed: str) -> str:
        """Create `<table>_problems` (one row per problem) and return its name.

        One scan keeps the rows breaking any rule; the messages are then written from those few rows."""
        problems = f"{staged.table}_problems"
        bad = f"{staged.table}_bad"
        queries, conditions, duplicates = self._rule_queries(staged.contract, typed)
        # Which rows break a rule without a reference table was found while typing (`__bad`).
        joined = self.reference_condition(staged.contract)
        where = f"__bad OR {joined}" if joined else "__bad"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {bad} AS SELECT * FROM {typed} src_row WHERE {where}")
        # A rule found while typing can only hold on a row flagged `__bad` (the only rows whose every raw value
        # was kept, see parse).
        union = " UNION ALL ".join(q.replace("__SRC__", f"{bad} src_row") + ("" if _joins(cond) else " AND __bad")
                                   for q, cond in zip(queries, conditions, strict=True))
        # The lines of each duplicate key are listed by a window over every row: only when a key repeats
        # (a grouping says so, much cheaper); otherwise that query would find nothing.
        nk = ", ".join(f'"{k}"' for k in staged.contract.natural_key)
        repeats = self.con.execute(
            f"SELECT 1 FROM {typed} GROUP BY {nk} HAVING count(*) > 1 LIMIT 1").fetchone() is not None
        if repeats:
            union += f" UNION ALL {duplicates}"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {problems} AS {union}")
        self.con.execute(f"DROP TABLE {bad}")
        return problems

    def cross_check_solutions(self, staged: StagedFile, typed: str, problems: str, known_solutions_sql: str) -> None:
        """Deployments must point to a referenced solution (already published or loaded in this run)."""
        self.con.execute(
            f"INSERT INTO {problems} SELECT __line, __sheet, 'solution_id', {excerpt('r_solution_id')}, "
            f"'known_solution', 'solution ''' || {excerpt('r_solution_id')} || ''' absente du référentiel des solutions (source solutions)' "
            f"FROM {typed} WHERE solution_id IS NOT NULL AND solution_id NOT IN ({known_solutions_sql})"
        )

    def problems(self, staged: StagedFile, problems: str, limit: int | None = None) -> list[Problem]:
        sql = f"SELECT __line, __sheet, column_name, value, rule, message FROM {problems} ORDER BY __sheet, __line, column_name"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [Problem(staged.path.name, *row) for row in self.con.execute(sql).fetchall()]
