import sqlite3

import pytest

from storage import mirror, open_database, queues, routing, subscriptions
from storage.migrations import MIGRATIONS, migrate

TABLES = {"user_links", "webinars", "registrations", "questions", "routes", "cards", "subscriptions", "inbox",
          "outbox", "reminders", "audit_log"}


@pytest.fixture
def db(tmp_path):
    database = open_database(str(tmp_path / "t.db"))
    yield database
    database.close()


def test_pragmas_and_tables(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert set(db.table_names()) >= TABLES


def test_migrations_are_idempotent(tmp_path, db):
    assert migrate(db) == []
    again = open_database(str(tmp_path / "t.db"))
    assert [r[0] for r in again.execute("SELECT number FROM schema_migrations")] == [n for n, _, _ in MIGRATIONS]


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        routing.save_route(db, "missing@webinar", "C1", {"registrations"}, by="U1")


def save(db, wid="a@b", title="Tech talk"):
    return mirror.save_webinar(db, id=wid, title=title, status="draft", start_utc="2026-12-01T10:00:00Z",
                               end_utc="2026-12-01T11:00:00Z", organizer_entra_id="e1", raw={"id": wid})


def test_webinar_handles_are_short_stable_and_case_insensitive(db):
    assert save(db) == {}
    save(db, "c@d", "Other")
    before = save(db, title="Renamed")
    assert before["title"] == "Tech talk"
    assert mirror.get_webinar(db, "W1")["id"] == "a@b" and mirror.get_webinar(db, "w2")["id"] == "c@d"
    assert mirror.get_webinar(db, "a@b")["title"] == "Renamed"
    assert mirror.get_webinar(db, "w3") is None


def test_inbox_drops_duplicates_only_while_pending(db):
    item = {"dedupe_key": "k1", "subscription_id": "s", "kind": "change", "body": {"a": 1}}
    assert queues.add_to_inbox(db, [item, item]) == 1
    due = queues.due_inbox(db)
    assert [d["body"] for d in due] == [{"a": 1}]
    queues.finish_inbox(db, due[0]["id"])
    assert queues.add_to_inbox(db, [item]) == 1  # same body later = a new change to fetch


def test_inbox_retries_then_parks(db):
    queues.add_to_inbox(db, [{"dedupe_key": "k", "kind": "change", "body": {}}])
    item_id = queues.due_inbox(db)[0]["id"]
    assert queues.retry_inbox(db, item_id, "boom", delay=0, max_attempts=2) is False
    assert queues.retry_inbox(db, item_id, "boom", delay=0, max_attempts=2) is True
    assert queues.inbox_counts(db) == {"parked": 1}
    assert queues.due_inbox(db) == []


def test_outbox_is_idempotent_by_key_and_postpones_a_channel(db):
    assert queues.enqueue(db, "k", "C1", "chat.postMessage", {"text": "hi"}) is True
    assert queues.enqueue(db, "k", "C1", "chat.postMessage", {"text": "hi"}) is False
    queues.postpone_channel(db, "C1", until=10**12)
    assert queues.due_outbox(db) == []
    assert len(queues.due_outbox(db, now=10**12)) == 1


def test_routes_widen_and_subscriptions_store_client_state(db):
    save(db)
    routing.save_route(db, "a@b", "C1", {"registrations"}, by="U1")
    routing.save_route(db, "a@b", "C1", {"attendance"}, by="U1")
    assert routing.get_route(db, "a@b", "C1")["kinds"] == "registrations,attendance"
    assert [r["channel_id"] for r in routing.routes_for(db, "a@b", "attendance")] == ["C1"]
    assert routing.routes_for(db, "a@b", "changes") == []
    subscriptions.save_subscription(db, id="s1", webinar_id="a@b", resource="r", change_type="updated",
                                    client_state="secret", expires_at="2026-01-01T00:00:00Z")
    assert subscriptions.client_states(db, {"s1", "s2"}) == {"s1": "secret"}
    assert [s["id"] for s in subscriptions.expiring_before(db, "2026-06-01T00:00:00Z")] == ["s1"]
