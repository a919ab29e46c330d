"""Committee packs: `GET /comite/pack/<snapshot_id>.<pdf|pptx|xlsx>?region=&lang=`, and the pack cache.

A pack is built once per (snapshot, format, région, language) into `<data_dir>/cache/packs/`: a snapshot never
changes, so neither does its pack. Building is heavy work, done in the background queue
(dashboard/pack_jobs.py): the route answers **202 Accepted** with `Location: /exports/jobs/<job>` (and a French
sentence) while the pack is being built, and **200 with the file** once it is in the cache (the same delivery
as extracts: ranges, or nginx's X-Accel-Redirect). Bad input gets a 4xx with a French sentence, over the limits
a 429, never a traceback.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode

import flask

from dashboard.access import current_scope
from dashboard.context import current
from dashboard.job_limits import JobRefused
from dashboard.rate_limits import RateLimited
from reports.formats import media_types

log = logging.getLogger(__name__)
MIMETYPES = media_types("pdf", "pptx", "xlsx")  # the pack's formats (reports/formats.py)
REGIONAL_FORMATS = ("pdf", "pptx")  # a région's fiche, as `python -m reports pack --region` makes it
ID_RE = re.compile(r"^s-[0-9]{8}-[0-9a-f]{6}$")
_build_lock = threading.Lock()  # one build at a time: a pack renders charts with Chromium


def pack_href(snapshot_id: str, fmt: str, region: str | None = None, lang: str = "fr") -> str:
    query = {k: v for k, v in (("region", region), ("lang", lang if lang != "fr" else None)) if v}
    return f"/comite/pack/{snapshot_id}.{fmt}" + ("?" + urlencode(query) if query else "")


class PackRequestError(ValueError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def check_request(name: str, region: str | None, lang: str | None, reference) -> tuple[str, str, str | None, str]:
    """(snapshot id, format, région, language) of a pack URL, or PackRequestError with a French message."""
    snapshot_id, _, fmt = name.rpartition(".")
    if fmt not in MIMETYPES:
        raise PackRequestError(f"format de dossier inconnu « {fmt[:20]} » : attendu pdf, pptx ou xlsx")
    if not ID_RE.match(snapshot_id):
        raise PackRequestError(f"identifiant d'instantané invalide « {snapshot_id[:80]} » (attendu p. ex. "
                               "s-20261128-abc123)")
    lang = lang or "fr"
    if lang not in ("fr", "en"):
        raise PackRequestError(f"langue inconnue « {lang[:20]} » : attendu fr ou en")
    region = region or None
    if region is not None and region not in reference.regions:
        raise PackRequestError(f"région inconnue « {region[:20]} » (codes INSEE des régions, p. ex. 11 pour "
                               "l'Île-de-France)")
    if region is not None and fmt not in REGIONAL_FORMATS:
        raise PackRequestError("la fiche régionale existe en PDF et en PowerPoint : retirez « region » ou "
                               "choisissez pdf ou pptx")
    return snapshot_id, fmt, region, lang


def pack_inputs(context, snapshot_id: str, lang: str):
    """What a snapshot's pack says beyond the figures: changes since the previous snapshot, frozen comments
    and decisions (all from frozen files, so the cached pack stays true)."""
    from dashboard.components.committee_diff import changes_for, previous_snapshot
    from reports.snapshot import snapshot_state

    changes = None
    if previous_snapshot(context, snapshot_id) is not None:
        _, _, changes = changes_for(context, snapshot_id, "previous")
    state = snapshot_state(context.settings, snapshot_id)
    return changes, state.get("comments", []), state.get("decisions", [])


def _key_dir(context, snapshot_id: str, fmt: str, region: str | None, lang: str) -> Path:
    return context.settings.data_dir / "cache" / "packs" / snapshot_id / f"{fmt}-{region or 'national'}-{lang}"


def cached_pack(context, snapshot_id: str, fmt: str, region: str | None, lang: str) -> Path | None:
    """The pack file if it was built already (served at once, no limit applies)."""
    key_dir = _key_dir(context, snapshot_id, fmt, region, lang)
    done = sorted(key_dir.glob(f"*.{fmt}")) if key_dir.is_dir() else []
    return done[0] if done else None


def build_cached(context, snapshot_id: str, fmt: str, region: str | None, lang: str) -> Path:
    """The pack file, built on first request into the cache (built in a temporary directory, then renamed)."""
    from reports.pack import build_pack

    frozen = context.snapshot(snapshot_id)
    key_dir = _key_dir(context, snapshot_id, fmt, region, lang)
    with _build_lock:
        done = cached_pack(context, snapshot_id, fmt, region, lang)
        if done is not None:
            return done
        key_dir.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=key_dir.parent))
        try:
            changes, comments, decisions = pack_inputs(context, snapshot_id, lang)
            built = build_pack(frozen.engine, frozen.meta, fmt, work, region=region, lang=lang, changes=changes,
                               comments=comments, decisions=decisions)
            try:
                work.rename(key_dir)
            except OSError:  # another process (sharing the data directory) finished the same pack first
                done = cached_pack(context, snapshot_id, fmt, region, lang)
                if done is None:
                    raise
                return done
            return key_dir / built.name
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)


def _error(message: str, status: int):
    return flask.Response(f"Dossier du comité indisponible : {message}\n", status=status,
                          mimetype="text/plain", headers={"Content-Language": "fr"})


def check_pack_scope(scope, region: str | None) -> None:
    """A national pack carries every région: national scopes only; a regional fiche: that région's people."""
    if (region is None and scope.restricted) or not scope.allows_region(region) or not scope.can_read:
        raise PackRequestError("accès non autorisé à cette région : vos habilitations ne couvrent pas ce dossier",
                               403)


def register(server: flask.Flask) -> None:
    @server.get("/comite/pack/<name>")
    def committee_pack(name: str):
        from dashboard.jobs import reason_for, registry
        from dashboard.pack_jobs import request_pack
        from dashboard.routes_exports import job_file_response

        try:
            job = request_pack(current(), current_scope(), name, flask.request.args.get("region"),
                               flask.request.args.get("lang"), server)
        except (JobRefused, RateLimited) as e:
            return _error(str(e), 429)
        except PackRequestError as e:
            return _error(str(e), e.status)
        except ValueError as e:  # PackError, SnapshotError: French sentences
            return _error(str(e), 400)
        except Exception as e:  # noqa: BLE001 - a download is never a traceback
            log.exception("pack %s", name)
            return _error(f"la demande a échoué : {reason_for(e)}", 500)
        if job.status == "done":
            return job_file_response(registry(server).path(job), MIMETYPES[job.fmt], job.file_name)
        return job_accepted(job)


def job_accepted(job) -> flask.Response:
    """202: the pack is on its way; its file will be at the Location (poll it: 202 until ready, then 200)."""
    where = f"/exports/jobs/{job.id}"
    return flask.Response(f"Dossier du comité en préparation : il sera téléchargeable à l'adresse {where} "
                          "(réessayez dans quelques secondes ; la page Comité affiche l'avancement).\n", status=202,
                          mimetype="text/plain", headers={"Location": where, "Retry-After": "5",
                                                          "Content-Language": "fr"})
