"""The look: État design-system (DSFR) colours, a Plotly template "segur", a Mantine theme, status styles.

No web font is downloaded: the font stack uses Marianne when the machine has it, else the system font.
Every colour used for text or for a mark on white meets WCAG AA (tests check the contrast ratios).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from texts import status_icon, status_label

BLEU_FRANCE = "#000091"
ROUGE_MARIANNE = "#E1000F"
SUCCESS = "#18753C"
WARNING = "#B34000"
ERROR = "#CE0500"
INFO = "#0063CB"
GREY_TEXT = "#3A3A3A"
GREY_MUTED = "#666666"
GREY_LINE = "#DDDDDD"
BACKGROUND_ALT = "#F6F6F6"
FONT_STACK = ("Marianne, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', "
              "Arial, sans-serif")

# Categorical series (couloirs, dispositifs…): DSFR illustrative colours, darkened where needed so that
# each has a contrast of at least 3:1 on white (WCAG 1.4.11 for graphical objects).
COLORWAY = [
    BLEU_FRANCE, "#C9191E", SUCCESS, WARNING, "#6E445A", "#417DC4", "#00806B", "#A558A0", "#716043",
    "#66673D",
]
# Sequential scale (light → bleu France) for maps and heatmaps.
SEQUENTIAL = ["#F5F5FE", "#CACAFB", "#8585F6", "#5555D8", "#2323B4", BLEU_FRANCE]
# Diverging scale (below → above target) for deviations.
DIVERGING = [ERROR, "#F5A78F", "#F6F6F6", "#8DC9A4", SUCCESS]


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown: an icon AND a text label (both from the message catalogue, `texts`), with a colour —
    never the colour alone."""

    key: str
    color: str  # text / mark colour (contrast ≥ 4.5:1 on white and on `background`)
    background: str  # light tint behind a badge

    @property
    def icon(self) -> str:
        return status_icon(self.key)

    def label(self, lang: str | None = "fr") -> str:
        return status_label(self.key, lang)


STATUSES: dict[str, StatusStyle] = {
    "on_track": StatusStyle("on_track", SUCCESS, "#DFFEE6"),
    "watch": StatusStyle("watch", WARNING, "#FFF4E0"),
    "off_track": StatusStyle("off_track", ERROR, "#FFE9E9"),
    "no_target": StatusStyle("no_target", INFO, "#E8EDFF"),
    "no_data": StatusStyle("no_data", GREY_TEXT, "#EEEEEE"),
    "incomplete": StatusStyle("incomplete", GREY_TEXT, "#EEEEEE"),  # data missing: no colour to trust
}


def status_style(status: str | None) -> StatusStyle:
    """The style of a status key; unknown or missing → `no_data`."""
    return STATUSES.get(status or "no_data", STATUSES["no_data"])


def _template() -> go.layout.Template:
    axis = dict(
        showgrid=True, gridcolor="#E5E5E5", zeroline=False, linecolor=GREY_MUTED, ticks="outside",
        tickcolor=GREY_MUTED, tickfont=dict(size=14, color=GREY_TEXT), title=dict(font=dict(size=15, color=GREY_TEXT)),
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_STACK, size=15, color=GREY_TEXT),
            title=dict(font=dict(size=19, color="#161616"), x=0, xanchor="left", pad=dict(l=4)),
            colorway=COLORWAY,
            colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis=axis,
            yaxis=dict(axis, ticks=""),
            legend=dict(font=dict(size=14), bgcolor="rgba(255,255,255,0.8)", orientation="h", yanchor="bottom",
                        y=1.02, xanchor="left", x=0),
            hoverlabel=dict(font=dict(family=FONT_STACK, size=15), bgcolor="white", bordercolor=BLEU_FRANCE),
            margin=dict(l=12, r=12, t=48, b=12),
            separators=", ",
        ),
    )


def register_plotly_template() -> None:
    """Register the "segur" template (idempotent)."""
    pio.templates["segur"] = _template()


def plotly_layout_for(lang: str | None) -> dict:
    """Layout settings that depend on the language (decimal and thousands separators)."""
    return {"separators": ", " if (lang or "fr") == "fr" else ".,"}


def _shades(light: str, main: str) -> list[str]:
    """A 10-shade Mantine palette whose shade 6 (used for text and filled variants) is the DSFR colour."""
    return [light] * 6 + [main] * 4


# Mantine colour names for DSFR tokens: use color="warningDsfr" etc. on Alerts, Badges, Buttons.
MANTINE_THEME: dict = {
    "fontFamily": FONT_STACK,
    "headings": {"fontFamily": FONT_STACK, "fontWeight": "700"},
    "primaryColor": "bleuFrance",
    "primaryShade": 6,
    "colors": {
        "bleuFrance": ["#F5F5FE", "#ECECFE", "#E3E3FD", "#CACAFB", "#A1A1F8", "#6A6AF4", BLEU_FRANCE, "#00006D",
                       "#000057", "#000040"],
        "successDsfr": _shades("#B8FEC9", SUCCESS),
        "warningDsfr": _shades("#FFE9E6", WARNING),
        "errorDsfr": _shades("#FFE9E9", ERROR),
        "infoDsfr": _shades("#E8EDFF", INFO),
    },
    "defaultRadius": "xs",
    "black": "#161616",
    "focusRing": "always",
}


def relative_luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(fg: str, bg: str = "#FFFFFF") -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_color_on(fill: str) -> str:
    """Black or white text, whichever reads better on `fill`."""
    return "#161616" if contrast_ratio("#161616", fill) >= contrast_ratio("#FFFFFF", fill) else "#FFFFFF"


# Components name the template "segur": it exists as soon as the theme is imported (create_app also makes
# it Plotly's default for the process).
register_plotly_template()
