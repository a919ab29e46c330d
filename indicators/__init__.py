"""Indicators as code: the catalogue (indicators.yaml → validated models) and, on top, the engine."""

from indicators.catalog import Catalogue, CatalogueError, Problem, load_catalogue, parse_catalogue

__all__ = ["Catalogue", "CatalogueError", "Problem", "load_catalogue", "parse_catalogue"]
