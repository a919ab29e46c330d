"""The registry of source contracts: one per file a producer sends us."""

from __future__ import annotations

from etl.sources import budget, denominators, deployment, usage
from etl.sources.base import PATTERNS, TYPES, Column, Contract

CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (*budget.CONTRACTS, *deployment.CONTRACTS, *usage.CONTRACTS, *denominators.CONTRACTS)
}

# A delivery replaces the periods it contains (etl/load.py): every source says where a row's period is.
_undeclared = [c.name for c in CONTRACTS.values() if not c.period_column]
if _undeclared:
    raise ValueError(f"source contract(s) without a period column: {_undeclared}")

# Load order: referenced tables before the facts that point to them.
LOAD_ORDER = ["solutions", *[n for n in CONTRACTS if n != "solutions"]]

__all__ = ["CONTRACTS", "LOAD_ORDER", "PATTERNS", "TYPES", "Column", "Contract"]
