"""Who is asking, and what they may see and do: the request `Scope`, resolved once at the edge and passed down.

A `Scope` is built from a signed-in identity (session or API token) before any page, callback, route or
job runs; nothing below it re-parses a URL to decide who sees what. Régions restrict *rows*: a regional
user sees their région(s), its départements and the national aggregate for comparison, never another
région's values. Roles restrict *actions*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LECTEUR = "lecteur"
CONTRIBUTEUR = "contributeur"
SECRETARIAT = "secretariat"
ADMIN_DONNEES = "admin_donnees"
ADMIN = "admin"
ROLES: tuple[str, ...] = (LECTEUR, CONTRIBUTEUR, SECRETARIAT, ADMIN_DONNEES, ADMIN)


class ScopeDenied(PermissionError):
    """A request outside the person's scope (another région, a missing role). `code` is a message key."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Scope:
    """One person's rights for one request.

    `regions` is None for a national scope, else the région codes (INSEE) the person may see.
    `public` marks the anonymous public read-only mode (`SEGUR_PUBLIC_READ=national`): national figures
    only, no comments, no writes.
    """

    user_id: int | None
    login: str
    display_name: str
    roles: frozenset[str]
    regions: frozenset[str] | None = None
    public: bool = False

    @classmethod
    def system(cls, name: str = "cli") -> Scope:
        """The operator on the server itself (CLI, background maintenance): national, every role."""
        return cls(None, name, name, frozenset(ROLES), None)

    @classmethod
    def public_reader(cls) -> Scope:
        return cls(None, "public", "public", frozenset({LECTEUR}), None, public=True)

    @classmethod
    def of(cls, user_id: int | None, login: str, display_name: str, roles: Iterable[str],
           regions: Iterable[str] | None) -> Scope:
        regions = frozenset(regions) if regions is not None else None
        return cls(user_id, login, display_name or login, frozenset(roles), regions or None)

    # --- rows -------------------------------------------------------------------------------------------
    @property
    def national(self) -> bool:
        """May see every région (and their départements)."""
        return self.regions is None

    def allows_region(self, region: str | None) -> bool:
        """May see this région's rows (None = the national aggregate, which everybody may see).

        The public read-only mode sees national figures only."""
        if region is None:
            return True
        if self.public:
            return False
        return self.regions is None or region in self.regions

    def allows_departement(self, departement: str | None, parent_region: str | None) -> bool:
        return departement is None or self.allows_region(parent_region)

    @property
    def restricted(self) -> bool:
        """Sees only some régions (an ARS user, or the public national-only mode)."""
        return self.public or self.regions is not None

    def visible_regions(self, all_regions: Iterable[str]) -> list[str]:
        """The régions of `all_regions` this person may see, in the given order."""
        return [r for r in all_regions if self.allows_region(r)]

    def default_region(self) -> str | None:
        """The région a single-région user lands on (None for national or several régions)."""
        if self.regions is not None and len(self.regions) == 1:
            return next(iter(self.regions))
        return None

    def home_region(self, codes: Iterable[str]) -> str | None:
        """The région a regional person's view is pinned to when it names no territory: their first in code
        order (None for a national scope: the national view is theirs)."""
        if not self.restricted or self.public:
            return None
        return next((c for c in sorted(codes) if self.allows_region(c)), None)

    def check_region(self, region: str | None) -> None:
        if not self.allows_region(region):
            raise ScopeDenied("access.region_denied", region=str(region))

    # --- actions ----------------------------------------------------------------------------------------
    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def signed_in(self) -> bool:
        return not self.public and bool(self.roles)

    @property
    def can_read(self) -> bool:
        return bool(self.roles)

    def can_comment(self, region: str | None = None) -> bool:
        """Comments and météo: contributors within their scope, the secretariat everywhere it sees."""
        if self.public:
            return False
        if self.has(SECRETARIAT):
            return self.allows_region(region)
        return self.has(CONTRIBUTEUR) and self.allows_region(region) and (self.national or region is not None)

    @property
    def can_manage_committee(self) -> bool:
        """Snapshots (create, delete), decisions, packs, presentation: the secretariat."""
        return not self.public and self.has(SECRETARIAT)

    @property
    def can_edit_any_comment(self) -> bool:
        return self.can_manage_committee

    @property
    def can_admin_data(self) -> bool:
        return not self.public and self.has(ADMIN_DONNEES)

    @property
    def can_admin(self) -> bool:
        return not self.public and self.has(ADMIN)

    @property
    def can_read_audit(self) -> bool:
        return self.can_admin or self.can_manage_committee

    def require(self, allowed: bool, what: str = "action") -> None:
        if not allowed:
            raise ScopeDenied("access.action_denied", action=what)
