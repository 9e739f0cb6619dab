"""Who did what, when, from where: one row per organizer action and per security-relevant event."""

from __future__ import annotations

import sqlite_utils

from storage.db import now_iso


def record(db: sqlite_utils.Database, actor: str, action: str, target: str | None = None,
           detail: str | None = None, origin: str | None = None) -> None:
    db["audit_log"].insert({"at": now_iso(), "actor": actor, "action": action, "target": target,
                            "detail": detail, "origin": origin})


def entries(db: sqlite_utils.Database, target: str | None = None, limit: int = 100) -> list[dict]:
    if target is None:
        return list(db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit]))
    return list(db.query("SELECT * FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT ?", [target, limit]))
