"""The warehouse tables, declared for SQLAlchemy Core from the source contracts and the reference dims.

Declared, not reflected (duckdb-engine's reflection does not work with SQLAlchemy 2.1). A test checks
these declarations against the DuckDB schema created by etl/schema.sql.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Float, Integer, MetaData, Numeric, String, Table

from etl.sources import CONTRACTS

metadata = MetaData()

_SA_TYPES = {
    "text": String, "code": String, "identifier": String, "integer": BigInteger, "decimal": Float,
    "amount_eur": lambda: Numeric(15, 2), "date": Date, "month": Date, "boolean": Boolean,
}


def _fact(contract) -> Table:
    cols = [Column(c.name, _SA_TYPES[c.type]()) for c in contract.columns]
    return Table(contract.table, metadata, *cols, Column("file_id", String), Column("run_id", String))


FACTS: dict[str, Table] = {c.table: _fact(c) for c in CONTRACTS.values()}

dim_region = Table("dim_region", metadata, Column("region_code", String), Column("label_fr", String),
                   Column("label_en", String), Column("is_overseas", Boolean))
dim_departement = Table("dim_departement", metadata, Column("departement_code", String), Column("label", String),
                        Column("region_code", String), Column("population_k", Integer), Column("lat", Float),
                        Column("lon", Float))
dim_dispositif = Table("dim_dispositif", metadata, Column("dispositif_code", String), Column("label_fr", String),
                       Column("label_en", String), Column("kind", String), Column("financeur", String),
                       Column("couloir_code", String), Column("vague", String), Column("window_open", Date),
                       Column("window_close", Date))
source_file = Table("source_file", metadata, Column("file_id", String), Column("source", String),
                    Column("file_name", String), Column("sha256", String), Column("run_id", String),
                    Column("rows_loaded", BigInteger), Column("period_min", Date), Column("period_max", Date),
                    Column("superseded_by", String))
load_run = Table("load_run", metadata, Column("run_id", String), Column("started_at", Date),
                 Column("finished_at", Date), Column("status", String), Column("rows_loaded", BigInteger))

# Table name → contract (to know a table's source and date columns).
CONTRACT_OF_TABLE = {c.table: c for c in CONTRACTS.values()}


def table(name: str) -> Table:
    try:
        return FACTS[name]
    except KeyError as e:
        raise KeyError(f"unknown warehouse table {name!r} (known: {', '.join(FACTS)})") from e

dim_couloir = Table("dim_couloir", metadata, Column("couloir_code", String), Column("label_fr", String),
                    Column("label_en", String), Column("software", String), Column("vague_min", Integer))
dim_document_type = Table("dim_document_type", metadata, Column("document_type", String),
                          Column("label_fr", String), Column("label_en", String), Column("main_couloir", String))

# Label table per breakdown dimension: (table, key column).
LABEL_TABLES = {"couloir": (dim_couloir, "couloir_code"), "document_type": (dim_document_type, "document_type"),
                "dispositif": (dim_dispositif, "dispositif_code")}

# Derived at publish time from the funding events (etl/derived.py), for the budget views.
_DIMS = ("dispositif_code", "couloir_code", "vague", "region_code", "departement_code")
derived_funding_month = Table(
    "derived_funding_month", metadata, *(Column(c, String) for c in _DIMS), Column("month", Date),
    Column("committed_eur", Numeric(18, 2)), Column("paid_eur", Numeric(18, 2)))
derived_commitment_state = Table(
    "derived_commitment_state", metadata, Column("commitment_id", String), *(Column(c, String) for c in _DIMS),
    Column("beneficiary_id", String), Column("beneficiary_kind", String), Column("beneficiary_name", String),
    Column("commitment_date", Date), Column("amount_eur", Numeric(15, 2)), Column("valid_from", Date),
    Column("valid_to", Date), Column("cancelled_eur", Numeric(18, 2)), Column("paid_eur", Numeric(18, 2)),
    Column("lump_sums", BigInteger), Column("balances", BigInteger), Column("final_date", Date))
DERIVED = {t.name: t for t in (derived_funding_month, derived_commitment_state)}


def has_derived(db) -> bool:
    """Whether the published warehouse carries the derived tables (those published before them do not)."""
    return db.cached("indicators.tables.has_derived", lambda: set(DERIVED) <= db.tables())
