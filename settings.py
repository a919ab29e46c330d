"""Every setting of the project, declared once: name, default, help. Read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SEGUR_DATA_DIR", "data", "Data directory: raw files, archive, run reports, reference data."),
    Setting("SEGUR_WAREHOUSE", "", "DuckDB warehouse file (default: <SEGUR_DATA_DIR>/warehouse.duckdb)."),
    Setting("SEGUR_RAW_DIR", "", "Where `python -m etl load` looks for source files (default: <SEGUR_DATA_DIR>/raw)."),
    Setting("SEGUR_INDICATORS", "indicators.yaml", "The indicator catalogue."),
    Setting("SEGUR_APP_DB", "", "SQLAlchemy URL of the app-state database (default: sqlite:///<SEGUR_DATA_DIR>/app.db)."),
    Setting("SEGUR_GEOJSON", "", "Optional GeoJSON of départements/régions to draw real boundaries."),
    Setting("SEGUR_TODAY", "", "Override today's date (YYYY-MM-DD) for demo data and freshness; empty = real date."),
    Setting("SEGUR_WARMUP", "full", "Views computed in the background after each publish: full (national, each "
            "région and each couloir), regions, national, or off."),
    Setting("SEGUR_PUBLIC_URL", "", "The dashboard's public address, written into exported files (workbook link, "
            "snapshot permalink), e.g. https://segur.example.fr/ (default: http://HOST:PORT/). Never taken from "
            "a request's Host header."),
    Setting("HOST", "127.0.0.1", "Address the dashboard listens on."),
    Setting("PORT", "8050", "Port the dashboard listens on."),
)


def _raw(name: str, env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for s in SETTINGS:
        if s.name == name:
            return env.get(name, s.default)
    raise KeyError(f"unknown setting {name!r}")


def _path(value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else ROOT / p


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    raw_dir: Path
    indicators: Path
    app_db: str
    geojson: Path | None
    today: str
    warmup: str
    host: str
    port: int
    public_url: str = ""

    @property
    def dashboard_url(self) -> str:
        """The base address written into exports: SEGUR_PUBLIC_URL, else http://HOST:PORT/ (always ends with /)."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}/"

    @property
    def reference_dir(self) -> Path:
        return ROOT / "data" / "reference"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment (or the mapping given)."""
    data_dir = _path(_raw("SEGUR_DATA_DIR", env))
    warehouse = _raw("SEGUR_WAREHOUSE", env)
    raw_dir = _raw("SEGUR_RAW_DIR", env)
    app_db = _raw("SEGUR_APP_DB", env)
    geojson = _raw("SEGUR_GEOJSON", env)
    return Settings(
        data_dir=data_dir,
        warehouse=_path(warehouse) if warehouse else data_dir / "warehouse.duckdb",
        raw_dir=_path(raw_dir) if raw_dir else data_dir / "raw",
        indicators=_path(_raw("SEGUR_INDICATORS", env)),
        app_db=app_db or f"sqlite:///{data_dir / 'app.db'}",
        geojson=_path(geojson) if geojson else None,
        today=_raw("SEGUR_TODAY", env),
        warmup=_raw("SEGUR_WARMUP", env),
        host=_raw("HOST", env),
        port=int(_raw("PORT", env)),
        public_url=_public_url(_raw("SEGUR_PUBLIC_URL", env)),
    )


def _public_url(value: str) -> str:
    """SEGUR_PUBLIC_URL checked (http or https, a host, no query) and ending with a slash."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"SEGUR_PUBLIC_URL: adresse invalide « {value} » (attendu : http(s)://hôte/chemin/, "
                         "par exemple https://segur.example.fr/)")
    return value if value.endswith("/") else value + "/"
