"""The stored tile grids: complete, no overlap, shaped like France, and up to date with the generator."""

import csv
import math
from pathlib import Path

import pytest

from dashboard import tilegrid

REF = Path(__file__).resolve().parents[2] / "data" / "reference"


def _codes(file_name: str, column: str) -> set[str]:
    with (REF / file_name).open(encoding="utf-8") as fh:
        return {r[column] for r in csv.DictReader(fh)}


@pytest.mark.parametrize(("level", "file_name", "column"), [
    ("departement", "departements.csv", "departement_code"),
    ("region", "regions.csv", "region_code"),
])
def test_every_code_once_and_no_two_tiles_on_a_cell(level, file_name, column):
    cells = tilegrid.load(level)
    assert set(cells) == _codes(file_name, column)
    assert len(set(cells.values())) == len(cells)
    assert min(r for r, _ in cells.values()) == 0 and min(c for _, c in cells.values()) == 0


@pytest.mark.parametrize("level", tilegrid.LEVELS)
def test_stored_grid_matches_the_generator(level):
    assert tilegrid.load(level) == tilegrid.compute(level), "run `python -m dashboard.tilegrid`"


def test_overseas_in_a_row_at_the_bottom_left():
    cells = tilegrid.load("departement")
    overseas = [cells[c] for c in ("971", "972", "973", "974", "976")]
    assert [c for _, c in overseas] == [0, 1, 2, 3, 4]
    assert len({r for r, _ in overseas}) == 1
    bottom = overseas[0][0]
    assert all(r < bottom - 1 for code, (r, _) in cells.items() if len(code) == 2)  # an empty row between


def test_france_keeps_its_shape():
    cells = tilegrid.load("departement")
    row = {code: r for code, (r, _) in cells.items()}
    col = {code: c for code, (_, c) in cells.items()}
    assert row["59"] == min(row[c] for c in row if len(c) == 2)  # Nord on top
    assert col["29"] == min(col.values())  # Finistère westmost
    assert col["67"] > col["75"] > col["29"]  # Strasbourg east of Paris east of Brest
    assert row["66"] > row["31"] > row["87"] > row["45"] > row["75"]  # south to north
    assert col["2B"] >= max(col[c] for c in col if c not in ("2A", "2B"))  # Corsica east of mainland


def test_neighbours_roughly_preserved():
    deps = list(csv.DictReader((REF / "departements.csv").open(encoding="utf-8")))
    points = {d["departement_code"]: (float(d["lat"]), float(d["lon"])) for d in deps if len(d["departement_code"]) == 2}
    cells = tilegrid.load("departement")
    targets = tilegrid._targets(points, tilegrid.METRO_GRID["departement"][0])
    edges = tilegrid._neighbours(targets, 4)
    grid_distance = [max(abs(cells[a][0] - cells[b][0]), abs(cells[a][1] - cells[b][1])) for a, b in edges]
    assert sum(d <= 2 for d in grid_distance) / len(grid_distance) >= 0.95
    assert max(grid_distance) <= 4
    # and no tile is far from where it belongs (grid and true positions aligned on their centroids)
    dr = sum(cells[c][0] - targets[c][0] for c in points) / len(points)
    dc = sum(cells[c][1] - targets[c][1] for c in points) / len(points)
    shift = [math.dist((cells[c][0] - dr, cells[c][1] - dc), targets[c]) for c in points]
    assert sum(shift) / len(shift) < 1.5
    assert max(shift) < 3.5


def test_unknown_level():
    with pytest.raises(ValueError, match="level must be one of"):
        tilegrid.load("commune")
