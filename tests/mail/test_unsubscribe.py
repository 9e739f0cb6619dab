"""`/mail/unsubscribe` over real HTTP: a GET only asks, a POST (button or RFC 8058 one-click) opts out."""

from __future__ import annotations

import httpx
import pytest

from bot.app import create_app
from bot.mail import unsubscribe
from bot.sandbox.serve import BackgroundServer
from storage import communications, mirror, open_database


@pytest.fixture
def server(settings):
    db = open_database(settings.db_path)
    mirror.save_webinar(db, id="w-1", title="Launch <b>&</b>", status="published", start_utc=None, end_utc=None,
                        organizer_entra_id=None, raw={})
    mirror.save_registration(db, {"id": "reg-1", "webinar_id": "w-1", "email": "g@f.example", "status": "registered"})
    db.close()
    with BackgroundServer(create_app(settings, start_workers=False)) as running:
        yield running


def opted_out(settings) -> bool:
    db = open_database(settings.db_path)
    try:
        return communications.opted_out(db, "reg-1")
    finally:
        db.close()


def test_a_get_asks_first_and_escapes_the_title(server, settings):
    link = unsubscribe.link(server.url, settings.secret_key, "reg-1")
    page = httpx.get(link)
    assert page.status_code == 200 and "<form method=\"post\">" in page.text
    assert "Launch &lt;b&gt;&amp;&lt;/b&gt;" in page.text and "<b>&</b>" not in page.text
    assert not opted_out(settings)


def test_one_click_post_opts_out(server, settings):
    link = unsubscribe.link(server.url, settings.secret_key, "reg-1")
    response = httpx.post(link, content="List-Unsubscribe=One-Click",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200 and "won't get more e-mails" in response.text
    assert opted_out(settings)


def test_the_button_posts_the_token_in_the_form(server, settings):
    token = unsubscribe.make_token(settings.secret_key, "reg-1")
    response = httpx.post(f"{server.url}{unsubscribe.PATH}", data={"token": token})
    assert response.status_code == 200 and opted_out(settings)


def test_a_forged_token_changes_nothing(server, settings):
    token = unsubscribe.make_token("not-the-key", "reg-1")
    for response in (httpx.get(f"{server.url}{unsubscribe.PATH}", params={"token": token}),
                     httpx.post(f"{server.url}{unsubscribe.PATH}", params={"token": token})):
        assert response.status_code == 400
    assert not opted_out(settings)
