"""Reusable, pure component builders: data in, Dash components (or Plotly figures) out."""

from dashboard.components.chart import chart_with_table, graph, graph_config
from dashboard.components.feedback import empty_state, error_alert, messages_alert, page_header
from dashboard.components.status import kpi_row, kpi_tile, status_badge
from dashboard.components.table import FORMATS, data_table, simple_table
from dashboard.components.tilemap import geo_map, territory_map, tile_map, tile_map_caption

__all__ = [
    "FORMATS", "chart_with_table", "data_table", "empty_state", "error_alert", "geo_map", "graph", "graph_config",
    "kpi_row", "kpi_tile", "messages_alert", "page_header", "simple_table", "status_badge", "territory_map", "tile_map",
    "tile_map_caption",
]
