"""Microsoft identity for Graph calls, with msal.

* App-only tokens: client credentials, cached in memory by msal.
* Delegated tokens: each Slack user who signed in (auth-code flow with PKCE, `bot.services.signin`) has an msal
  `SerializableTokenCache`, stored Fernet-encrypted in `user_links.token_cache`. Every use runs
  `acquire_token_silent` on it (msal refreshes with the refresh token when the access token is near its end) and
  writes the cache back when it changed. No cache, an unreadable one, or a refused refresh (`invalid_grant`:
  expired, revoked, password changed) raises `SignInRequired`, which the UI answers with a sign-in button.

Sign-in uses `response_mode=form_post`: Microsoft POSTs the code to `/auth/callback`, so it never sits in a URL.
msal is synchronous and talks HTTP itself, so its calls run in a worker thread. Nothing here logs a token, a code
or a secret; errors carry msal's `error` and the first line of its description only.

`MS_AUTHORITY_HOST` that is not a Microsoft host turns msal's instance discovery off (sovereign or test
authorities). msal only accepts https authorities; a loopback `http://127.0.0.1:port` host (the sandbox's
identity stand-in) is given to msal as https and reached over plain HTTP by `AuthorityHttp`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import msal
import requests
import sqlite_utils

from bot.config import Settings
from bot.graph.cipher import Cipher, InvalidToken
from bot.graph.tokens import SandboxTokenSource, SignInRequired, TokenSource
from storage import open_database, users

log = logging.getLogger(__name__)

# offline_access, openid and profile are added by msal itself (it refuses them here).
DELEGATED_SCOPES = ["VirtualEvent.ReadWrite", "VirtualEvent.Read", "OnlineMeetingArtifact.Read.All",
                    "User.ReadBasic.All"]
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
MICROSOFT_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn",
                   "login.chinacloudapi.cn", "login.microsoftonline.de", "login.windows.net", "login.microsoft.com",
                   "sts.windows.net")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
HTTP_TIMEOUT = 10.0


class TokenError(Exception):
    """msal could not get a token. `error` is the OAuth error (invalid_client, ...), `aadsts` the AADSTS code."""

    def __init__(self, error: str, description: str = ""):
        first_line = (description or "").strip().splitlines()[0] if description and description.strip() else ""
        self.error = error
        self.description = first_line[:300]
        match = re.search(r"AADSTS\d+", description or "")
        self.aadsts = match.group(0) if match else ""
        super().__init__(f"{error}: {self.description}" if self.description else error)


@dataclass(frozen=True)
class SignedIn:
    """The outcome of a completed sign-in: who it is, and their msal cache, already encrypted."""
    entra_id: str
    upn: str
    display_name: str
    email: str
    token_cache: bytes


def is_microsoft_authority(host_url: str) -> bool:
    return (urlsplit(host_url).hostname or "").lower() in MICROSOFT_HOSTS


class AuthorityHttp(requests.Session):
    """msal's HTTP client: a default timeout, and plain HTTP to a loopback authority that msal must call https."""

    def __init__(self, plain_http_netloc: str | None = None, timeout: float = HTTP_TIMEOUT):
        super().__init__()
        self.timeout = timeout
        self._https_prefix = f"https://{plain_http_netloc}/" if plain_http_netloc else None
        self.mount("https://", requests.adapters.HTTPAdapter(max_retries=1))
        self.mount("http://", requests.adapters.HTTPAdapter(max_retries=1))

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        if self._https_prefix and url.startswith(self._https_prefix):
            url = "http://" + url.removeprefix("https://")
        return super().request(method, url, *args, **kwargs)


def authority_for(settings: Settings) -> tuple[str, AuthorityHttp]:
    """The authority URL msal gets, and the HTTP client that reaches it."""
    host = settings.ms_authority_host.rstrip("/")
    parts = urlsplit(host)
    if parts.scheme == "http":
        if parts.hostname not in LOOPBACK_HOSTS:
            raise TokenError("invalid_authority", "MS_AUTHORITY_HOST must be https (plain http only for 127.0.0.1)")
        return f"https://{parts.netloc}/{settings.ms_tenant_id}", AuthorityHttp(parts.netloc)
    return f"{host}/{settings.ms_tenant_id}", AuthorityHttp()


def graph_resource(settings: Settings) -> str:
    """`https://graph.microsoft.com` (or the sovereign / stand-in origin of GRAPH_API_URL): the `.default` audience."""
    parts = urlsplit(settings.graph_api_url)
    return f"{parts.scheme}://{parts.netloc}"


class MsalTokenSource:
    """TokenSource backed by msal and the encrypted caches in `user_links`; also runs the sign-in protocol steps.

    It opens its own database connection (lazily, from `WEBINAR_BOT_DB`) unless given one, so it can be built
    before the app. `http_client` replaces msal's HTTP layer (tests); by default `AuthorityHttp`.
    """

    def __init__(self, settings: Settings, *, db: sqlite_utils.Database | None = None, http_client=None):
        self.settings = settings
        self.authority, default_http = authority_for(settings)
        self.http = http_client or default_http
        self.instance_discovery = is_microsoft_authority(settings.ms_authority_host)
        self.app_scopes = [f"{graph_resource(settings)}/.default"]
        self.user_scopes = list(DELEGATED_SCOPES)
        self.cipher = Cipher(settings.secret_key) if settings.secret_key else None
        self._db = db
        self._http_cache: dict = {}        # discovery documents, shared by every msal app built here
        self._app_only: msal.ConfidentialClientApplication | None = None
        self._app_lock = threading.Lock()
        self._user_locks: dict[str, asyncio.Lock] = {}

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_database(self.settings.db_path)
        return self._db

    # ---- TokenSource -----------------------------------------------------------------------------------------

    async def token(self, user: str | None = None) -> str:
        if user is None:
            return await asyncio.to_thread(self._app_token)
        return await self._user_token(user)

    def _app_token(self) -> str:
        with self._app_lock:
            if self._app_only is None:
                self._app_only = _guarded(self._msal_app, None)
        result = _guarded(self._app_only.acquire_token_for_client, scopes=self.app_scopes)
        if "access_token" not in result:
            raise TokenError(result.get("error", "no_token"), result.get("error_description", ""))
        return result["access_token"]

    async def _user_token(self, user: str) -> str:
        lock = self._user_locks.setdefault(user, asyncio.Lock())
        async with lock:  # one refresh per user at a time; the second caller then finds a fresh token
            link = users.get_link(self.db, user)
            if not link or not link.get("token_cache") or self.cipher is None:
                raise SignInRequired(user)
            try:
                serialized = self.cipher.decrypt(link["token_cache"]).decode()
            except InvalidToken:
                log.warning("stored Microsoft sign-in of %s is unreadable (WEBINAR_BOT_SECRET_KEY changed?)", user)
                raise SignInRequired(user) from None
            access_token, changed = await asyncio.to_thread(self._silent, serialized, link["entra_user_id"])
            if changed is not None:
                users.update_token_cache(self.db, user, self.cipher.encrypt(changed.encode()))
            if access_token is None:
                raise SignInRequired(user)
            return access_token

    def _silent(self, serialized: str, entra_id: str) -> tuple[str | None, str | None]:
        """(access token or None, the cache serialized again when msal changed it)."""
        cache = msal.SerializableTokenCache()
        cache.deserialize(serialized)
        app = _guarded(self._msal_app, cache)
        accounts = _guarded(app.get_accounts)
        account = next((a for a in accounts if a.get("local_account_id") == entra_id), None)
        result = _guarded(app.acquire_token_silent_with_error, self.user_scopes, account=account) if account else None
        changed = cache.serialize() if cache.has_state_changed else None
        if result and "access_token" in result:
            return result["access_token"], changed
        if result:
            log.info("Microsoft refused to refresh a delegated token: %s %s", result.get("error"),
                     TokenError(result.get("error", ""), result.get("error_description", "")).aadsts)
        return None, changed

    # ---- sign-in protocol (the service decides who, when and what to store) ----------------------------------

    async def begin_sign_in(self, redirect_uri: str, login_hint: str | None = None) -> dict:
        """A fresh msal auth-code flow (state, PKCE verifier, nonce, `auth_uri`); keep it secret until redeemed."""
        def begin() -> dict:
            return self._msal_app(None).initiate_auth_code_flow(
                self.user_scopes, redirect_uri=redirect_uri, login_hint=login_hint or None, prompt="select_account",
                response_mode="form_post")  # the code arrives in a POST body, not in URLs and their logs
        return await asyncio.to_thread(_guarded, begin)

    async def finish_sign_in(self, flow: dict, auth_response: dict) -> SignedIn:
        """Redeem the code (PKCE, nonce and state checked by msal); TokenError when Microsoft or msal refuses."""
        if self.cipher is None:
            raise TokenError("not_configured", "WEBINAR_BOT_SECRET_KEY is not set")
        cache = msal.SerializableTokenCache()

        def redeem() -> dict:
            app = _guarded(self._msal_app, cache)
            try:
                return app.acquire_token_by_auth_code_flow(flow, auth_response)
            except ValueError as error:  # msal's word for a state mismatch or a malformed response
                return {"error": "invalid_response", "error_description": str(error).split(":")[0]}
        result = await asyncio.to_thread(_guarded, redeem)
        if "access_token" not in result:
            raise TokenError(result.get("error", "no_token"), result.get("error_description", ""))
        claims = result.get("id_token_claims") or {}
        entra_id = claims.get("oid") or claims.get("sub") or ""
        upn = claims.get("preferred_username") or claims.get("upn") or claims.get("email") or ""
        if not entra_id or not upn:
            raise TokenError("invalid_id_token", "the ID token names no user")
        return SignedIn(entra_id=entra_id, upn=upn, display_name=claims.get("name") or upn,
                        email=claims.get("email") or "",
                        token_cache=self.cipher.encrypt(cache.serialize().encode()))

    def read_cache(self, sealed: bytes) -> dict:
        """A stored cache, decrypted and parsed (tests and support tooling; raises InvalidToken on a wrong key)."""
        return json.loads(self.cipher.decrypt(sealed))

    # ---- msal --------------------------------------------------------------------------------------------------

    def _msal_app(self, cache: msal.TokenCache | None) -> msal.ConfidentialClientApplication:
        """Cheap after the first call: the discovery documents come from the shared http cache."""
        return msal.ConfidentialClientApplication(
            self.settings.ms_client_id, client_credential=self.settings.ms_client_secret, authority=self.authority,
            instance_discovery=self.instance_discovery, http_client=self.http, http_cache=self._http_cache,
            token_cache=cache,
        )


def _guarded(fn, *args, **kwargs):
    """Run an msal call; turn authority and network failures into TokenError (without secrets)."""
    try:
        return fn(*args, **kwargs)
    except msal.exceptions.MsalServiceError as error:  # a 5xx from the identity platform
        raise TokenError("service_unavailable", f"the Microsoft identity platform answered {error}") from None
    except requests.RequestException as error:
        raise TokenError("unreachable", f"cannot reach the Microsoft identity platform ({type(error).__name__})") \
            from None
    except ValueError as error:  # msal's authority discovery: unknown tenant, wrong host
        text = f"{error} {error.__context__ or ''}"  # msal re-raises; Microsoft's answer is in the first error
        aadsts = re.search(r"AADSTS\d+[^\"\\]*", text)
        code = "invalid_tenant" if "AADSTS90002" in text else "invalid_authority"
        raise TokenError(code, aadsts.group(0) if aadsts else str(error).splitlines()[0][:200]) from None


def token_source_for(settings: Settings) -> TokenSource:
    """msal everywhere, except the plain sandbox (no identity stand-in configured), where everyone is signed in."""
    if settings.sandbox and settings.ms_authority_host.rstrip("/") == DEFAULT_AUTHORITY_HOST:
        return SandboxTokenSource()
    return MsalTokenSource(settings)
