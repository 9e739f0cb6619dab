"""MsalTokenSource: real msal against the identity stand-in over HTTP (no network beyond 127.0.0.1)."""

from __future__ import annotations

import logging

import httpx
import pytest
from cryptography.fernet import Fernet

from bot.graph.auth import MsalTokenSource, TokenError, authority_for, is_microsoft_authority
from bot.graph.cipher import Cipher, InvalidToken, fernet_key
from bot.graph.tokens import SignInRequired
from bot.sandbox import directory
from bot.sandbox.identity_standin import IdentityStandin, create_identity_standin, sign_in_answer
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import sandbox_settings
from storage import users

ADELE = directory.person_by_slack_id("U0ADELE")
REDIRECT = "http://127.0.0.1:8/auth/callback"


@pytest.fixture
def identity():
    return IdentityStandin()


@pytest.fixture
def idp(identity):
    with BackgroundServer(create_identity_standin(identity)) as server:
        yield server


@pytest.fixture
def make_source(idp, tmp_path):
    def make(**overrides) -> MsalTokenSource:
        settings = sandbox_settings("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:8",
                                    str(tmp_path / "t.db"), ms_authority_host=idp.url, **overrides)
        return MsalTokenSource(settings)
    return make


async def sign_in(source: MsalTokenSource, person=ADELE) -> None:
    """Run the auth-code flow the way the service does, and store the link."""
    flow = await source.begin_sign_in(REDIRECT, login_hint=person.email)
    with httpx.Client(timeout=5) as http:
        _, answer = sign_in_answer(flow["auth_uri"], http)
    signed = await source.finish_sign_in(flow, answer)
    assert (signed.entra_id, signed.upn) == (person.entra_id, person.email)
    users.save_link(source.db, person.slack_id, signed.entra_id, signed.upn, signed.token_cache)


def test_secret_key_is_a_fernet_key_or_a_passphrase():
    key = Fernet.generate_key().decode()
    assert fernet_key(key) == key.encode()
    derived = fernet_key("a long passphrase that is not a fernet key")
    assert derived == fernet_key("a long passphrase that is not a fernet key") != fernet_key("another passphrase")
    sealed = Cipher(key).encrypt(b"cache")
    assert Cipher(key).decrypt(sealed) == b"cache"
    with pytest.raises(InvalidToken):
        Cipher("another passphrase").decrypt(sealed)


def test_instance_discovery_only_for_microsoft_hosts(settings):
    assert is_microsoft_authority("https://login.microsoftonline.us")
    assert not is_microsoft_authority("https://login.example.test")
    assert MsalTokenSource(settings).instance_discovery
    assert not MsalTokenSource(settings.with_overrides(ms_authority_host="https://login.example.test")).instance_discovery
    authority, _ = authority_for(settings.with_overrides(ms_authority_host="http://127.0.0.1:4321"))
    assert authority == f"https://127.0.0.1:4321/{directory.TENANT_ID}"  # msal sees https; AuthorityHttp downgrades
    with pytest.raises(TokenError):
        authority_for(settings.with_overrides(ms_authority_host="http://login.example.test"))


async def test_app_token_from_client_credentials_is_cached(make_source, identity):
    source = make_source()
    assert await source.token() == directory.APP_TOKEN
    assert await source.token() == directory.APP_TOKEN
    assert identity.grants == ["client_credentials"]


async def test_wrong_secret_and_wrong_tenant_name_the_aadsts_code(make_source):
    with pytest.raises(TokenError) as wrong_secret:
        await make_source(ms_client_secret="not-the-secret").token()
    assert (wrong_secret.value.error, wrong_secret.value.aadsts) == ("invalid_client", "AADSTS7000215")
    assert "not-the-secret" not in str(wrong_secret.value)
    with pytest.raises(TokenError) as wrong_tenant:
        await make_source(ms_tenant_id="00000000-0000-0000-0000-000000000000").token()
    assert wrong_tenant.value.aadsts == "AADSTS90002"


async def test_silent_refresh_rewrites_the_encrypted_cache(make_source, identity):
    identity.access_token_lifetime = 60  # inside msal's 5-minute margin: the next use refreshes
    source = make_source()
    await sign_in(source)
    before = users.get_link(source.db, ADELE.slack_id)["token_cache"]

    assert await source.token(ADELE.slack_id) == directory.user_token(ADELE.entra_id)
    assert identity.grants == ["authorization_code", "refresh_token"]
    after = users.get_link(source.db, ADELE.slack_id)["token_cache"]
    assert after != before
    newest = identity.refresh_tokens_of(ADELE.entra_id)[-1]
    stored = [rt["secret"] for rt in source.read_cache(after)["RefreshToken"].values()]
    assert stored == [newest]


async def test_long_lived_token_comes_from_the_cache_without_a_request(make_source, identity):
    source = make_source()
    await sign_in(source)
    await source.token(ADELE.slack_id)
    assert identity.grants == ["authorization_code"]


async def test_revoked_grant_means_sign_in_required(make_source, identity):
    identity.access_token_lifetime = 60
    source = make_source()
    await sign_in(source)
    identity.revoke(ADELE.entra_id)
    with pytest.raises(SignInRequired) as raised:
        await source.token(ADELE.slack_id)
    assert raised.value.slack_user_id == ADELE.slack_id


async def test_no_link_or_an_unreadable_cache_means_sign_in_required(make_source):
    source = make_source()
    with pytest.raises(SignInRequired):
        await source.token("U0NOBODY")
    users.save_link(source.db, ADELE.slack_id, ADELE.entra_id, ADELE.email, Cipher("other key").encrypt(b"{}"))
    with pytest.raises(SignInRequired):
        await source.token(ADELE.slack_id)


async def test_tokens_and_codes_never_reach_the_log(make_source, identity, caplog):
    caplog.set_level(logging.DEBUG)
    identity.access_token_lifetime = 60
    source = make_source()
    await sign_in(source)
    await source.token(ADELE.slack_id)
    identity.revoke(ADELE.entra_id)
    with pytest.raises(SignInRequired):
        await source.token(ADELE.slack_id)
    secrets = identity.refresh_tokens_of(ADELE.entra_id) + [directory.user_token(ADELE.entra_id)]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [s for s in secrets if s in logged]
