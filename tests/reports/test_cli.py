"""`python -m reports excel|extract`: files written, clear messages and exit 1 on bad input, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reports.__main__ import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(demo_settings, monkeypatch):
    monkeypatch.setenv("SEGUR_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.setenv("SEGUR_TODAY", "2026-11-28")
    monkeypatch.delenv("SEGUR_WAREHOUSE", raising=False)


def test_excel_command(env, tmp_path, capsys):
    out = tmp_path / "classeur.xlsx"
    assert main(["excel", "--out", str(out), "--as-of", "2026-10", "--region", "11", "--lang", "en"]) == 0
    assert "Classeur écrit" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames[0] == "Read me"


def test_extract_command(env, tmp_path, capsys):
    out = tmp_path / "docs.csv"
    assert main(["extract", "fact_documents", "--format", "csv", "--out", str(out), "--region", "11",
                 "--couloir", "hopital"]) == 0
    printed = capsys.readouterr().out
    assert "Extrait écrit" in printed and "region=11" in printed
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["extract", "fact_mes_profiles", "--format", "parquet", "--out", str(tmp_path / "p.parquet"),
                 "--couloir", "hopital"]) == 0
    assert "filtres sans objet" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["excel", "--out", "{tmp}/x.xlsx", "--region", "99"], "région inconnu(e) « 99 »"),
    (["excel", "--out", "{tmp}/x.xlsx", "--as-of", "2026-1"], "mois de situation invalide"),
    (["excel", "--out", "{tmp}/absent/x.xlsx"], "le dossier de sortie n'existe pas"),
    (["extract", "fact_nope", "--format", "csv", "--out", "{tmp}/x.csv"], "table inconnue « fact_nope »"),
    (["extract", "fact_documents", "--format", "pdf", "--out", "{tmp}/x.pdf"], "invalid choice"),
])
def test_bad_input_exits_1_with_a_message(env, tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    try:
        code = main(args)
    except SystemExit as e:
        code = e.code
    assert code == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_no_warehouse_in_a_subprocess(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "reports", "excel", "--out", str(tmp_path / "x.xlsx")], cwd=REPO,
                          env={"SEGUR_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1
    assert "aucun entrepôt publié" in proc.stderr and "Traceback" not in proc.stderr


def test_tidy_command(env, tmp_path, capsys):
    import pyarrow.parquet as pq

    out = tmp_path / "longue.parquet"
    assert main(["tidy", "--format", "parquet", "--out", str(out), "--ids", "USE-01", "--regions", "53",
                 "--as-of", "2026-10"]) == 0
    assert "Table longue écrite" in capsys.readouterr().out
    table = pq.read_table(out)
    assert set(table.column("region_code").to_pylist()) == {None, "53"}
    assert main(["tidy", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--ids", "XYZ-99"]) == 1
    assert "XYZ-99" in capsys.readouterr().err
