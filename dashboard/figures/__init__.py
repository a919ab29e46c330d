"""Figure builders: pure functions from query frames (and the page language) to Plotly figures."""
