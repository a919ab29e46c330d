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

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if self.type == "code" and not (self.ref or self.allowed):
            raise ValueError(f"column {self.name}: a code column needs ref or allowed")
        if self.pattern and self.pattern not in PATTERNS:
            raise ValueError(f"column {self.name}: unknown pattern {self.pattern!r}")

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
    period_column: str | None = None  # column giving the period a row belongs to
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
        if self.period_column and self.period_column not in names:
            raise ValueError(f"contract {self.name}: period column not declared")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]
