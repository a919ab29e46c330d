"""Will it fit? Text and table sizes on a slide, estimated from Arial's average glyph width, so that a table
never runs under the footer and a number never breaks inside a word.

PowerPoint lays text out itself; these estimates are deliberately generous (average Arial glyph ≈ 0.55 em,
0.6 em bold, line height 1.2 em) so that a table that "fits" here fits on screen.
"""

from __future__ import annotations

import re

from reports.pack_sections import Status

EM_REGULAR, EM_BOLD, LINE_EM = 0.55, 0.6, 1.2
FOOTER_TOP_IN = 7.5 - 0.45  # a table ends above a 16:9 slide's footer line (0,4 in from the bottom)
CELL_MARGIN_IN = 0.12  # left + right margin of a table cell (Deck.table sets 0.06 each)
CELL_PAD_IN = 0.06  # top + bottom margin
# A no-break space before a unit word (« 531 507 ordonnances »): where a line may break if the text is too wide.
_UNIT_SPACE = re.compile(r"\xa0(?=[^\W\d_]{2,})")


def text_width_in(text: str, size: float, bold: bool = False) -> float:
    """The estimated width of one line of text, in inches."""
    return len(text) * size * (EM_BOLD if bold else EM_REGULAR) / 72


def words(text: str) -> list[str]:
    """What PowerPoint may not break: runs of characters between ordinary spaces (no-break spaces join)."""
    return [w for w in re.split(r"[ \n]+", text) if w]


def lines(text: str, width_in: float, size: float, bold: bool = False) -> int:
    """Lines the text takes in a box `width_in` wide (greedy word wrap; a word wider than the box is cut)."""
    room = max(width_in - CELL_MARGIN_IN, 0.1)
    total = 0
    for paragraph in text.split("\n") or [""]:
        n, line = 1, 0.0
        space = text_width_in(" ", size, bold)
        for w in words(paragraph):
            need = text_width_in(w, size, bold)
            if need > room:  # cut inside the word: as many lines as it needs
                n += int(need // room) + (1 if line else 0)
                line = need % room
                continue
            if line and line + space + need > room:
                n, line = n + 1, need
            else:
                line += (space if line else 0) + need
        total += n
    return total


def breakable(text: str, width_in: float, size: float, bold: bool = False) -> str:
    """`text` allowed to wrap between a number and its unit word when it is wider than the column (a number
    itself never breaks: its thousands separator is a narrow no-break space)."""
    if text_width_in(text, size, bold) <= width_in - CELL_MARGIN_IN:
        return text
    return _UNIT_SPACE.sub(" ", text)


def row_height_in(cells: list[str], widths: list[float], size: float, minimum: float, bold: bool = False) -> float:
    tallest = max((lines(c, w, size, bold) for c, w in zip(cells, widths, strict=True)), default=1)
    return max(minimum, tallest * size * LINE_EM / 72 + CELL_PAD_IN)


def table_height_in(header: list[str], rows: list[list[str]], widths: list[float], size: float,
                    minimum: float) -> float:
    return (row_height_in(header, widths, size, minimum, bold=True)
            + sum(row_height_in(r, widths, size, minimum) for r in rows))


def shorten(text: str, width_in: float, size: float, max_lines: int) -> str:
    """The text cut at a word, with an ellipsis, to at most `max_lines` lines of the column."""
    if lines(text, width_in, size) <= max_lines:
        return text
    kept = words(text)
    while kept and lines(" ".join(kept) + " …", width_in, size) > max_lines:
        kept.pop()
    return " ".join(kept) + " …"


def one_line_row_height(top: float, n_rows: int, size: float) -> float | None:
    """The row height (≤ 0,3 in) that keeps `n_rows` one-line rows above the footer, None when none can."""
    height = min(0.3, (FOOTER_TOP_IN - top) / n_rows)
    return height if height >= size * 1.2 / 72 + 0.06 else None


def cells_height(headers, rows, widths, size: float) -> float:
    """The estimated height of a table of text or Status cells, rows at least 0,3 in."""
    text = [[v.text if isinstance(v, Status) else str(v) for v in r] for r in rows]
    return table_height_in(headers, text, widths, size, 0.3)


def fit_last_column(headers, rows, widths, size: float, room_in: float) -> list[list]:
    """Rows whose last column (a comment) is cut until the table fits in `room_in` inches."""
    for max_lines in (8, 6, 4, 3, 2, 1):
        if cells_height(headers, rows, widths, size) <= room_in:
            break
        rows = [[*r[:-1], shorten(str(r[-1]), widths[-1], size, max_lines)] for r in rows]
    return rows
