"""Bearer tokens and roles, kept hashed in the tokens file named by ``settings.tokens_file``.

The file is JSON, never part of the repository::

    {"tokens": [{"name": "steward", "role": "editor", "sha256": "<hex of sha256(token)>"}]}

Only hashes are stored: tokens are random 256-bit strings, so a plain SHA-256
is enough (no password stretching needed), and a stolen file grants nothing.
A presented token is compared with *every* entry with
:func:`hmac.compare_digest`, so the time taken does not depend on where a
match is. Roles are ordered ``viewer < editor < admin``.

This module has no web dependencies, so ``integraph token`` can use it.

Examples:
    >>> entry, token = new_token("steward", "editor")
    >>> find(token, [entry]).name, find("wrong", [entry]) is None
    ('steward', True)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

ROLES = ("viewer", "editor", "admin")


@dataclass(frozen=True)
class TokenEntry:
    """One line of the tokens file: who, with which role, and the hash of the token."""

    name: str
    role: str
    sha256: str

    def allows(self, role: str) -> bool:
        """Whether this token's role is at least ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(name: str, role: str) -> tuple[TokenEntry, str]:
    """A fresh random token and the entry that stores its hash."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = secrets.token_urlsafe(32)
    return TokenEntry(name, role, digest(token)), token


def load(path: Path | None) -> list[TokenEntry]:
    """The entries of a tokens file (none when there is no file: then nobody may write)."""
    if path is None or not Path(path).exists():
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = [TokenEntry(str(e["name"]), str(e["role"]), str(e["sha256"]).lower())
               for e in data.get("tokens", [])]
    bad = [e.name for e in entries if e.role not in ROLES]
    if bad:
        raise ValueError(f"{path}: unknown role for {', '.join(bad)}")
    return entries


def save(path: Path, entries: list[TokenEntry]) -> None:
    """Write the tokens file, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"tokens": [asdict(e) for e in entries]}, indent=2), encoding="utf-8")
    path.chmod(0o600)


def find(token: str, entries: list[TokenEntry]) -> TokenEntry | None:
    """The entry whose hash matches ``token``, compared in constant time against every entry."""
    presented = digest(token)
    found = None
    for entry in entries:
        if hmac.compare_digest(presented, entry.sha256):
            found = entry
    return found
