"""`webinar-bot doctor`: check the settings, then whether Slack and Graph answer and allow what webinar-bot needs.

Each finding is one line in plain words with the fix, because the person reading it is setting the app up, not
debugging it: wrong secret, wrong tenant, missing admin consent, missing Teams application access policy.
"""

from __future__ import annotations

import asyncio
import base64
import json

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings, missing_for_serve
from bot.graph.auth import TokenError, token_source_for
from bot.graph.client import GraphClient
from bot.graph.errors import Forbidden, GraphError, Unauthorized
from bot.graph.tokens import TokenSource

# Application permissions the app-only token should carry (admin consent), and why.
APP_ROLES = {
    "VirtualEvent.Read.All": "tenant webinar list, change-notification subscriptions",
    "VirtualEventRegistration-Anon.ReadWrite.All": "registering people from Slack",
    "OnlineMeetingArtifact.Read.All": "attendance reports",
    "User.Read.All": "mapping Slack users to Microsoft accounts by e-mail",
}

TOKEN_HINTS = {
    "AADSTS7000215": "MS_CLIENT_SECRET is wrong: copy the secret's Value (not its Secret ID) from the app "
                     "registration's Certificates & secrets.",
    "AADSTS7000222": "MS_CLIENT_SECRET has expired: create a new client secret in the app registration.",
    "AADSTS700016": "MS_CLIENT_ID is not an app registration in tenant MS_TENANT_ID (wrong id, or the app lives in "
                    "another tenant).",
    "AADSTS90002": "MS_TENANT_ID names no tenant on MS_AUTHORITY_HOST (typo, or the wrong cloud).",
    "invalid_client": "MS_CLIENT_ID / MS_CLIENT_SECRET were refused: check both in the app registration.",
    "invalid_tenant": "MS_TENANT_ID names no tenant on MS_AUTHORITY_HOST (typo, or the wrong cloud).",
    "unreachable": "MS_AUTHORITY_HOST can't be reached from this machine (network, proxy or TLS).",
}
FORBIDDEN_HINT = ("Grant the application permission VirtualEvent.Read.All with admin consent, and have a Teams admin "
                  "grant an application access policy to the organizers (New-CsApplicationAccessPolicy / "
                  "Grant-CsApplicationAccessPolicy with this app's client id); without it Graph answers 403.")


def run_doctor(settings: Settings) -> int:
    return asyncio.run(check(settings, print))


async def check(settings: Settings, say, *, tokens: TokenSource | None = None) -> int:
    """Print findings through `say`; 0 when all is well, 1 otherwise. `tokens` replaces the configured source."""
    problems = 0
    missing = missing_for_serve(settings)
    if missing:
        say(f"✗ settings: missing {', '.join(missing)}")
        problems += 1
    else:
        say("✓ settings complete")
    tokens = tokens or token_source_for(settings)
    problems += await _check_slack(settings, say)
    problems += await _check_graph(settings, say, tokens)
    _sign_in_notes(settings, say, signs_in=hasattr(tokens, "begin_sign_in"))
    say("All good." if not problems else f"{problems} problem(s) found.")
    return 1 if problems else 0


async def _check_slack(settings: Settings, say) -> int:
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    try:
        auth = await client.auth_test()
    except SlackApiError as error:
        say(f"✗ Slack auth.test: {error.response.get('error')} (check SLACK_BOT_TOKEN; reinstall the app)")
        return 1
    except Exception as error:  # noqa: BLE001 - any transport failure is a finding, not a crash
        say(f"✗ Slack unreachable at {settings.slack_api_url}: {type(error).__name__}")
        return 1
    say(f"✓ Slack: bot {auth.get('user')} in workspace {auth.get('team')}")
    return 0


async def _check_graph(settings: Settings, say, tokens: TokenSource) -> int:
    try:
        token = await tokens.token()
    except TokenError as error:
        hint = TOKEN_HINTS.get(error.aadsts) or TOKEN_HINTS.get(error.error) or "See the error above."
        say(f"✗ Microsoft sign-in of the app (client credentials) failed: {str(error).rstrip('.')}. {hint}")
        return 1
    say("✓ Microsoft: the app token was issued")
    problems = _check_roles(token, say)
    graph = GraphClient(settings.graph_api_url, tokens, max_retry_seconds=3, max_attempts=2)
    try:
        await graph.get_json("solutions/virtualEvents/webinars", params={"$count": "true"})
    except Forbidden as error:
        say(f"✗ Graph refused the tenant webinar list (403 {error.code}). {FORBIDDEN_HINT}")
        return problems + 1
    except Unauthorized as error:
        say(f"✗ Graph did not accept the app token (401 {error.code}): check that GRAPH_API_URL belongs to the same "
            "cloud as MS_AUTHORITY_HOST.")
        return problems + 1
    except GraphError as error:
        say(f"✗ Graph answered {error.status or 'nothing'} {error.code} at {settings.graph_api_url}: try again "
            "later; if it persists, check GRAPH_API_URL and the network.")
        return problems + 1
    finally:
        await graph.aclose()
    say("✓ Graph: virtual events are readable with the app token")
    return problems


def _check_roles(token: str, say) -> int:
    """Read the `roles` claim of a JWT app token (no verification needed: we only report what it says)."""
    claims = _jwt_claims(token)
    if claims is None:
        return 0
    roles = set(claims.get("roles") or [])
    missing = [f"{role} ({why})" for role, why in APP_ROLES.items() if role not in roles]
    if not missing:
        say("✓ application permissions have admin consent")
        return 0
    say(f"✗ application permissions without admin consent: {'; '.join(missing)}. In Entra: API permissions -> "
        "add them as Application permissions -> Grant admin consent.")
    return 1


def _jwt_claims(token: str) -> dict | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None


def _sign_in_notes(settings: Settings, say, *, signs_in: bool) -> None:
    """What doctor cannot test without a person at a browser, said once so AADSTS50011 is never a mystery."""
    if not signs_in:
        say("• sandbox: everyone counts as signed in to Microsoft")
        return
    say(f"• sign-in: the app registration needs the Web redirect URI {settings.auth_redirect_url} exactly "
        "(AADSTS50011 at sign-in means it doesn't match PUBLIC_URL) and delegated permissions VirtualEvent.ReadWrite, "
        "VirtualEvent.Read, OnlineMeetingArtifact.Read.All, User.ReadBasic.All (VirtualEvent.ReadWrite needs admin "
        "consent)")
