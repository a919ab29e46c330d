"""Every component id of the shell and of the shared components, in one place.

Pages add their own ids here, prefixed with the page name (e.g. `BUDGET_TABLE = "budget-table"`).
"""

# Shell
URL = "url"
SKIP_LINK = "skip-link"
HEADER = "header"
HEADER_TITLE = "header-title"
HEADER_SUBTITLE = "header-subtitle"
NAV = "nav"
LANG = "lang-toggle"
LANG_LABEL = "lang-label"
FILTER_BAR = "filter-bar"
CONTENT = "contenu"  # the skip link's target
FOOTER = "footer"
HTML_LANG_SINK = "html-lang-sink"

# Global filters (order of the filter bar); each is a dmc.Select whose value lives in the URL.
FILTER_AS_OF = "filter-as_of"
FILTER_REGION = "filter-region"
FILTER_DEPARTEMENT = "filter-departement"
FILTER_COULOIR = "filter-couloir"
FILTER_DISPOSITIF = "filter-dispositif"
FILTER_VAGUE = "filter-vague"
FILTERS = {
    "as_of": FILTER_AS_OF,
    "region": FILTER_REGION,
    "departement": FILTER_DEPARTEMENT,
    "couloir": FILTER_COULOIR,
    "dispositif": FILTER_DISPOSITIF,
    "vague": FILTER_VAGUE,
}

# Données page
DATA_REJECTS_GRID = "donnees-rejects-grid"
DATA_FILES_GRID = "donnees-files-grid"
DATA_RUNS_GRID = "donnees-runs-grid"
DATA_FRESHNESS = "donnees-freshness"
