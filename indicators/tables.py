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
