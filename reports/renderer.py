"""One shared chart renderer per process (kaleido's headless Chromium) for the dashboard's image exports and
the committee packs' charts: started on first use, one render at a time, a bounded waiting line for
interactive exports, restarted after a number of renders, closed when idle (its ~1 GB is given back) or at
the end of a pack. Every kaleido call runs on the renderer's own thread: kaleido's sync server is a process
singleton, so nothing else may start or stop it.

The figures given here are built by the server (dashboard.image_export.safe_figure strips external sources
as well): the renderer never sees a figure sent by a browser.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager

log = logging.getLogger(__name__)

RENDER_TIMEOUT_S = 45


class RendererBusy(RuntimeError):
    """Too many image exports are waiting: the caller tells the person to retry."""


class Renderer:
    """A kaleido browser shared by the process's threads, with a waiting line of `max_waiting` renders."""

    def __init__(self, idle_s: float = 120, max_renders: int = 200, max_waiting: int = 4,
                 timeout_s: float = RENDER_TIMEOUT_S) -> None:
        self.idle_s, self.max_renders, self.timeout_s = idle_s, max_renders, timeout_s
        self._slots = threading.BoundedSemaphore(max_waiting)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="segur-render")
        self._lock = threading.Lock()
        self._running = False
        self._renders = 0
        self._holds = 0
        self._last_used = 0.0
        self._timer: threading.Timer | None = None

    @property
    def running(self) -> bool:
        return self._running

    def render(self, figure: dict, fmt: str, width: int, height: int, scale: float = 1, wait: bool = False) -> bytes:
        """PNG or SVG bytes; RendererBusy when the line is full (unless `wait`: a pack's charts queue), RuntimeError
        when the browser fails."""
        if not self._slots.acquire(blocking=wait):
            raise RendererBusy("trop d'images en cours de rendu")
        try:
            future = self._pool.submit(self._calc, figure, {"format": fmt, "width": width, "height": height,
                                                             "scale": scale})
            try:
                return future.result(timeout=self.timeout_s)
            except FutureTimeout as e:
                raise RuntimeError(f"rendu de l'image interrompu après {self.timeout_s:.0f} s") from e
            except Exception as e:
                raise RuntimeError(str(e) or type(e).__name__) from e
        finally:
            self._slots.release()
            self._arm_idle_timer()

    def close(self) -> None:
        """Stop the browser once the renders already queued are done (it starts again on the next render)."""
        self._pool.submit(self._stop).result(timeout=self.timeout_s)

    @contextmanager
    def held(self) -> Iterator[Renderer]:
        """Keep the browser for the renders inside (a pack's charts); closed when the outermost hold ends."""
        with self._lock:
            self._holds += 1
        try:
            yield self
        finally:
            with self._lock:
                self._holds -= 1
                last = self._holds == 0
            if last:
                try:
                    self._pool.submit(self._stop_unless_held)
                except RuntimeError:  # the interpreter is exiting: its thread pools are shut, Chromium goes too
                    pass

    # -- on the renderer's thread --------------------------------------------------------------------------

    def _calc(self, figure: dict, opts: dict) -> bytes:
        import kaleido

        if self._running and self._renders >= self.max_renders:  # Chromium's memory grows with use: recycle
            self._stop()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not self._running:
                # Offline: plotly.js from the plotly package, no MathJax from a CDN.
                kaleido.start_sync_server(mathjax=False, timeout=self.timeout_s, silence_warnings=True)
                self._running, self._renders = True, 0
            self._renders += 1
            self._last_used = time.monotonic()
            return kaleido.calc_fig_sync(figure, opts=opts)

    def _stop(self) -> None:
        import kaleido

        if self._running:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kaleido.stop_sync_server(silence_warnings=True)
            self._running = False
            log.info("image renderer closed after %d renders", self._renders)

    def _stop_if_idle(self) -> None:
        if self._running and not self._holds and time.monotonic() - self._last_used >= self.idle_s:
            self._stop()

    def _stop_unless_held(self) -> None:
        if not self._holds:
            self._stop()

    def _on_idle(self) -> None:
        try:
            self._pool.submit(self._stop_if_idle)
        except RuntimeError:  # the interpreter is exiting: the browser goes with it
            pass

    def _arm_idle_timer(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.idle_s, self._on_idle)
            self._timer.daemon = True
            self._timer.start()


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def shared(idle_s: float | None = None) -> Renderer:
    """The process's renderer (created on first use; `idle_s` from the settings the first time)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Renderer(idle_s=idle_s if idle_s is not None else 120)
        return _shared


def shutdown() -> None:
    """Close the process's renderer if one was started (a gunicorn worker exiting)."""
    if _shared is not None and _shared.running:
        try:
            _shared.close()
        except Exception:  # noqa: BLE001 - exiting anyway: the browser dies with the process group
            log.warning("image renderer did not close cleanly", exc_info=True)
