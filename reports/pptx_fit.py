"""Will it fit? Text and table sizes on a slide, estimated from Arial's average glyph width, so that a table
never runs under the footer and a number never breaks inside a word.

PowerPoint lays text out itself; these estimates are deliberately generous (average Arial glyph ≈ 0.55 em,
0.6 em bold, line height 1.2 em) so that a table that "fits" here fits on screen.
"""

from __future__ import annotations

import re

EM_REGULAR, EM_BOLD, LINE_EM = 0.55, 0.6, 1.2
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
