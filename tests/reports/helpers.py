"""Checks shared by the export tests: a generated XLSX is a well-formed package that Excel can open; a count
asked of the warehouse directly."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import duckdb


def assert_well_formed_xlsx(path: Path) -> list[str]:
    """Every part of the zip is readable and every XML part parses; returns the part names."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        for name in names:
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(zf.read(name))
    assert "[Content_Types].xml" in names and "xl/workbook.xml" in names
    return names


def libreoffice_convert(path: Path, out_dir: Path, to: str = "csv") -> Path | None:
    """Convert with LibreOffice headless when it is installed: the converted file (None when LibreOffice is not
    installed; an error when the conversion fails)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    profile = (out_dir / "lo-profile").as_uri()  # a private profile: parallel runs do not share a lock
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", to, "--outdir",
                    str(out_dir), str(path)], check=True, capture_output=True, timeout=300)
    out = out_dir / f"{path.stem}.{to}"
    assert out.exists(), f"LibreOffice n'a pas produit {out.name}"
    return out


def libreoffice_converts(path: Path, out_dir: Path) -> bool | None:
    """Convert to CSV with LibreOffice headless when it is installed (None when it is not)."""
    out = libreoffice_convert(path, out_dir)
    return None if out is None else out.exists()


def count_rows(warehouse, sql: str, params: list) -> int:
    """One COUNT asked of the warehouse file directly (what an extract must hold)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()
