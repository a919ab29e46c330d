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
    Setting("SEGUR_AUTH", "local", "Sign-in: local (accounts in the app-state database, argon2) or oidc."),
    Setting("SEGUR_PUBLIC_READ", "", "Anonymous read-only access: empty (none, sign-in required) or national "
            "(national figures only, no comments, no writes)."),
    Setting("SEGUR_SECRET_KEY", "", "Key signing the session cookies (default: generated once into "
            "<SEGUR_DATA_DIR>/secret_key, mode 0600). Same value for every worker."),
    Setting("SEGUR_SESSION_HOURS", "10", "How long a sign-in lasts (hours)."),
    Setting("SEGUR_BEHIND_HTTPS", "0", "1 when served over HTTPS (reverse proxy): Secure cookies, HSTS."),
    Setting("SEGUR_PROXY_HOPS", "0", "Number of reverse proxies whose X-Forwarded-For/Proto/Host headers are trusted."),
    Setting("SEGUR_TRUSTED_ORIGINS", "", "Extra origins (comma-separated, e.g. https://pilotage.sante.gouv.fr) "
            "allowed to send state-changing requests besides the request's own host."),
    Setting("SEGUR_LOGIN_MAX_FAILURES", "5", "Failed sign-ins per login (×4 per client address) before a lock-out."),
    Setting("SEGUR_LOGIN_LOCK_MINUTES", "15", "Window and lock-out duration of the sign-in throttling (minutes)."),
    Setting("SEGUR_OIDC_DISCOVERY_URL", "", "OIDC: the provider's .well-known/openid-configuration URL."),
    Setting("SEGUR_OIDC_CLIENT_ID", "", "OIDC: client id registered at the provider."),
    Setting("SEGUR_OIDC_CLIENT_SECRET", "", "OIDC: client secret (keep it out of the repository)."),
    Setting("SEGUR_OIDC_SCOPES", "openid email profile", "OIDC: scopes requested (ProConnect: openid email "
            "given_name usual_name)."),
    Setting("SEGUR_OIDC_REDIRECT_URL", "", "OIDC: callback URL registered at the provider (default: "
            "<this site>/auth/oidc/callback)."),
    Setting("SEGUR_OIDC_PROVIDER_NAME", "", "OIDC: name on the sign-in button (e.g. ProConnect)."),
    Setting("SEGUR_JOBS_DIR", "", "Directory of background job files (default: <SEGUR_DATA_DIR>/exports); app instances "
            "given the same directory serve each other's jobs."),
    Setting("SEGUR_JOBS_QUOTA_MB", "2048", "Disk space all job files may take together (MB); a new job is refused beyond."),
    Setting("SEGUR_JOBS_MAX_AGE_H", "24", "Hours a job file is kept (removed by a periodic clean-up)."),
    Setting("SEGUR_JOBS_WORKERS", "2", "Background jobs one app process runs at once."),
    Setting("SEGUR_JOBS_PER_PERSON", "2", "Extracts and packs one person may have queued or running at once."),
    Setting("SEGUR_JOBS_GLOBAL", "8", "Extracts and packs queued or running at once, all people together."),
    Setting("SEGUR_EXPORT_MAX_ROWS", "50000", "Rows of a synchronous export (a table's « Exporter » menu); more goes to "
            "a background extract."),
    Setting("SEGUR_RATE_PER_PERSON", "30/minute", "Heavy requests (exports, images, packs, extracts) one person may make "
            "(a `limits` rate: N/second|minute|hour)."),
    Setting("SEGUR_RATE_OVERALL", "300/minute", "Heavy requests all people together may make."),
    Setting("SEGUR_RATE_STORAGE", "appstate://", "Where the rate counters live: appstate:// (the app-state database: "
            "every worker and instance on it counts together), memory:// (per process), or another `limits` storage "
            "URI (redis://…)."),
    Setting("SEGUR_MAX_BODY_KB", "8192", "Largest request body accepted (kB); larger gets a 413."),
    Setting("SEGUR_MAX_URL_CHARS", "4096", "Longest query string, and longest URL sent to a callback (characters)."),
    Setting("SEGUR_ACCEL_REDIRECT", "", "nginx internal location of the job directory (e.g. /_segur_jobs/): job files are "
            "then sent by nginx (X-Accel-Redirect), not by Python."),
    Setting("SEGUR_DOWNLOADS_PER_PROCESS", "4", "Prepared files one app process sends at once (each holds a thread for "
            "the whole transfer); more get a 503 « réessayez ». Not used with SEGUR_ACCEL_REDIRECT."),
    Setting("SEGUR_IMAGE_IDLE_S", "120", "Seconds without an image export before the chart renderer (Chromium) closes."),
    Setting("SEGUR_RESPONSE_CACHE_MB", "128", "Memory one app process gives to rendered callback answers (pages, "
            "shell), least recently used dropped first (MB); 0 turns the cache off (dashboard/response_cache.py)."),
    Setting("SEGUR_RESPONSE_CACHE_TTL_S", "300", "Longest life of a cached callback answer (seconds); any write to the "
            "app state, a publish or a new day ends it sooner."),
    Setting("SEGUR_RESPONSE_CACHE_DIR", "", "Directory where the app processes of one machine share their cached "
            "answers (default: <SEGUR_DATA_DIR>/responses); `off` keeps each process's cache to itself."),
    Setting("SEGUR_WORKERS", "2", "gunicorn worker processes (gunicorn.conf.py)."),
    Setting("SEGUR_THREADS", "8", "Threads per gunicorn worker: a slow client or a render holds one thread, not a worker."),
    Setting("SEGUR_WORKER_TIMEOUT", "60", "Seconds a gunicorn worker may stop answering its heartbeat before it is "
            "restarted (a thread busy with a slow client does not count)."),
    Setting("HOST", "127.0.0.1", "Address the dashboard listens on."),
    Setting("PORT", "8050", "Port the dashboard listens on."),
)


def _raw(name: str, env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for s in SETTINGS:
        if s.name == name:
            return env.get(name, s.default)
    raise KeyError(f"unknown setting {name!r}")


def value(name: str, env: dict[str, str] | None = None) -> str:
    """The raw text of one declared setting (for gunicorn.conf.py, which reads its own few)."""
    return _raw(name, env)


def _path(value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else ROOT / p


@dataclass(frozen=True)
class AccessSettings:
    """Sign-in and web security (dashboard/auth)."""

    auth: str = "local"
    public_read: str = ""
    secret_key: str = ""
    session_hours: float = 10.0
    behind_https: bool = False
    proxy_hops: int = 0
    trusted_origins: tuple[str, ...] = ()
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    oidc_discovery_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    oidc_redirect_url: str = ""
    oidc_provider_name: str = ""


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "oui", "on")


def _access(env: dict[str, str] | None) -> AccessSettings:
    def raw(name: str) -> str:
        return _raw(name, env).strip()

    def number(name: str, kind=int):
        value = raw(name)
        try:
            out = kind(value)
        except ValueError:
            raise ValueError(f"{name}={value!r} : attendu un nombre positif") from None
        if out < 0:
            raise ValueError(f"{name}={value!r} : attendu un nombre positif")
        return out

    auth, public = raw("SEGUR_AUTH").lower() or "local", raw("SEGUR_PUBLIC_READ").lower()
    if auth not in ("local", "oidc"):
        raise ValueError(f"SEGUR_AUTH={auth!r} : attendu local ou oidc")
    if public not in ("", "national"):
        raise ValueError(f"SEGUR_PUBLIC_READ={public!r} : attendu vide ou national")
    return AccessSettings(
        auth=auth, public_read=public, secret_key=raw("SEGUR_SECRET_KEY"),
        session_hours=number("SEGUR_SESSION_HOURS", float), behind_https=_flag(raw("SEGUR_BEHIND_HTTPS")),
        proxy_hops=number("SEGUR_PROXY_HOPS"),
        trusted_origins=tuple(o.strip().rstrip("/") for o in raw("SEGUR_TRUSTED_ORIGINS").split(",") if o.strip()),
        login_max_failures=number("SEGUR_LOGIN_MAX_FAILURES"), login_lock_minutes=number("SEGUR_LOGIN_LOCK_MINUTES"),
        oidc_discovery_url=raw("SEGUR_OIDC_DISCOVERY_URL"), oidc_client_id=raw("SEGUR_OIDC_CLIENT_ID"),
        oidc_client_secret=raw("SEGUR_OIDC_CLIENT_SECRET"), oidc_scopes=raw("SEGUR_OIDC_SCOPES"),
        oidc_redirect_url=raw("SEGUR_OIDC_REDIRECT_URL"), oidc_provider_name=raw("SEGUR_OIDC_PROVIDER_NAME"),
    )


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
    access: AccessSettings = AccessSettings()
    public_url: str = ""
    jobs_dir: Path | None = None
    jobs_quota_mb: int = 2048
    jobs_max_age_h: float = 24
    jobs_workers: int = 2
    jobs_per_person: int = 2
    jobs_global: int = 8
    export_max_rows: int = 50_000
    max_body_kb: int = 8192
    max_url_chars: int = 4096
    accel_redirect: str = ""
    image_idle_s: float = 120
    downloads_per_process: int = 4
    rate_per_person: str = "30/minute"
    rate_overall: str = "300/minute"
    rate_storage: str = "appstate://"
    response_cache_mb: float = 128
    response_cache_ttl_s: float = 300
    response_cache_dir: Path | None = None  # None: <data_dir>/responses (see response_dir)
    response_cache_shared: bool = True

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

    @property
    def response_dir(self) -> Path | None:
        """Where the processes share cached answers (dashboard/response_store.py); None: not shared."""
        if not self.response_cache_shared:
            return None
        return self.response_cache_dir or self.data_dir / "responses"

    @property
    def job_dir(self) -> Path:
        return self.jobs_dir or self.data_dir / "exports"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment (or the mapping given)."""
    data_dir = _path(_raw("SEGUR_DATA_DIR", env))
    warehouse = _raw("SEGUR_WAREHOUSE", env)
    raw_dir = _raw("SEGUR_RAW_DIR", env)
    app_db = _raw("SEGUR_APP_DB", env)
    geojson = _raw("SEGUR_GEOJSON", env)
    jobs_dir = _raw("SEGUR_JOBS_DIR", env)
    response_dir = _raw("SEGUR_RESPONSE_CACHE_DIR", env).strip()
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
        access=_access(env),
        jobs_dir=_path(jobs_dir) if jobs_dir else None,
        jobs_quota_mb=_number("SEGUR_JOBS_QUOTA_MB", env),
        jobs_max_age_h=_number("SEGUR_JOBS_MAX_AGE_H", env, float),
        jobs_workers=_number("SEGUR_JOBS_WORKERS", env),
        jobs_per_person=_number("SEGUR_JOBS_PER_PERSON", env),
        jobs_global=_number("SEGUR_JOBS_GLOBAL", env),
        export_max_rows=_number("SEGUR_EXPORT_MAX_ROWS", env),
        max_body_kb=_number("SEGUR_MAX_BODY_KB", env),
        max_url_chars=_number("SEGUR_MAX_URL_CHARS", env),
        accel_redirect=_raw("SEGUR_ACCEL_REDIRECT", env),
        image_idle_s=_number("SEGUR_IMAGE_IDLE_S", env, float),
        downloads_per_process=_number("SEGUR_DOWNLOADS_PER_PROCESS", env),
        rate_per_person=_rate("SEGUR_RATE_PER_PERSON", env),
        rate_overall=_rate("SEGUR_RATE_OVERALL", env),
        rate_storage=_rate_storage(_raw("SEGUR_RATE_STORAGE", env)),
        response_cache_mb=_number("SEGUR_RESPONSE_CACHE_MB", env, float, zero=True),
        response_cache_ttl_s=_number("SEGUR_RESPONSE_CACHE_TTL_S", env, float),
        response_cache_dir=_path(response_dir) if response_dir not in ("", "off") else None,
        response_cache_shared=response_dir != "off",
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


def _rate(name: str, env: dict[str, str] | None) -> str:
    """A `limits` rate such as 30/minute; a clear message when it is not one."""
    from limits import parse

    value = _raw(name, env)
    try:
        parse(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} : attendu un débit comme 30/minute") from None
    return value


def _rate_storage(value: str) -> str:
    """A storage URI `limits` knows (or appstate://); a clear message when it is not one."""
    from limits.storage import SCHEMES as known  # the built-in storages register on import

    scheme = urlsplit(value).scheme
    if scheme != "appstate" and scheme not in known:
        raise SystemExit(f"SEGUR_RATE_STORAGE={value!r} : attendu appstate://, memory:// ou une adresse de stockage "
                         "de la bibliothèque limits (redis://hôte:6379…)")
    return value


def _number(name: str, env: dict[str, str] | None, kind=int, *, zero: bool = False):
    """A positive (or, with `zero`, non-negative) number setting; a clear message (no traceback) when it is not one."""
    value = _raw(name, env)
    try:
        number = kind(value)
    except ValueError:
        number = -1
    if number < 0 or (number == 0 and not zero):
        raise SystemExit(f"{name}={value!r} : attendu un nombre positif")
    return number
