"""The key that signs session cookies: from SEGUR_SECRET_KEY, or generated once into the data directory.

The generated file is created with mode 0600 and never overwritten: every worker (and every restart) reads
the same key, so sessions survive a restart. Two workers starting at once race on an exclusive create.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"


def load_or_create(data_dir: Path, configured: str = "") -> str:
    if configured:
        if len(configured) < 32:
            raise ValueError("SEGUR_SECRET_KEY trop courte (au moins 32 caractères ; p. ex. "
                             "python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return configured
    path = data_dir / FILE_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise ValueError(f"{path} : clé vide ou trop courte ; supprimez le fichier pour en générer une") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key
