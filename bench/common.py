"""Shared helpers for the benchmarks: timing, peak memory of a child process, a demo data directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run `python <args>` in a fresh process; return (seconds, peak RSS in MB sampled every 20 ms, result)."""
    import psutil

    t0 = time.perf_counter()
    import tempfile

    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    proc = psutil.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, stdout=out_file,
                        stderr=err_file, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    out_file.seek(0)
    err_file.seek(0)
    stdout, stderr = out_file.read(), err_file.read()
    elapsed = time.perf_counter() - t0
    result = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
    if proc.returncode != 0:
        raise SystemExit(f"échec de {' '.join(args)} :\n{stdout[-2000:]}\n{stderr[-2000:]}")
    return elapsed, peak / 2**20, result


def demo_dir(scale: float, base: Path) -> Path:
    """Generate (once) the demo files for a scale under `base`; reuse them if present."""
    out = base / f"demo-scale-{scale:g}"
    marker = out / ".complete"
    if not marker.exists():
        out.mkdir(parents=True, exist_ok=True)
        t, rss, _ = run_child(["-m", "etl", "demo", "--scale", str(scale), "--out", str(out)], {})
        print(f"  (données de démonstration échelle {scale:g} générées en {t:.1f} s, pic {rss:.0f} Mo)")
        marker.write_text("ok")
    return out


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)
