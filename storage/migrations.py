"""Numbered schema migrations. Each runs once, in its own transaction, and is recorded in `schema_migrations`.

Add a migration by appending to MIGRATIONS; never edit one that has shipped. The statements are idempotent too
(IF NOT EXISTS), so a database restored from a backup taken mid-upgrade still migrates cleanly.
"""

from __future__ import annotations

import sqlite_utils

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "core tables", """
CREATE TABLE IF NOT EXISTS user_links (
    slack_user_id   TEXT PRIMARY KEY,
    entra_user_id   TEXT NOT NULL,
    upn             TEXT NOT NULL,
    token_cache     BLOB,               -- msal token cache, Fernet-encrypted
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webinars (
    id                  TEXT PRIMARY KEY,   -- Graph id, {guid}@{tenant guid}
    handle              TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    status              TEXT NOT NULL,
    start_utc           TEXT,
    end_utc             TEXT,
    organizer_entra_id  TEXT,
    organizer_slack_id  TEXT,
    raw                 TEXT NOT NULL,      -- last Graph body seen, JSON
    synced_at           TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registrations (
    id              TEXT PRIMARY KEY,
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    email           TEXT,
    first_name      TEXT,
    last_name       TEXT,
    status          TEXT NOT NULL,
    entra_user_id   TEXT,
    slack_user_id   TEXT,
    registered_at   TEXT,
    canceled_at     TEXT,
    synced_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS registrations_by_webinar ON registrations(webinar_id, status);
CREATE INDEX IF NOT EXISTS registrations_by_email ON registrations(webinar_id, email);
CREATE TABLE IF NOT EXISTS questions (
    id              TEXT NOT NULL,
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,      -- custom | predefined
    display_name    TEXT NOT NULL,
    answer_type     TEXT,
    label           TEXT,
    choices         TEXT,               -- JSON list
    is_required     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (webinar_id, id)
);
CREATE TABLE IF NOT EXISTS routes (
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL,
    kinds           TEXT NOT NULL,      -- comma-separated: registrations,changes,attendance
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (webinar_id, channel_id)
);
CREATE TABLE IF NOT EXISTS cards (
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL,
    ts              TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (webinar_id, channel_id)
);
CREATE TABLE IF NOT EXISTS subscriptions (
    id              TEXT PRIMARY KEY,   -- Graph subscription id
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    resource        TEXT NOT NULL,
    change_type     TEXT NOT NULL,
    client_state    TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_webinar ON subscriptions(webinar_id);
CREATE TABLE IF NOT EXISTS inbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL,      -- same item twice while pending = one delivery
    subscription_id TEXT,
    kind            TEXT NOT NULL,      -- change | lifecycle
    body            TEXT NOT NULL,      -- one notification item, JSON
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | done | parked
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error      TEXT,
    received_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_due ON inbox(status, next_attempt_at);
-- Graph redelivers identical items; two identical items are one change only while the first is unprocessed
-- (once it is done, the same body means a new change to fetch again).
CREATE UNIQUE INDEX IF NOT EXISTS inbox_pending_once ON inbox(dedupe_key) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,  -- idempotency key
    channel_id      TEXT NOT NULL,
    method          TEXT NOT NULL,         -- chat.postMessage | chat.update | ...
    payload         TEXT NOT NULL,         -- JSON arguments
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error      TEXT,
    result_ts       TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt_at);
CREATE TABLE IF NOT EXISTS reminders (
    id              INTEGER PRIMARY KEY,
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    lead_minutes    INTEGER NOT NULL,
    fire_at         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    UNIQUE (webinar_id, lead_minutes)
);
CREATE TABLE IF NOT EXISTS audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT,
    detail          TEXT,
    origin          TEXT
);
CREATE TABLE IF NOT EXISTS counters (
    name            TEXT PRIMARY KEY,
    value           INTEGER NOT NULL DEFAULT 0
);
"""),
    (2, "sign-in: pending Microsoft auth-code flows", """
CREATE TABLE IF NOT EXISTS auth_flows (
    state           TEXT PRIMARY KEY,   -- OAuth state sent to Microsoft, echoed to /auth/callback
    slack_user_id   TEXT NOT NULL,      -- who asked: the callback links the account to this user only
    flow            BLOB NOT NULL,      -- msal flow (PKCE verifier, nonce), Fernet-encrypted JSON
    created_at      TEXT NOT NULL,
    expires_at      REAL NOT NULL       -- epoch seconds; single use, 10 minutes
);
"""),
    (3, "organizer workflow: DM confirmation cards, registration-card wishes", """
CREATE TABLE IF NOT EXISTS organizer_cards (
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    slack_user_id   TEXT NOT NULL,
    channel_id      TEXT NOT NULL,      -- the DM with the organizer
    ts              TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (webinar_id, slack_user_id)
);
CREATE TABLE IF NOT EXISTS card_requests (
    webinar_id      TEXT PRIMARY KEY REFERENCES webinars(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL,      -- post a registration card here once the webinar is published
    requested_by    TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
"""),
    (4, "registration cards: what every card of a webinar shows", """
CREATE TABLE IF NOT EXISTS card_details (
    webinar_id       TEXT PRIMARY KEY REFERENCES webinars(id) ON DELETE CASCADE,
    presenters       TEXT NOT NULL DEFAULT '[]',  -- JSON list of display names (Graph, refreshed on changes)
    registration_url TEXT,                        -- registrationConfiguration.registrationWebUrl
    content_hash     TEXT,                        -- hash of the card content every card shows now
    version          INTEGER NOT NULL DEFAULT 0,  -- +1 per content change: part of the chat.update key
    updated_at       TEXT NOT NULL
);
"""),
    (5, "attendance: one row per attendance record of each report, joined to registrations", """
CREATE TABLE IF NOT EXISTS attendance (
    report_id       TEXT NOT NULL,
    record_key      TEXT NOT NULL,      -- record id, or e-mail when Graph leaves the id out
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    registration_id TEXT,               -- null for organizer, presenters and walk-ins
    email           TEXT,
    name            TEXT,
    role            TEXT,
    seconds         INTEGER NOT NULL DEFAULT 0,
    first_join      TEXT,
    last_leave      TEXT,
    report_start    TEXT,
    PRIMARY KEY (report_id, record_key)
);
CREATE INDEX IF NOT EXISTS attendance_by_webinar ON attendance(webinar_id);
"""),
    (6, "own communications: reminder and follow-up choices, registrant details, calendar sequences, opt-outs", """
CREATE TABLE IF NOT EXISTS communication_settings (
    webinar_id      TEXT PRIMARY KEY REFERENCES webinars(id) ON DELETE CASCADE,
    reminder_leads  TEXT NOT NULL,      -- JSON list of minutes before the start; [] means reminders off
    thank_attendees INTEGER NOT NULL DEFAULT 1,
    missed_you      INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registrant_details (
    registration_id TEXT PRIMARY KEY,
    webinar_id      TEXT NOT NULL REFERENCES webinars(id) ON DELETE CASCADE,
    time_zone       TEXT,               -- preferredTimezone as Graph gives it (a Windows zone name)
    language        TEXT,
    referrer        TEXT,               -- externalRegistrationInformation.referrer
    join_url        TEXT,               -- the registrant's personal joinWebUrl, once fetched
    updated_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS calendar_sequences (
    webinar_id      TEXT PRIMARY KEY REFERENCES webinars(id) ON DELETE CASCADE,
    sequence        INTEGER NOT NULL DEFAULT 0,   -- .ics SEQUENCE of the latest REQUEST
    last_change     TEXT                          -- event key that raised it, so a replay doesn't raise it again
);
CREATE TABLE IF NOT EXISTS mail_opt_outs (
    registration_id TEXT PRIMARY KEY,
    webinar_id      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders(status, fire_at);
"""),
    (7, "route options: attendance summaries without people's names", """
CREATE TABLE IF NOT EXISTS route_options (
    webinar_id      TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    show_names      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (webinar_id, channel_id),
    FOREIGN KEY (webinar_id, channel_id) REFERENCES routes(webinar_id, channel_id) ON DELETE CASCADE
);
"""),
]


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply pending migrations in order; returns the numbers applied (empty when up to date)."""
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
    )
    done = {row[0] for row in db.conn.execute("SELECT number FROM schema_migrations")}
    applied = []
    for number, name, sql in MIGRATIONS:
        if number in done:
            continue
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                db.conn.execute(statement)
            db.conn.execute("INSERT OR IGNORE INTO schema_migrations (number, name) VALUES (?, ?)", (number, name))
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
        applied.append(number)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction behind our back)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
