"""A small Microsoft identity platform stand-in (OAuth2 / OpenID Connect v2.0) for real msal flows without Entra.

>>> identity = IdentityStandin()
>>> with BackgroundServer(create_identity_standin(identity)) as server:
...     settings = settings.with_overrides(ms_authority_host=server.url)   # msal now signs in here

It serves, under `/{tenant}`:
* `GET /v2.0/.well-known/openid-configuration` (400 with AADSTS90002 for another tenant, as Entra answers);
* `GET /oauth2/v2.0/authorize`: picks the sandbox person named by `login_hint` (or shows a page to choose one)
  and answers at once with `code` + `state` (or `error=access_denied` after `decline_next()`): an auto-submitting
  form for `response_mode=form_post`, a redirect otherwise; `follow_sign_in` plays the browser's part;
* `POST /oauth2/v2.0/token`: client credentials, authorization code (single use, PKCE S256 checked, redirect
  URI checked) and refresh token grants, with Entra's error bodies (invalid_client AADSTS7000215, invalid_grant).

Tokens are the ones the Graph stand-in understands (`directory.APP_TOKEN`, `directory.user_token(entra id)`);
ID tokens are unsigned but well-formed JWTs (msal decodes, it does not verify).

msal accepts https authorities only. The app reaches this plain-HTTP server through `bot.graph.auth.AuthorityHttp`,
which downgrades https to http for a loopback authority; so the discovery document names `https://` endpoints for
msal, except the authorization endpoint, which a browser opens and which therefore stays `http://`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.sandbox import directory
from bot.sandbox.directory import Person

CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-client-secret"
CODE_LIFETIME = 300


@dataclass
class _Code:
    person: Person
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    scope: str
    expires_at: float


@dataclass
class IdentityStandin:
    """The tenant's sign-in state. Change it from the test thread; the server thread reads it under `lock`."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    tenant_id: str = directory.TENANT_ID
    access_token_lifetime: int = 3600        # below msal's 5-minute margin, every silent call refreshes
    grants: list[str] = field(default_factory=list)   # grant types seen at /token, in order (no secrets)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _refresh_tokens: dict[str, str] = field(default_factory=dict)    # refresh token -> entra id
    _revoked: set[str] = field(default_factory=set)
    _decline: bool = False

    def revoke(self, entra_id: str) -> None:
        """What an admin revoking sessions (or a password change) does: refresh tokens stop working."""
        with self.lock:
            self._revoked.add(entra_id)

    def decline_next(self) -> None:
        """The next /authorize ends as if the user pressed Cancel on the consent screen."""
        with self.lock:
            self._decline = True

    def refresh_tokens_of(self, entra_id: str) -> list[str]:
        with self.lock:
            return [token for token, owner in self._refresh_tokens.items() if owner == entra_id]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def id_token(claims: dict) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    codes = [int(description[6:].split(":")[0])] if description.startswith("AADSTS") else []
    return JSONResponse({"error": error, "error_description": description, "error_codes": codes,
                         "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())}, status)


def _standin(request: Request) -> IdentityStandin:
    return request.app.state.identity


def _tenant_error(request: Request) -> JSONResponse | None:
    tenant = request.path_params["tenant"]
    if tenant in (_standin(request).tenant_id, "organizations", "common"):
        return None
    return _oauth_error("invalid_tenant", f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have "
                        "the correct tenant ID and are signing into the correct cloud.")


async def openid_configuration(request: Request) -> Response:
    if error := _tenant_error(request):
        return error
    netloc, tenant = request.url.netloc, request.path_params["tenant"]
    base = f"https://{netloc}/{tenant}"
    return JSONResponse({
        "issuer": f"{base}/v2.0",
        "authorization_endpoint": f"http://{netloc}/{tenant}/oauth2/v2.0/authorize",
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_types_supported": ["code"], "response_modes_supported": ["query", "form_post"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"], "tenant_region_scope": "EU",
    })


async def authorize(request: Request) -> Response:
    if error := _tenant_error(request):
        return error
    identity, query = _standin(request), request.query_params
    redirect_uri, state = query.get("redirect_uri", ""), query.get("state", "")
    if query.get("client_id") != identity.client_id:
        return _page("AADSTS700016: Application not found in the directory.", 400)
    if urlsplit(redirect_uri).hostname not in ("127.0.0.1", "localhost"):
        return _page("AADSTS50011: The redirect URI specified in the request does not match the redirect URIs "
                     "configured for the application.", 400)
    if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
        return _page("AADSTS900144: this stand-in serves the auth-code flow with PKCE (S256) only.", 400)
    person = directory.person_by_email(query.get("login_hint", ""))
    if person is None:
        return _chooser(request)
    with identity.lock:
        declined, identity._decline = identity._decline, False
        if not declined:
            code = secrets.token_urlsafe(24)
            identity._codes[code] = _Code(person, identity.client_id, redirect_uri, query.get("code_challenge", ""),
                                          query.get("nonce", ""), query.get("scope", ""), time.time() + CODE_LIFETIME)
    if declined:
        answer = {"error": "access_denied", "error_description": "AADSTS65004: User declined to consent to access "
                  "the app.", "state": state}
    else:
        answer = {"code": code, "state": state, "session_state": secrets.token_hex(8)}
    if query.get("response_mode") == "form_post":
        return _auto_post(redirect_uri, answer)
    return RedirectResponse(f"{redirect_uri}?{urlencode(answer)}", status_code=302)


def _auto_post(action: str, fields: dict) -> HTMLResponse:
    """Entra's form_post answer: a page whose form the browser submits at once to the redirect URI."""
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items())
    return HTMLResponse(f'<!doctype html><title>Working...</title><form method="POST" action="{html.escape(action)}">'
                        f"{inputs}<noscript><button>Continue</button></noscript></form>"
                        "<script>document.forms[0].submit()</script>")


def sign_in_answer(auth_uri: str, http: httpx.Client) -> tuple[str, dict]:
    """Open `auth_uri` as a browser would: (redirect URI, the fields Microsoft sends there)."""
    page = http.get(auth_uri)
    if page.is_redirect:
        target = urlsplit(page.headers["location"])
        return target._replace(query="").geturl(), dict(parse_qsl(target.query))
    form = re.search(r'<form method="POST" action="([^"]*)">', page.text)
    if form is None:
        raise ValueError(f"no sign-in answer: {page.status_code} {page.text[:200]}")
    fields = {html.unescape(k): html.unescape(v) for k, v in re.findall(r'name="([^"]*)" value="([^"]*)"', page.text)}
    return html.unescape(form.group(1)), fields


def follow_sign_in(auth_uri: str, http: httpx.Client) -> httpx.Response:
    """What the browser does after a click on the sign-in button: open `auth_uri`, deliver the answer to the app."""
    action, fields = sign_in_answer(auth_uri, http)
    return http.post(action, data=fields)


def _chooser(request: Request) -> HTMLResponse:
    """No login_hint: let the person at the browser pick who they are, as the real account picker does."""
    items = []
    for person in directory.PEOPLE:
        query = urlencode({**request.query_params, "login_hint": person.email})
        items.append(f'<li><a href="{html.escape(request.url.path)}?{html.escape(query)}">'
                     f"{html.escape(person.display_name)} ({html.escape(person.email)})</a></li>")
    return HTMLResponse(f"<!doctype html><title>Pick an account</title><h1>Pick an account</h1><ul>{''.join(items)}"
                        "</ul>")


def _page(message: str, status: int) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><title>Sign in</title><p>{html.escape(message)}</p>", status)


async def token(request: Request) -> Response:
    if error := _tenant_error(request):
        return error
    identity, form = _standin(request), dict(parse_qsl((await request.body()).decode()))
    grant = form.get("grant_type", "")
    with identity.lock:
        identity.grants.append(grant)
    if form.get("client_id") != identity.client_id:
        return _oauth_error("unauthorized_client", f"AADSTS700016: Application with identifier "
                            f"'{form.get('client_id')}' was not found in the directory '{identity.tenant_id}'.")
    if form.get("client_secret") != identity.client_secret:
        return _oauth_error("invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret "
                            "being sent in the request is the client secret value, not the client secret ID.", 401)
    if grant == "client_credentials":
        return JSONResponse({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                             "access_token": directory.APP_TOKEN})
    if grant == "authorization_code":
        return _redeem_code(identity, form)
    if grant == "refresh_token":
        return _refresh(identity, form)
    return _oauth_error("unsupported_grant_type", f"AADSTS70003: unsupported grant type {grant!r}.")


def _redeem_code(identity: IdentityStandin, form: dict) -> Response:
    with identity.lock:
        issued = identity._codes.pop(form.get("code", ""), None)
    if issued is None or issued.expires_at < time.time():
        return _oauth_error("invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed or is "
                            "unknown, please retry with a new valid code.")
    if form.get("redirect_uri") != issued.redirect_uri:
        return _oauth_error("invalid_grant", "AADSTS50011: The redirect URI does not match the one of the "
                            "authorization request.")
    verifier = form.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    if challenge != issued.challenge:
        return _oauth_error("invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge "
                            "supplied in the authorization request.")
    return _tokens(identity, issued.person, form.get("scope") or issued.scope, issued.nonce)


def _refresh(identity: IdentityStandin, form: dict) -> Response:
    with identity.lock:
        owner = identity._refresh_tokens.get(form.get("refresh_token", ""))
        revoked = owner in identity._revoked
    person = directory.person_by_entra_id(owner or "")
    if person is None or revoked:
        return _oauth_error("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked, "
                            "a fresh auth token is needed.")
    return _tokens(identity, person, form.get("scope", ""), nonce=None)


def _tokens(identity: IdentityStandin, person: Person, scope: str, nonce: str | None) -> JSONResponse:
    refresh_token = "rt-" + secrets.token_urlsafe(32)
    with identity.lock:
        identity._refresh_tokens[refresh_token] = person.entra_id
        lifetime = identity.access_token_lifetime
    now = int(time.time())
    claims = {"aud": identity.client_id, "iss": f"https://login.sandbox/{identity.tenant_id}/v2.0", "iat": now,
              "nbf": now, "exp": now + 3600, "name": person.display_name, "oid": person.entra_id,
              "preferred_username": person.email, "email": person.email, "sub": person.entra_id,
              "tid": identity.tenant_id, "ver": "2.0"}
    if nonce:
        claims["nonce"] = nonce
    granted = " ".join(s for s in scope.split() if s not in ("openid", "profile", "offline_access"))
    return JSONResponse({
        "token_type": "Bearer", "scope": granted, "expires_in": lifetime, "ext_expires_in": lifetime,
        "access_token": directory.user_token(person.entra_id), "refresh_token": refresh_token,
        "id_token": id_token(claims),
        "client_info": _b64({"uid": person.entra_id, "utid": identity.tenant_id}),
    })


def create_identity_standin(identity: IdentityStandin | None = None) -> Starlette:
    app = Starlette(routes=[
        Route("/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
        Route("/{tenant}/oauth2/v2.0/authorize", authorize, methods=["GET"]),
        Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
    ])
    app.state.identity = identity if identity is not None else IdentityStandin()
    return app
