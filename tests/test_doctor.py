"""`webinar-bot doctor` against the sandbox stand-ins: all good, and each misconfiguration named with its fix."""

from __future__ import annotations

import base64
import json

import pytest

from bot.doctor import check
from bot.sandbox import directory
from bot.sandbox.identity_standin import create_identity_standin
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import SandboxStack


@pytest.fixture(scope="module")
def stack():
    """One stack whose app signs in through the identity stand-in (its settings are what doctor checks)."""
    with BackgroundServer(create_identity_standin()) as idp, SandboxStack(ms_authority_host=idp.url) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults(stack):
    yield
    stack.graph.faults.clear()


class FixedToken:
    def __init__(self, token: str):
        self.value = token

    async def token(self, user=None) -> str:
        return self.value


async def doctor(settings, **kwargs) -> tuple[int, str]:
    lines: list[str] = []
    code = await check(settings, lines.append, **kwargs)
    return code, "\n".join(lines)


async def test_the_plain_sandbox_is_all_good(stack):
    code, report = await doctor(stack.settings.with_overrides(ms_authority_host="https://login.microsoftonline.com"))
    assert code == 0 and report.endswith("All good.")
    assert "everyone counts as signed in" in report


async def test_sandbox_with_msal_sign_in_is_all_good(stack):
    code, report = await doctor(stack.settings)
    assert code == 0 and "✓ Microsoft: the app token was issued" in report and report.endswith("All good.")
    assert f"redirect URI {stack.app_url}/auth/callback" in report


async def test_a_wrong_client_secret_is_named(stack):
    code, report = await doctor(stack.settings.with_overrides(ms_client_secret="wrong-secret-value"))
    assert code == 1 and "AADSTS7000215" in report and "Value (not its Secret ID)" in report
    assert "wrong-secret-value" not in report


async def test_a_wrong_tenant_is_named(stack):
    code, report = await doctor(stack.settings.with_overrides(ms_tenant_id="11111111-1111-1111-1111-111111111111"))
    assert code == 1 and "MS_TENANT_ID names no tenant" in report


async def test_403_on_the_tenant_list_points_at_the_application_access_policy(stack):
    # A delegated token where an app token belongs: the stand-in answers 403, as Graph does without a policy.
    code, report = await doctor(stack.settings, tokens=FixedToken(directory.user_token(directory.ORGANIZER.entra_id)))
    assert code == 1 and "403" in report and "application access policy" in report


async def test_graph_outage_is_reported(stack):
    stack.graph.faults.unavailable(count=5, retry_after="0")
    code, report = await doctor(stack.settings)
    assert code == 1 and "Graph answered 503" in report


async def test_missing_admin_consent_is_listed(stack):
    claims = base64.urlsafe_b64encode(json.dumps({"roles": ["VirtualEvent.Read.All"]}).encode()).decode().rstrip("=")
    code, report = await doctor(stack.settings, tokens=FixedToken(f"eyJhbGciOiJub25lIn0.{claims}."))
    assert code == 1 and "without admin consent" in report
    assert "OnlineMeetingArtifact.Read.All" in report and "Grant admin consent" in report


async def test_a_bad_slack_token_is_reported(stack):
    code, report = await doctor(stack.settings.with_overrides(slack_bot_token="xoxb-not-the-bot"))
    assert code == 1 and "✗ Slack auth.test" in report
