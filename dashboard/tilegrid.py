"""Tile-grid layouts of France: one square per département or région, placed to resemble the country.

The grids are computed once from the lat/lon in data/reference/departements.csv and stored as
data/reference/tilegrid_departements.csv and tilegrid_regions.csv (code,row,col); the dashboard only
reads the stored files. Regenerate with `python -m dashboard.tilegrid` after a reference change.

Method: project lon/lat (equirectangular, lon scaled by cos 46.5°), scale to a grid, place every
tile on the free cell nearest its true position (most central tiles first), then improve by moving
and swapping tiles while a cost drops: distance to the true position plus, for each pair of
geographic nearest neighbours, how much their offset on the grid differs from their true offset. Overseas
territories go in one row at the bottom-left, in code order.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
LEVELS = ("departement", "region")
# (columns of the mainland grid, nearest neighbours kept around each tile), tuned by eye and by the
# neighbour test: 11 columns gives one tile per ~80 km, about the size of a département.
METRO_GRID = {"departement": (11, 6), "region": (4, 3)}

Cell = tuple[int, int]


def _project(lat: float, lon: float) -> tuple[float, float]:
    return lon * math.cos(math.radians(46.5)), lat


def _targets(points: Mapping[str, tuple[float, float]], cols: int) -> dict[str, tuple[float, float]]:
    """Continuous (row, col) of every point on a grid `cols` wide (north at row 0)."""
    xy = {code: _project(lat, lon) for code, (lat, lon) in points.items()}
    xs, ys = [p[0] for p in xy.values()], [p[1] for p in xy.values()]
    scale = (cols - 1) / ((max(xs) - min(xs)) or 1.0)
    return {code: ((max(ys) - y) * scale, (x - min(xs)) * scale) for code, (x, y) in xy.items()}


def _sq(a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _neighbours(targets: Mapping[str, tuple[float, float]], k: int) -> set[tuple[str, str]]:
    """Edges of the k-nearest-neighbour graph (undirected) on the true positions."""
    edges = set()
    for a, ta in targets.items():
        for b in sorted((b for b in targets if b != a), key=lambda b: (_sq(ta, targets[b]), b))[:k]:
            edges.add((min(a, b), max(a, b)))
    return edges


class _Layout:
    """Cells of the tiles and the cost that keeps each tile near its place and its neighbours around it."""

    def __init__(self, targets: Mapping[str, tuple[float, float]], k: int, anchor: float) -> None:
        self.targets = dict(targets)
        self.anchor = anchor
        self.edges: dict[str, list[str]] = {code: [] for code in targets}
        for a, b in _neighbours(targets, k):
            self.edges[a].append(b)
            self.edges[b].append(a)
        self.cells: dict[str, Cell] = {}

    def _edge_cost(self, a: str, b: str, cells: Mapping[str, Cell]) -> float:
        ta, tb, ca, cb = self.targets[a], self.targets[b], cells[a], cells[b]
        return ((ca[0] - cb[0]) - (ta[0] - tb[0])) ** 2 + ((ca[1] - cb[1]) - (ta[1] - tb[1])) ** 2

    def local_cost(self, moved: tuple[str, ...], cells: Mapping[str, Cell]) -> float:
        """Every cost term that involves one of the moved tiles (each edge once)."""
        total = sum(self.anchor * _sq(self.targets[m], cells[m]) for m in moved)
        seen = set()
        for m in moved:
            for n in self.edges[m]:
                edge = (min(m, n), max(m, n))
                if edge not in seen:
                    seen.add(edge)
                    total += self._edge_cost(m, n, cells)
        return total

    def improve(self, radius: int, max_passes: int) -> None:
        codes = sorted(self.cells)
        for _ in range(max_passes):
            improved = False
            for a in codes:
                ra, ca = self.cells[a]
                occupant = {cell: code for code, cell in self.cells.items()}
                for cell in [(ra + dr, ca + dc) for dr in range(-radius, radius + 1)
                             for dc in range(-radius, radius + 1) if (dr, dc) != (0, 0)]:
                    b = occupant.get(cell)
                    moved = (a,) if b is None else (a, b)
                    before = self.local_cost(moved, self.cells)
                    trial = dict(self.cells)
                    trial[a] = cell
                    if b is not None:
                        trial[b] = self.cells[a]
                    if self.local_cost(moved, trial) < before - 1e-9:
                        self.cells = trial
                        improved = True
                        break
            if not improved:
                return


def snap(targets: Mapping[str, tuple[float, float]], k: int = 6, anchor: float = 0.5,
         max_passes: int = 40) -> dict[str, Cell]:
    """Assign every code a distinct cell near its continuous (row, col) target, neighbours kept around it."""
    layout = _Layout(targets, k, anchor)
    # Tiles that sit close to a cell centre are the surest: place them first, on the nearest free cell.
    order = sorted(targets, key=lambda c: (_sq(targets[c], (round(targets[c][0]), round(targets[c][1]))), c))
    taken: set[Cell] = set()
    for code in order:
        t = targets[code]
        r0, c0 = round(t[0]), round(t[1])
        ring = 0
        while True:
            free = [(r, c) for r in range(r0 - ring, r0 + ring + 1) for c in range(c0 - ring, c0 + ring + 1)
                    if (r, c) not in taken]
            if free:
                cell = min(free, key=lambda cell: (_sq(t, cell), cell))
                break
            ring += 1
        layout.cells[code] = cell
        taken.add(cell)
    layout.improve(radius=2, max_passes=max_passes)
    cells = layout.cells
    min_r = min(r for r, _ in cells.values())
    min_c = min(c for _, c in cells.values())
    return {code: (r - min_r, c - min_c) for code, (r, c) in cells.items()}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _with_overseas(metro: dict[str, Cell], overseas: list[str]) -> dict[str, Cell]:
    """Overseas tiles in one row at the bottom-left, one empty row below mainland France."""
    row = max(r for r, _ in metro.values()) + 2
    return {**metro, **{code: (row, i) for i, code in enumerate(sorted(overseas))}}


def compute(level: str, reference_dir: Path = REFERENCE_DIR) -> dict[str, Cell]:
    """The grid of one level, computed from the reference data."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    deps = _read_csv(reference_dir / "departements.csv")
    regions = {r["region_code"]: r for r in _read_csv(reference_dir / "regions.csv")}
    if level == "departement":
        overseas = [d["departement_code"] for d in deps if regions[d["region_code"]]["is_overseas"] == "true"]
        points = {d["departement_code"]: (float(d["lat"]), float(d["lon"])) for d in deps
                  if d["departement_code"] not in overseas}
    else:
        overseas = [code for code, r in regions.items() if r["is_overseas"] == "true"]
        weights: dict[str, list[tuple[float, float, float]]] = {}
        for d in deps:
            weights.setdefault(d["region_code"], []).append((float(d["population_k"]), float(d["lat"]), float(d["lon"])))
        points = {}
        for code, items in weights.items():
            if code in overseas:
                continue
            total = sum(w for w, _, _ in items)
            points[code] = (sum(w * la for w, la, _ in items) / total, sum(w * lo for w, _, lo in items) / total)
    cols, k = METRO_GRID[level]
    return _with_overseas(snap(_targets(points, cols), k=k), overseas)


def grid_path(level: str, reference_dir: Path = REFERENCE_DIR) -> Path:
    return reference_dir / f"tilegrid_{level}s.csv"


def write(level: str, reference_dir: Path = REFERENCE_DIR) -> Path:
    path = grid_path(level, reference_dir)
    cells = compute(level, reference_dir)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "row", "col"])
        for code, (r, c) in sorted(cells.items(), key=lambda kv: (kv[1], kv[0])):
            w.writerow([code, r, c])
    return path


@lru_cache(maxsize=8)
def load(level: str, reference_dir: Path = REFERENCE_DIR) -> dict[str, Cell]:
    """The stored grid of one level: code → (row, col)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    return {r["code"]: (int(r["row"]), int(r["col"])) for r in _read_csv(grid_path(level, reference_dir))}


def render_text(cells: Mapping[str, Cell]) -> str:
    """The grid as text (for a quick look in a terminal)."""
    rows = max(r for r, _ in cells.values()) + 1
    cols = max(c for _, c in cells.values()) + 1
    grid = [["   "] * cols for _ in range(rows)]
    for code, (r, c) in cells.items():
        grid[r][c] = f"{code:>3}"
    return "\n".join(" ".join(row) for row in grid)


if __name__ == "__main__":
    for lvl in LEVELS:
        print(write(lvl))
        print(render_text(compute(lvl)))
