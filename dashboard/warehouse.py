"""The dashboard reads the warehouse through the shared reader (see indicators/db.py for why it attaches
each published file to a fresh in-memory database)."""

from indicators.db import ALIAS, Warehouse, WarehouseUnavailable

__all__ = ["ALIAS", "Warehouse", "WarehouseUnavailable"]
