"""`python -m indicators check | list | docs`."""

from __future__ import annotations

import subprocess
import sys

import settings
from indicators.__main__ import main
from tests.indicators.samples import BASE, edit


def test_check_ok(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "indicators.yaml: 30 indicateurs, 7 objectifs — OK\n"


def test_check_prints_one_line_per_problem(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text(edit(edit(BASE, "public: true", "public: no"), "unit: documents", "unit: doc"))
    assert main(["check", "bad.yaml"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "bad.yaml:11:11: indicators[0].unit: expected 'EUR', 'pct', 'documents', 'profils', 'messages', "
        "'etablissements', 'medecins', 'solutions', 'jours', 'acteurs', 'ordonnances', 'consultations', "
        "'structures', 'dossiers', 'boites' or 'count', got 'doc'",
        "bad.yaml:15:13: indicators[0].public: expected true/false, got 'no' (a YAML 1.1 boolean): write true or "
        "false, or quote it if it is text",
    ]
    assert out.err == "2 erreur(s) : catalogue refusé\n"


def test_check_shows_warnings_and_passes(tmp_path, monkeypatch, capsys):
    from tests.indicators.samples import SECOND
    monkeypatch.chdir(tmp_path)
    (tmp_path / "indicators.yaml").write_text(BASE + SECOND)
    assert main(["check", "indicators.yaml"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "indicators.yaml:27:9: indicators[1].id: warning: USE-02 belongs to no objective: give it a weight in one",
        "indicators.yaml: 2 indicateurs, 1 objectifs — OK",
    ]


def test_list(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "libellé", "unité", "cible", "finale", "date"]
    assert len(lines) == 31
    use01 = next(line for line in lines if line.startswith("USE-01"))
    assert "Documents envoyés à Mon espace santé (12 mois glissants)" in use01
    assert use01.endswith("documents      400 000 000  2026-12-31")


def test_list_in_english(capsys):
    assert main(["list", "--lang", "en"]) == 0
    assert "Activated Mon espace santé profiles" in capsys.readouterr().out


def test_docs_check_passes_on_committed_docs(capsys):
    assert main(["docs", "--check"]) == 0


def test_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "indicators", "check"], cwd=settings.ROOT, capture_output=True,
                          text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "indicators.yaml: 30 indicateurs, 7 objectifs — OK\n")
