"""Errors that reach the user: each says where, what was found, what was expected."""

from __future__ import annotations


class EtlError(Exception):
    """An error about an input file or the load as a whole, with a message meant for the user."""

    def __init__(self, message: str, *, file: str | None = None, step: str | None = None) -> None:
        self.file = file
        self.step = step
        where = f"{file}: " if file else ""
        super().__init__(f"{where}{message}")


class UnknownSourceError(EtlError):
    """A file whose name and header match no declared source contract."""


class MissingColumnsError(EtlError):
    """A file that lacks required columns of its contract."""
