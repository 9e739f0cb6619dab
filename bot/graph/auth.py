"""Microsoft identity for Graph calls, with msal.

App-only tokens come from the client-credentials flow. Delegated tokens (organizer actions) need a Slack user
who signed in; until they have, `token(user)` raises SignInRequired and the UI offers a sign-in button.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse

import msal

from bot.config import Settings
from bot.graph.tokens import SandboxTokenSource, SignInRequired, TokenSource

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
MICROSOFT_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn",
                   "login.chinacloudapi.cn", "login.microsoftonline.de")


class TokenError(Exception):
    """msal could not get a token; the message is msal's error description (never the secret)."""


def is_microsoft_authority(host_url: str) -> bool:
    return (urlparse(host_url).hostname or "") in MICROSOFT_HOSTS


class MsalTokenSource:
    def __init__(self, settings: Settings, http_client=None):
        authority = f"{settings.ms_authority_host.rstrip('/')}/{settings.ms_tenant_id}"
        self.app = msal.ConfidentialClientApplication(
            settings.ms_client_id, client_credential=settings.ms_client_secret, authority=authority,
            instance_discovery=is_microsoft_authority(settings.ms_authority_host), http_client=http_client,
        )

    async def token(self, user: str | None = None) -> str:
        if user is not None:
            raise SignInRequired(user)
        result = await asyncio.to_thread(self.app.acquire_token_for_client, scopes=[GRAPH_DEFAULT_SCOPE])
        if "access_token" not in result:
            raise TokenError(f"{result.get('error')}: {result.get('error_description', '').splitlines()[0:1]}")
        return result["access_token"]


def token_source_for(settings: Settings) -> TokenSource:
    return SandboxTokenSource() if settings.sandbox else MsalTokenSource(settings)
