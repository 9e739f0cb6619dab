"""Microsoft sign-in for Slack users: start (a link bound to one Slack user), complete (the browser comes back to
`/auth/callback`), sign out, and who am I.

The auth-code flow (PKCE, nonce) lives server-side in `auth_flows`, encrypted, keyed by the OAuth `state`, for 10
minutes, and is used at most once: a replayed, unknown or late callback changes nothing. The account that comes
back must match the e-mail of the Slack user who asked, so a sign-in link forwarded to someone else cannot tie
their Microsoft account to the sender's Slack user. Callers get results, never exceptions with details in them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass

from bot.graph.auth import SignedIn, TokenError
from bot.graph.cipher import InvalidToken
from bot.graph.tokens import SignInRequired
from bot.services import people
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from bot.ui.signin import signed_in_dm
from storage import audit, auth_flows, queues, users

log = logging.getLogger(__name__)

FLOW_LIFETIME = 600                      # seconds a sign-in link works
CALLBACK_FIELDS = ("state", "code", "session_state", "client_info", "error", "error_description", "error_uri")
clock = time.time                        # tests move time forward by replacing this


class SignInUnavailable(UserFacingError):
    def __init__(self, why: str = "Microsoft sign-in isn't set up on this server."):
        super().__init__(why)


@dataclass(frozen=True)
class SignInResult:
    """What the browser is told; `slack_user`/`upn` are set when an account was linked."""
    ok: bool
    title: str
    message: str
    status: int = 200
    slack_user: str | None = None
    upn: str | None = None


@dataclass(frozen=True)
class Identity:
    upn: str
    entra_id: str
    active: bool            # a delegated token can be had right now (False: the sign-in expired or was revoked)


def available(runtime: Runtime) -> bool:
    """False in the plain sandbox, whose token source signs everyone in without Microsoft."""
    return hasattr(runtime.tokens, "begin_sign_in")


async def start_sign_in(runtime: Runtime, slack_user: str) -> str:
    """A Microsoft sign-in URL that links the account to `slack_user` when completed within 10 minutes."""
    provider = _provider(runtime)
    now = clock()
    auth_flows.purge_expired(runtime.db, now)
    profile = await people.slack_profile(runtime, slack_user)
    flow = await provider.begin_sign_in(runtime.settings.auth_redirect_url,
                                        login_hint=profile.email if profile else None)
    sealed = provider.cipher.encrypt(json.dumps(flow).encode())
    auth_flows.save_flow(runtime.db, flow["state"], slack_user, sealed, now + FLOW_LIFETIME)
    return flow["auth_uri"]


async def complete_sign_in(runtime: Runtime, params: dict) -> SignInResult:
    """Finish the flow named by `params["state"]` (the callback's query or form fields)."""
    params = {k: str(params[k]) for k in CALLBACK_FIELDS if params.get(k)}
    state = params.get("state", "")
    row = auth_flows.take_flow(runtime.db, state) if 0 < len(state) <= 200 else None
    if row is None:
        return _failed("This sign-in link isn't valid",
                       "It was already used, or it didn't come from webinar-bot. Run /webinar login in Slack "
                       "for a new one.")
    slack_user = row["slack_user_id"]
    if row["expires_at"] < clock():
        _audit(runtime, slack_user, "signin-expired")
        return _failed("This sign-in link has expired",
                       "Sign-in links work for 10 minutes. Run /webinar login in Slack for a new one.")
    if params.get("error"):
        _audit(runtime, slack_user, "signin-declined", _error_code(params))
        return _declined(params)
    provider = _provider(runtime)
    try:
        flow = json.loads(provider.cipher.decrypt(row["flow"]))
        signed = await provider.finish_sign_in(flow, params)
    except (TokenError, InvalidToken) as error:
        code = getattr(error, "aadsts", "") or getattr(error, "error", "") or "unreadable_flow"
        log.warning("sign-in of %s could not be completed: %s", slack_user, code)
        _audit(runtime, slack_user, "signin-failed", code)
        return _failed("Microsoft didn't complete the sign-in", _explain(error))
    mismatch = await _account_mismatch(runtime, slack_user, signed)
    if mismatch:
        _audit(runtime, slack_user, "signin-refused", f"account {signed.upn} does not match the Slack e-mail")
        return _failed("That's a different account", mismatch)
    users.save_link(runtime.db, slack_user, signed.entra_id, signed.upn, signed.token_cache)
    audit.record(runtime.db, actor=slack_user, action="signin", target=signed.entra_id, detail=signed.upn,
                 origin="auth/callback")
    key = "signin:" + hashlib.sha256(state.encode()).hexdigest()[:24]
    queues.enqueue(runtime.db, key, slack_user, "chat.postMessage", {"channel": slack_user, **signed_in_dm(signed.upn)})
    runtime.outbox_wakeup.set()
    return SignInResult(True, "You're signed in",
                        f"Signed in as {signed.upn}. You can close this tab and return to Slack.",
                        slack_user=slack_user, upn=signed.upn)


async def sign_out(runtime: Runtime, slack_user: str) -> str | None:
    """Forget the link and its token cache; returns the account that was linked (None when there was none)."""
    link = users.get_link(runtime.db, slack_user)
    if not link or not users.delete_link(runtime.db, slack_user):
        return None
    audit.record(runtime.db, actor=slack_user, action="signout", target=link["entra_user_id"], detail=link["upn"],
                 origin="slack")
    return link["upn"]


async def whoami(runtime: Runtime, slack_user: str) -> Identity | None:
    """The linked account, and whether its sign-in still works (a silent refresh runs if needed)."""
    link = users.get_link(runtime.db, slack_user)
    if not link:
        return None
    try:
        await runtime.tokens.token(user=slack_user)
        active = True
    except SignInRequired:
        active = False
    return Identity(upn=link["upn"], entra_id=link["entra_user_id"], active=active)


# ---- helpers ---------------------------------------------------------------------------------------------------

def _provider(runtime: Runtime):
    if not available(runtime):
        raise SignInUnavailable("Microsoft sign-in isn't set up on this server (in the sandbox everyone is "
                                "already signed in).")
    if runtime.tokens.cipher is None:
        raise SignInUnavailable("Microsoft sign-in isn't available: the server has no WEBINAR_BOT_SECRET_KEY.")
    return runtime.tokens


async def _account_mismatch(runtime: Runtime, slack_user: str, signed: SignedIn) -> str | None:
    profile = await people.slack_profile(runtime, slack_user)
    if profile is None or not profile.email:
        return None
    if profile.email.lower() in {signed.upn.lower(), signed.email.lower()}:
        return None
    return (f"You signed in to Microsoft as {signed.upn}, but your Slack account's e-mail is {profile.email}. "
            "Run /webinar login again and pick the Microsoft account that belongs to you.")


def _error_code(params: dict) -> str:
    """Microsoft's error name and AADSTS number only: the description is free text and never shown or stored."""
    error = re.sub(r"[^a-z_]", "", params.get("error", "").lower())[:40]
    aadsts = re.search(r"AADSTS\d+", params.get("error_description", ""))
    return f"{error} {aadsts.group(0)}" if aadsts else error


def _declined(params: dict) -> SignInResult:
    code = _error_code(params)
    if code.startswith("access_denied") and "AADSTS65001" not in code:
        return _failed("Sign-in cancelled", "You didn't allow webinar-bot to act for you; nothing changed. Run "
                       "/webinar login in Slack whenever you want to try again.")
    if "consent" in code or "AADSTS65001" in code or "AADSTS90094" in code:
        return _failed("Your admin needs to approve webinar-bot",
                       "A Microsoft 365 admin has to grant consent to webinar-bot's permissions (VirtualEvent."
                       "ReadWrite) before anyone can sign in. Ask them, then run /webinar login again.")
    return _failed("Microsoft reported a problem",
                   f"Microsoft answered '{code}'. Run /webinar login in Slack to try again; if it keeps happening, "
                   "give this code to your admin.")


def _explain(error: Exception) -> str:
    aadsts = getattr(error, "aadsts", "")
    if aadsts == "AADSTS50011":
        return ("The app registration's redirect URI doesn't match this server. An admin must add "
                "<PUBLIC_URL>/auth/callback as a Web redirect URI in Entra.")
    if getattr(error, "error", "") in ("invalid_client", "unauthorized_client"):
        return "The server's Microsoft app credentials are wrong. Tell your admin to run `webinar-bot doctor`."
    if getattr(error, "error", "") == "unreachable":
        return "Microsoft couldn't be reached just now. Run /webinar login in Slack to try again."
    return f"Run /webinar login in Slack to try again. Reference for your admin: {aadsts or 'sign-in failed'}."


def _failed(title: str, message: str) -> SignInResult:
    return SignInResult(False, title, message, status=400)


def _audit(runtime: Runtime, slack_user: str, action: str, detail: str | None = None) -> None:
    audit.record(runtime.db, actor=slack_user, action=action, detail=detail, origin="auth/callback")
