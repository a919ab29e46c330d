"""A server-side cache of rendered Dash callback answers, for callbacks declared pure (one per serving process).

Declaring a callback cacheable — in one place, here, or from the module that registers the callback:

    from dashboard import response_cache
    response_cache.cacheable("overview-tiles.children")      # "<component id>.<property>" of one output

An output names its whole callback (an output belongs to one callback): declare one output of each
callback whose answer depends on nothing but what the key below holds. For a pattern-matching id, write its
`type` value ("comment-list.children" for {"type": "comment-list", "key": …}). Not pure, hence never
declared: callbacks that write (comments, météo, freeze…), poll jobs, read the clock to the second, or
draw random numbers.

The key of an answer is everything it may depend on:
- the request body (the inputs and states, the outputs asked for) — so the URL, filters and language;
- the person's scope: roles, régions, public; and their identity (user id) *only when the render read it*
  (`Scope.login`, `.user_id`, `.display_name`, hence `signed_author()`): such an answer is stored per person
  and a marker tells later requests with the same scope to look for their own entry (like HTTP `Vary`);
- the session's language, the published warehouse (inode, mtime), the catalogue file, the load reports'
  directory (a refused load is listed on « Données »), the GeoJSON file, today's date;
- the app-state version (appstate/version.py), which every write bumps: a comment, a right revoked or a
  snapshot frozen on any app instance sharing the database shows on the next request.
Entries live `SEGUR_RESPONSE_CACHE_TTL_S` at most (freshness words, "today" of a long-lived engine) and take
at most `SEGUR_RESPONSE_CACHE_MB` per process (least recently used dropped first; 0 turns the cache off).
Answers are also written to files shared by the processes of the machine (`SEGUR_RESPONSE_CACHE_DIR`,
dashboard/response_store.py): a view rendered by one gunicorn worker is served by the others.
Only 200 answers of signed-in people (session cookie) are kept, never one that sets a cookie or changes the
session. Identical requests arriving while an answer is being rendered wait for it (at most `WAIT_S`) instead
of rendering it again: 200 people opening the same page at 9 h cost one render. Every answer to a cacheable callback says `X-Segur-Cache: hit` or `miss` (benchmarks, operators).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import flask

from dashboard import ids
from indicators.scope import Scope

EXTENSION = "segur-response-cache"
DISPATCH_PATH = "/_dash-update-component"
HEADER = "X-Segur-Cache"
PERSONAL_FIELDS = ("user_id", "login", "display_name")
_G_KEY, _G_PERSONAL, _G_CLAIM = "segur_cache_key", "segur_cache_personal", "segur_cache_claim"
WAIT_S = 30.0  # longest wait for an identical answer another thread is rendering (then render it yourself)
_ENTRY_OVERHEAD = 512  # bytes counted per entry besides the body (key, bookkeeping)

# The callbacks known pure: the page router (the whole page), the shell's translation, the export link.
_CACHEABLE: set[str] = {"_pages_content.children", f"{ids.HEADER_TITLE}.children", f"{ids.EXPORT_VIEW_LINK}.href"}
# Pages never answered from the cache: they show the book-keeping writes that do not bump the app-state
# version (sign-ins and failures in the journal, last sign-in times, a token's last use: appstate/version.py).
LIVE_PATHS: frozenset[str] = frozenset({"/journal", "/admin", "/mon-compte"})


def cacheable(*outputs: str) -> None:
    """Declare the callbacks writing these outputs ("<id>.<property>") pure: their answers may be cached."""
    for output in outputs:
        if "." not in output.strip(".") or output.startswith(".."):
            raise ValueError(f"sortie de callback attendue sous la forme « id.propriété », reçu {output!r}")
        _CACHEABLE.add(output)


def _output_names(body: dict) -> list[str]:
    outputs = body.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    names = []
    for out in outputs:
        if not isinstance(out, dict):
            continue
        cid = out.get("id")
        cid = cid.get("type") if isinstance(cid, dict) else cid
        names.append(f"{cid}.{out.get('property')}")
    return names


def _live_page(body: dict) -> bool:
    """Whether the request renders (or words) one of the LIVE_PATHS, whatever the app's URL prefix."""
    for item in (body.get("inputs") or []) + (body.get("state") or []):
        if isinstance(item, dict) and item.get("property") == "pathname" and isinstance(item.get("value"), str):
            path = item["value"].rstrip("/")
            if any(path == live or path.endswith(live) for live in LIVE_PATHS):
                return True
    return False


def is_cacheable(body: dict) -> bool:
    return any(name in _CACHEABLE for name in _output_names(body)) and not _live_page(body)


class _Watched(Scope):
    """The request's Scope, noting when the render reads who the person is (then the answer is per person)."""

    def __init__(self, scope: Scope) -> None:
        self.__dict__.update(scope.__dict__)


def _personal(name: str) -> property:
    def get(self):
        if flask.has_request_context():
            setattr(flask.g, _G_PERSONAL, True)
        return self.__dict__[name]

    return property(get)


for _name in PERSONAL_FIELDS:
    setattr(_Watched, _name, _personal(_name))


@dataclass(frozen=True)
class _Entry:
    expires: float
    body: bytes | None  # None: "per person", look for the entry keyed with the person's id
    content_type: str = "application/json"

    @property
    def size(self) -> int:
        return len(self.body or b"") + _ENTRY_OVERHEAD


class ResponseCache:
    """LRU by bytes with a lifetime per entry; thread-safe. Entries of an older generation (app-state version,
    warehouse, catalogue, day) are dropped as soon as a request sees a newer one."""

    def __init__(self, max_bytes: int, ttl_s: float, store=None) -> None:
        self.max_bytes, self.ttl_s = max_bytes, ttl_s
        self.store = store  # dashboard/response_store.ResponseStore: the files shared by the processes, or None
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._bytes = 0
        self._generation: tuple | None = None
        self._pending: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0 and self.ttl_s > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple, now: float) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires <= now:
                self._drop(key)
                entry = None
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        if self.store is None:
            return None
        found = self.store.get(key)  # rendered by another process?
        if found is None:
            return None
        left, body, content_type = found
        entry = _Entry(now + left, body, content_type)
        self.put(key, entry, share=False)
        return entry

    def put(self, key: tuple, entry: _Entry, share: bool = True) -> None:
        if entry.size > self.max_bytes // 4:  # one huge answer never empties the cache
            return
        if share and self.store is not None:
            self.store.put(key, entry.expires - time.monotonic(), entry.body, entry.content_type)
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def claim(self, key: tuple) -> threading.Event | None:
        """None: the caller renders `key` and calls `release` after; else the Event of whoever already renders it."""
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                self._pending[key] = threading.Event()
            return pending

    def release(self, key: tuple) -> None:
        with self._lock:
            pending = self._pending.pop(key, None)
        if pending is not None:
            pending.set()

    def generation(self, generation: tuple) -> None:
        """Forget every entry when the world changed (a write, a publish, a new day)."""
        if generation == self._generation:
            return
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._generation = generation

    def _drop(self, key: tuple) -> None:
        self._bytes -= self._entries.pop(key).size


def _stat(path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _generation() -> tuple:
    from dashboard.auth.gate import app_state_version
    from dashboard.context import current

    ctx = current()
    settings = ctx.settings
    files = (settings.indicators, settings.runs_dir, settings.geojson)  # the runs directory: a refused load's report
    return (app_state_version(), ctx.warehouse.version(), *(_stat(f) if f else () for f in files),
            ctx.today().isoformat())


def _fingerprint(scope: Scope) -> tuple:
    return (tuple(sorted(scope.roles)), None if scope.regions is None else tuple(sorted(scope.regions)),
            scope.public)


def _find(cache: ResponseCache, shared: tuple, user_id: int) -> tuple[tuple, _Entry | None]:
    """(key, entry) for a request: the shared entry, or the person's own where answers are per person."""
    now = time.monotonic()
    entry = cache.get(shared, now)
    if entry is not None and entry.body is None:
        key = (*shared, user_id)
        return key, cache.get(key, now)
    return shared, entry


def _lookup() -> flask.Response | None:
    """Answer a cacheable callback from the cache, or note its key for `_store` (None: render it)."""
    from dashboard.access import current_scope
    from dashboard.auth.session import LANG, UID

    request = flask.request
    cache: ResponseCache = flask.current_app.extensions[EXTENSION]
    if request.method != "POST" or not cache.enabled:
        return None
    scope = current_scope()
    if scope.user_id is None or not scope.signed_in or flask.session.get(UID) != scope.user_id:
        return None  # nobody signed in with a session (public reader, API token, the server itself): not kept
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict) or not is_cacheable(body):
        return None
    generation = _generation()
    cache.generation(generation)
    shared = (hashlib.sha256(raw).hexdigest(), _fingerprint(scope), flask.session.get(LANG),
              generation)
    key, entry = _find(cache, shared, scope.user_id)
    if entry is None:
        rendering = cache.claim(key)
        if rendering is not None:  # the same answer is being rendered: wait for it rather than render it twice
            rendering.wait(WAIT_S)
            key, entry = _find(cache, shared, scope.user_id)
        else:
            setattr(flask.g, _G_CLAIM, key)
    if entry is not None:
        cache.hits += 1
        return flask.Response(entry.body, content_type=entry.content_type, headers={HEADER: "hit"})
    cache.misses += 1
    setattr(flask.g, _G_KEY, shared)
    setattr(flask.g, _G_PERSONAL, False)
    flask.g.scope = _Watched(scope)  # dashboard.access.current_scope() now notes reads of the identity
    return None


def _store(response: flask.Response) -> flask.Response:
    """Keep a fresh 200 answer of a cacheable callback rendered for the Scope `_lookup` saw."""
    shared = flask.g.pop(_G_KEY, None)
    if shared is None:
        return response
    response.headers[HEADER] = "miss"
    if (response.status_code != 200 or response.direct_passthrough or response.is_streamed
            or "Set-Cookie" in response.headers or flask.session.modified
            or not (response.mimetype or "").endswith("json") or not isinstance(flask.g.get("scope"), _Watched)):
        return response
    cache: ResponseCache = flask.current_app.extensions[EXTENSION]
    expires = time.monotonic() + cache.ttl_s
    body = response.get_data()
    if flask.g.get(_G_PERSONAL):
        cache.put(shared, _Entry(expires, None))
        cache.put((*shared, flask.g.scope.__dict__["user_id"]), _Entry(expires, body, response.content_type))
    else:
        cache.put(shared, _Entry(expires, body, response.content_type))
    return response


def install(app, max_mb: float, ttl_s: float, directory=None, namespace: str = "") -> ResponseCache:
    """Wrap the Dash app's callback view with the cache: it runs after every before_request hook (the gate's
    Scope is set), and only the callback answer itself is kept, without the headers added afterwards.
    `directory`: where the processes share their answers (dashboard/response_store.py); None keeps them apart;
    `namespace`: what processes must have in common to share (a digest of their settings)."""
    from dashboard.response_store import ResponseStore

    server: flask.Flask = app.server
    max_bytes = int(max_mb * 2**20)
    shared = directory and max_bytes > 0 and ttl_s > 0
    store = ResponseStore(directory, 4 * max_bytes, namespace) if shared else None
    cache = ResponseCache(max_bytes, ttl_s, store)
    server.extensions[EXTENSION] = cache
    endpoint = app.config.routes_pathname_prefix + DISPATCH_PATH.lstrip("/")
    view = server.view_functions[endpoint]

    @functools.wraps(view)
    def cached_dispatch(*args, **kwargs):
        hit = _lookup()
        if hit is not None:
            return hit
        try:
            return _store(flask.make_response(view(*args, **kwargs)))
        finally:
            claimed = flask.g.pop(_G_CLAIM, None)
            if claimed is not None:
                cache.release(claimed)

    server.view_functions[endpoint] = cached_dispatch
    return cache
