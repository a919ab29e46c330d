"""The vocabulary of a source contract: what a regional agency must send us, column by column."""

from __future__ import annotations

from dataclasses import dataclass, field

# Logical column types. Each has a parser in etl/validate.py and a DuckDB type in schema.sql.
TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",  # a code checked against a reference table (`ref`)
    "identifier": "VARCHAR",  # FINESS / SIREN / RPPS / free id with a `pattern`
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "amount_eur": "DECIMAL(15,2)",
    "date": "DATE",
    "month": "DATE",  # first day of the month
    "boolean": "BOOLEAN",
}

# Identifier formats (regex, human description used in error messages).
PATTERNS = {
    "finess": (r"^(?:[0-9]{2}|2[AB])[0-9]{7}$", "9 caractères FINESS (ex. 750712184, 2A0000123)"),
    "siren": (r"^[0-9]{9}$", "9 chiffres SIREN"),
    "rpps": (r"^[0-9]{11}$", "11 chiffres RPPS"),
    "beneficiary": (
        r"^(?:(?:[0-9]{2}|2[AB])[0-9]{7}|[0-9]{11})$",
        "FINESS (9 caractères), SIREN (9 chiffres) ou RPPS (11 chiffres)",
    ),
    "slug": (r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$", "identifiant sans espace (lettres, chiffres, - _ .)"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = True
    description_fr: str = ""
    description_en: str = ""
    unit: str = ""
    ref: str | None = None  # reference table name for type "code"
    allowed: tuple[str, ...] = ()  # closed list of values for type "code" without a table
    pattern: str | None = None  # key of PATTERNS for type "identifier"
    min_value: float | None = None
    max_value: float | None = None
    aliases: tuple[str, ...] = ()  # other header spellings we accept
    example: str = ""
    max_length: int | None = None  # characters, after trimming; required for free text (type "text")

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if self.type == "code" and not (self.ref or self.allowed):
            raise ValueError(f"column {self.name}: a code column needs ref or allowed")
        if self.pattern and self.pattern not in PATTERNS:
            raise ValueError(f"column {self.name}: unknown pattern {self.pattern!r}")
        if self.type == "text" and not self.max_length:
            raise ValueError(f"column {self.name}: a free-text column needs max_length")

    @property
    def sql_type(self) -> str:
        return TYPES[self.type]


@dataclass(frozen=True)
class Contract:
    name: str  # also the file-name prefix that identifies the source
    table: str  # warehouse fact table
    title_fr: str
    title_en: str
    producer: str  # who sends it (ASP, ARS, CNSA, Cnam, ANS…)
    periodicity: str  # monthly, quarterly, yearly, on_event
    availability_delay_days: int  # days after the end of a period until the file is expected
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    # The column giving the period a row belongs to: a delivery replaces exactly the periods it contains
    # (docs/data-model.md). A month or date column gives a month (`2024-11`), a year column a year (`2024`).
    period_column: str | None = None  # every registered source has one (etl/sources/__init__.py)
    # The volume guard: a delivery is refused when, for a period it replaces, the row count or the total of
    # `total_column` falls by more than this share of the published figure (unless --accept-shrink).
    total_column: str | None = None
    shrink_tolerance: float = 0.30
    # Several producers deliver this source, each its own file for a period (one per région, per operator): a
    # file's producer, named by the delivery (`--producteur`, or the folder holding the file under the directory
    # given), is part of its slices — a producer's file replaces only that producer's rows of its periods.
    several_producers: bool = False
    description_fr: str = ""
    description_en: str = ""
    checks: tuple[str, ...] = field(default_factory=tuple)  # names of cross-column rules

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"contract {self.name}: duplicate column")
        missing = [k for k in self.natural_key if k not in names]
        if missing:
            raise ValueError(f"contract {self.name}: natural key column(s) {missing} not declared")
        if self.period_column is not None:
            if self.period_column not in names:
                raise ValueError(f"contract {self.name}: period column not declared")
            period = self.column(self.period_column)
            if period.type not in ("month", "date", "integer") or not period.required:
                raise ValueError(f"contract {self.name}: the period column must be a required month, date or year")
        if self.total_column and self.column(self.total_column).type not in ("integer", "decimal", "amount_eur"):
            raise ValueError(f"contract {self.name}: total column {self.total_column} is not a number")
        if not 0 < self.shrink_tolerance < 1:
            raise ValueError(f"contract {self.name}: shrink_tolerance must be between 0 and 1")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def period_sql(self, alias: str = "") -> str:
        """SQL of a row's period label: `2024-11` for a month or a date, `2024` for a year (our own SQL)."""
        assert self.period_column, f"contract {self.name} has no period column"
        col = (f"{alias}." if alias else "") + f'"{self.period_column}"'
        if self.column(self.period_column).type == "integer":
            return f"CAST({col} AS VARCHAR)"
        return f"strftime({col}, '%Y-%m')"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]
