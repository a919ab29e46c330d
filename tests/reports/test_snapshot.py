"""Snapshots freeze the numbers: new loads and catalogue changes leave a snapshot's figures untouched."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from appstate import service
from appstate.db import forget, session_factory
from indicators.catalog import load_catalogue
from indicators.compute import Engine
from reports.snapshot import (
    SnapshotError,
    create_snapshot,
    delete_snapshot,
    list_snapshots,
    open_snapshot,
    snapshot_state,
    verify_snapshot,
)
from tests.appstate.factories import (
    DOCUMENTS_A,
    DOCUMENTS_B,
    PROFILES,
    TODAY,
    catalogue_text,
    load_files,
    make_settings,
    run_cli,
)

FEB = date(2024, 2, 1)


@pytest.fixture
def settings(tmp_path):
    s = make_settings(tmp_path)
    load_files(s, {"mes_documents_2024.csv": DOCUMENTS_A, "mes_profiles_2024.csv": PROFILES}, tmp_path / "raw-a")
    yield s
    forget(s.app_db)


def _live(settings) -> Engine:
    return Engine(settings.warehouse, load_catalogue(settings.indicators), today=TODAY)


def test_snapshot_keeps_old_numbers_and_old_target_after_a_new_load_and_a_catalogue_change(settings, tmp_path):
    meta = create_snapshot(settings, "COSUI n°14", author="secretariat")
    assert (meta.label, meta.created_by, meta.as_of) == ("COSUI n°14", "secretariat", FEB)

    # A corrected file is loaded into the live warehouse and the target is changed in the YAML.
    load_files(settings, {"mes_documents_2024.csv": DOCUMENTS_B}, tmp_path / "raw-b")
    Path(settings.indicators).write_text(catalogue_text(final_docs=600), encoding="utf-8")

    live = _live(settings).compute("TST-01", FEB, with_forecast=False)
    assert live.current.value == 200  # 120 + 80 (corrected)
    assert live.indicator.target.final.value == 600
    assert live.current.target == pytest.approx(100 + 500 * 29 / 60)

    engine, frozen = open_snapshot(settings, meta.id)
    old = engine.compute("TST-01", frozen.as_of, with_forecast=False)
    assert old.current.value == 180  # 120 + 60, as shown to the committee
    assert old.indicator.target.final.value == 300
    assert old.current.target == pytest.approx(100 + 200 * 29 / 60)
    assert engine.catalogue.file == f"snapshot:{meta.id}/indicators.yaml"
    assert engine.catalogue.sha256 == meta.catalogue_sha256 != load_catalogue(settings.indicators).sha256
    assert engine.today == TODAY  # SEGUR_TODAY at creation, as the live engine had
    assert engine.latest_month() == FEB  # March was loaded after the snapshot
    assert _live(settings).latest_month() == date(2024, 3, 1)


def test_snapshot_files_are_read_only_and_described_by_the_manifest(settings):
    meta = create_snapshot(settings, "COSUI n°14", "2024-01", author="secretariat")
    names = sorted(p.name for p in meta.directory.iterdir())
    assert names == ["appstate.json", "indicators.yaml", "manifest.json", "warehouse.duckdb"]
    for p in meta.directory.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o444, p.name
    assert stat.S_IMODE(meta.directory.stat().st_mode) == 0o555
    manifest = json.loads((meta.directory / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["id"], manifest["label"], manifest["as_of"], manifest["created_by"]) == (
        meta.id, "COSUI n°14", "2024-01", "secretariat")
    assert manifest["files"]["warehouse.duckdb"]["sha256"] == meta.warehouse_sha256
    assert manifest["files"]["indicators.yaml"]["sha256"] == meta.catalogue_sha256
    assert (meta.directory / "indicators.yaml").read_bytes() == Path(settings.indicators).read_bytes()
    assert meta.warehouse_file.stat().st_size == settings.warehouse.stat().st_size
    assert verify_snapshot(settings, meta.id) == []
    assert not list(settings.snapshots_dir.glob(".creating-*"))


def test_a_tampered_snapshot_is_detected(settings):
    meta = create_snapshot(settings, "COSUI n°14", author="secretariat")
    yaml = meta.directory / "indicators.yaml"
    meta.directory.chmod(0o755)
    yaml.chmod(0o644)
    yaml.write_bytes(yaml.read_bytes().replace(b"value: 300", b"value: 900"))
    assert verify_snapshot(settings, meta.id) == ["indicators.yaml : empreinte différente du manifeste (fichier modifié)"]
    with pytest.raises(SnapshotError, match="a été modifié"):
        open_snapshot(settings, meta.id)


def test_snapshot_freezes_comments_meteo_and_decisions_as_of_its_creation(settings):
    sessions = session_factory(settings.app_db)
    with sessions.begin() as session:
        c = service.add_comment(session, "TST-01", "risque", "Retard des laboratoires", "cnam")
        service.set_meteo(session, "indicator", "TST-01", "appuis_necessaires", "Relance nécessaire", "dns")
        service.add_decision(session, "Relancer les laboratoires", "DNS", "secretariat", due_date="2024-05-31",
                             indicator_ids=["TST-01"])
    meta = create_snapshot(settings, "COSUI n°14", author="secretariat")
    with sessions.begin() as session:
        service.edit_comment(session, c.id, "cnam", body="Retard résorbé")
        service.add_comment(session, "TST-04", "analyse", "Écrit après le comité", "cnam")
    state = snapshot_state(settings, meta.id)
    assert [x["body"] for x in state["comments"]] == ["Retard des laboratoires"]
    assert [(m["target_id"], m["level"]) for m in state["meteo_current"]] == [("TST-01", "appuis_necessaires")]
    assert [d["text"] for d in state["decisions"]] == ["Relancer les laboratoires"]
    with sessions.begin() as session:  # comments can point at the snapshot they discuss
        service.add_comment(session, "TST-01", "decision", "Validé en séance", "dns", snapshot_id=meta.id)
        assert [v.body for v in service.list_comments(session, snapshot_id=meta.id)] == ["Validé en séance"]


def test_list_and_delete_with_confirmation_and_audit(settings):
    first = create_snapshot(settings, "COSUI n°13", author="secretariat")
    second = create_snapshot(settings, "COSUI n°14", author="secretariat")
    assert [m.id for m in list_snapshots(settings)] == [second.id, first.id]
    assert all(m.size_bytes >= settings.warehouse.stat().st_size for m in list_snapshots(settings))

    with pytest.raises(SnapshotError, match=f"retapez son identifiant {first.id}"):
        delete_snapshot(settings, first.id, author="chef", confirm="oui")
    assert first.directory.exists()

    gone = delete_snapshot(settings, first.id, author="chef", confirm=first.id)
    assert gone.deleted_by == "chef" and gone.deleted_at is not None
    assert not first.directory.exists() and not list(settings.snapshots_dir.glob(".deleting-*"))
    assert [m.id for m in list_snapshots(settings)] == [second.id]
    assert [m.id for m in list_snapshots(settings, include_deleted=True)] == [second.id, first.id]
    with session_factory(settings.app_db)() as session:
        [event] = service.list_events(session, "snapshot", first.id, action="snapshot.delete")
    assert event.author == "chef"
    assert (event.detail["label"], event.detail["warehouse_sha256"]) == ("COSUI n°13", first.warehouse_sha256)
    with pytest.raises(SnapshotError, match="introuvable"):
        open_snapshot(settings, first.id)
    with pytest.raises(SnapshotError, match="déjà supprimé"):
        delete_snapshot(settings, first.id, author="chef", confirm=first.id)
    delete_snapshot(settings, second.id, author="chef", confirm="COSUI n°14")  # the label works too
    assert list_snapshots(settings) == []


@pytest.mark.parametrize(("kw", "message"), [
    ({"label": " "}, "libellé de l'instantané vide"),
    ({"author": ""}, "auteur manquant"),
    ({"as_of": "2024-13"}, "mois invalide « 2024-13 »"),
    ({"as_of": "2024-03"}, "mois 2024-03 hors des données publiées (2021-01 à 2024-02)"),
])
def test_bad_input_creates_nothing(settings, kw, message):
    args = {"label": "COSUI n°14", "author": "secretariat"} | kw
    with pytest.raises(ValueError) as caught:
        create_snapshot(settings, args.pop("label"), args.pop("as_of", None), **args)
    assert message in str(caught.value)
    assert not settings.snapshots_dir.exists() or list(settings.snapshots_dir.iterdir()) == []
    assert list_snapshots(settings) == []


def test_no_warehouse_no_snapshot(tmp_path):
    s = make_settings(tmp_path / "empty")
    with pytest.raises(SnapshotError, match="aucun entrepôt publié"):
        create_snapshot(s, "COSUI n°14", author="secretariat")


@pytest.mark.parametrize("bad_id", ["../../etc", "s-2024-x", ""])
def test_ids_are_checked_before_touching_the_disk(settings, bad_id):
    with pytest.raises(SnapshotError, match="identifiant d'instantané invalide"):
        open_snapshot(settings, bad_id)


def test_cli_create_list_delete(settings, monkeypatch, capsys):
    assert run_cli(monkeypatch, settings, "snapshot", "create", "--label", "COSUI n°14", "--author", "sec") == 0
    out = capsys.readouterr().out
    assert "Instantané créé : s-" in out and "févr. 2024" in out
    [meta] = list_snapshots(settings)
    assert run_cli(monkeypatch, settings, "snapshot", "list") == 0
    assert meta.id in capsys.readouterr().out
    assert run_cli(monkeypatch, settings, "snapshot", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["label"] == "COSUI n°14"
    assert run_cli(monkeypatch, settings, "snapshot", "delete", meta.id, "--author", "chef") == 1
    assert "confirmation incorrecte" in capsys.readouterr().out
    assert run_cli(monkeypatch, settings, "snapshot", "create", "--label", "x", "--as-of", "2030-01") == 1
    assert "erreur : mois 2030-01 hors des données publiées" in capsys.readouterr().out
    assert run_cli(monkeypatch, settings, "snapshot", "create") == 1  # --label missing: usage, exit 1
    assert run_cli(monkeypatch, settings, "snapshot", "delete", meta.id, "--confirm", meta.id, "--author", "c") == 0
    assert "Instantané supprimé" in capsys.readouterr().out
