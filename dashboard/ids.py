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
DATA_PERIODS_GRID = "donnees-periods-grid"
DATA_RUNS_GRID = "donnees-runs-grid"
DATA_FRESHNESS = "donnees-freshness"

# Territoires page and fiche territoriale
TERR_INDICATOR = "territoires-indicateur"
TERR_LEVEL = "territoires-niveau"
TERR_MEASURE = "territoires-mesure"
TERR_MAP = "territoires-carte"
TERR_RANKING_GRID = "territoires-classement"
TERR_DISPERSION = "territoires-dispersion"
FICHE_INDICATORS = "fiche-indicateurs"
FICHE_DEPARTEMENTS = "fiche-departements"

# Vue d'ensemble
OVERVIEW_BUDGET = "overview-budget"
OVERVIEW_OBJECTIVES = "overview-objectives"
OVERVIEW_ALERTS = "overview-alerts"
OVERVIEW_TILES = "overview-tiles"

# Indicateur (one indicator) and Indicateurs (the list)
IND_VALUE = "indicateur-value"
IND_SERIES = "indicateur-series"
IND_CHART = "indicateur-chart"
IND_FORECAST = "indicateur-forecast"
IND_GRAIN = "indicateur-grain"
IND_BY = "indicateur-by"
IND_BREAKDOWN = "indicateur-breakdown"
IND_MAP = "indicateur-map"
IND_DEFINITION = "indicateur-definition"
IND_EXPLAIN = "indicateur-explain"
IND_UNKNOWN = "indicateur-unknown"
IND_UNAVAILABLE = "indicateur-unavailable"
IND_LIST = "indicateurs-list"

# Budget page
BUDGET_KPIS = "budget-kpis"
BUDGET_KPI_AT_RISK = "budget-kpi-at-risk"
BUDGET_CONSUMPTION = "budget-consumption"
BUDGET_CONSUMPTION_GRAPH = "budget-consumption-graph"
BUDGET_TABLE = "budget-table"
BUDGET_BY = "budget-by"
BUDGET_GRID = "budget-grid"
BUDGET_RISK = "budget-risk"
BUDGET_RISK_REGION_GRAPH = "budget-risk-region-graph"
BUDGET_RISK_DISPOSITIF_GRAPH = "budget-risk-dispositif-graph"
BUDGET_LAG = "budget-lag"
BUDGET_LAG_GRAPH = "budget-lag-graph"
BUDGET_BENEFICIARIES = "budget-beneficiaries"
BUDGET_BENEFICIARIES_GRID = "budget-beneficiaries-grid"

# Déploiement page
DEPLOIEMENT_KPIS = "deploiement-kpis"
DEPLOIEMENT_KPI_IN_USE = "deploiement-kpi-in-use"
DEPLOIEMENT_FUNNEL = "deploiement-funnel"
DEPLOIEMENT_SEGMENTS = "deploiement-segments"
DEPLOIEMENT_FUNNEL_GRAPH = "deploiement-funnel-graph"
DEPLOIEMENT_FUNNEL_GRID = "deploiement-funnel-grid"
DEPLOIEMENT_EDITEURS = "deploiement-editeurs"
DEPLOIEMENT_EDITEURS_GRID = "deploiement-editeurs-grid"
DEPLOIEMENT_ORDERS = "deploiement-orders"
DEPLOIEMENT_ORDERS_GRAPH = "deploiement-orders-graph"
DEPLOIEMENT_RATES_GRID = "deploiement-rates-grid"

# Committee mode (shared by the snapshot and the comments/decisions screens)
AUTHOR_STORE = "author-store"  # dcc.Store(storage_type="local"): the name a user entered once
AUTHOR_INPUT = "author-input"
SNAPSHOT_BANNER = "snapshot-banner"

# --- commentaires / décisions ---
# Pattern-matching types (dict ids {"type": …, "key": …}): the comments and météo blocks can sit on any page.
AUTHOR_FIELD = "author-field"
COMMENTS_SECTION = "comments-section"
COMMENTS_SCOPE = "comments-scope"
COMMENTS_LIST = "comments-list"
COMMENTS_KIND = "comments-kind"
COMMENTS_BODY = "comments-body"
COMMENTS_ADD = "comments-add"
COMMENTS_FEEDBACK = "comments-feedback"
COMMENT_EDIT_KIND = "comment-edit-kind"  # + "comment": id
COMMENT_EDIT_BODY = "comment-edit-body"
COMMENT_SAVE = "comment-save"
METEO_BLOCK = "meteo-block"
METEO_SCOPE = "meteo-scope"
METEO_CURRENT = "meteo-current"
METEO_LEVEL = "meteo-level"
METEO_JUSTIFICATION = "meteo-justification"
METEO_SAVE = "meteo-save"
METEO_FEEDBACK = "meteo-feedback"
# Décisions page (a single instance: plain ids, ALL patterns for the per-decision edit forms)
DEC_SCOPE = "decisions-scope"
DEC_LOG = "decisions-log"
DEC_FEEDBACK = "decisions-feedback"
DEC_FILTER_STATUS = "decisions-filter-status"
DEC_FILTER_OPEN = "decisions-filter-open"
DEC_FILTER_INDICATOR = "decisions-filter-indicator"
DEC_TEXT = "decisions-text"
DEC_OWNER = "decisions-owner"
DEC_DUE = "decisions-due"
DEC_STATUS = "decisions-status"
DEC_INDICATORS = "decisions-indicators"
DEC_REGIONS = "decisions-regions"
DEC_COMMITTEE = "decisions-committee"
DEC_ADD = "decisions-add"
DEC_EDIT_STATUS = "decision-edit-status"  # + "decision": id
DEC_EDIT_OWNER = "decision-edit-owner"
DEC_EDIT_DUE = "decision-edit-due"
DEC_EDIT_TEXT = "decision-edit-text"
DEC_SAVE = "decision-save"

# --- comité --- (snapshot selector, banner, freeze modal in the shell; Comité and présentation pages)
SNAPSHOT_SELECT = "snapshot-select"
SNAPSHOT_OPTIONS_SINK = "snapshot-options-refresh"  # dcc.Store bumped after a create/delete: the selector reloads
FREEZE_OPEN = "freeze-open"
FREEZE_MODAL = "freeze-modal"
FREEZE_LABEL = "freeze-label"
FREEZE_AS_OF = "freeze-as-of"
FREEZE_AUTHOR = "freeze-author"
FREEZE_SUBMIT = "freeze-submit"
FREEZE_CANCEL = "freeze-cancel"
FREEZE_RESULT = "freeze-result"
COMITE_SNAPSHOTS = "comite-snapshots"
COMITE_DELETE_SELECT = "comite-delete-select"
COMITE_DELETE_CONFIRM = "comite-delete-confirm"
COMITE_DELETE_AUTHOR = "comite-delete-author"
COMITE_DELETE_BUTTON = "comite-delete-button"
COMITE_DELETE_RESULT = "comite-delete-result"
COMITE_DIFF_SNAPSHOT = "comite-diff-snapshot"
COMITE_DIFF_AGAINST = "comite-diff-against"
COMITE_DIFF_SEVERITY = "comite-diff-severity"
COMITE_DIFF_SEARCH = "comite-diff-search"
COMITE_DIFF = "comite-diff"
COMITE_PACKS = "comite-packs"
COMITE_PACK_REGION = "comite-pack-region"
COMITE_PACK_START = "comite-pack-start"  # pattern-matching: {"type": …, "name": "<snapshot>.<fmt>", "region": code|""}
COMITE_PACK_JOB = "comite-pack-job"  # dcc.Store (session): the pack job id
COMITE_PACK_POLL = "comite-pack-poll"  # dcc.Interval
COMITE_PACK_PROGRESS = "comite-pack-progress"
PRES_ROOT = "presentation"
PRES_PREV = "presentation-prev"
PRES_NEXT = "presentation-next"
PRES_STATUS = "presentation-status"

# --- exports ---
# Workbook of the current view (shell) and the "Exporter" menus (pattern-matching ids: {"type": …, "chart": uid}).
EXPORT_VIEW_LINK = "export-view-link"
EXPORT_BTN = "export-btn"  # + "fmt": xlsx | csv
EXPORT_IMG_BTN = "export-img-btn"  # + "fmt": png | svg
EXPORT_DATA = "export-data"  # dcc.Store: the table's raw values
EXPORT_FIGURE = "export-figure"  # the wrapper of the chart's dcc.Graph
EXPORT_DOWNLOAD = "export-download"
EXPORT_IMG_DOWNLOAD = "export-img-download"
EXPORT_STATUS = "export-status"
EXPORT_IMG_STATUS = "export-img-status"
# Données page: large extracts prepared in the background
EXTRACT_TABLE = "extract-table"
EXTRACT_FORMAT = "extract-format"
EXTRACT_SEP = "extract-sep"
EXTRACT_DECIMAL = "extract-decimal"
EXTRACT_START = "extract-start"
EXTRACT_JOB = "extract-job"  # dcc.Store: the job id
EXTRACT_POLL = "extract-poll"  # dcc.Interval
EXTRACT_PROGRESS = "extract-progress"
# --- end exports ---

# --- grid exports ---
# The "Exporter" menu of a standalone AG Grid (pattern-matching ids: {"type": …, "chart": uid}); its store is
# an EXPORT_DATA with the title and language only: the rows are read back from the grid's wrapper.
EXPORT_GRID = "export-grid"  # the wrapper of the grid (State of its children: rows as the user sorted them)
EXPORT_GRID_BTN = "export-grid-btn"  # + "fmt": xlsx | csv
EXPORT_GRID_DOWNLOAD = "export-grid-download"
EXPORT_GRID_STATUS = "export-grid-status"
# --- end grid exports ---
# --- committee live --- (couloir of a comment; comments and decisions entered on the presentation slides)
COMMENTS_COULOIR = "comments-couloir"  # the form's optional couloir
COMMENTS_INDICATOR = "comments-indicator"  # + "field": the form's indicator choice, when a block covers several
COMMENTS_COULOIR_FILTER = "comments-couloir-filter"
PRES_ENTRY_TOGGLE = "presentation-entry-toggle"
PRES_READONLY = "presentation-readonly"
PRES_ENTRY = "presentation-entry"  # + "key": the entry panel of one section
PRES_DEC_LIST = "presentation-decisions"  # + "key": the decisions shown on one section
PRES_DEC_SCOPE = "presentation-decisions-scope"
PRES_DEC_FEEDBACK = "presentation-decisions-feedback"
# --- end committee live ---
# --- table exports ---
# A plain HTML table with its "Exporter" menu (table_with_export): the wrapper's id ({"type": …, "chart": uid});
# the menu reuses a chart's ids (EXPORT_BTN, EXPORT_DATA…): its store holds the table's rows.
EXPORT_TABLE = "export-table"
# --- end table exports ---
# --- access ---
IDENTITY = "identity"  # header: who is signed in, their scope, "Mon compte", sign-out
ADMIN_PEOPLE = "admin-people"  # the people grid
ADMIN_LOGIN = "admin-login"
ADMIN_EMAIL = "admin-email"
ADMIN_NAME = "admin-name"
ADMIN_ROLES = "admin-roles"
ADMIN_REGIONS = "admin-regions"
ADMIN_ACTION = "admin-action"  # + "action": create, grant, revoke, disable, enable
ADMIN_FEEDBACK = "admin-feedback"
AUDIT_GRID = "audit-grid"
# --- end access ---
