"""`webinar-bot doctor`: check the settings, then whether Slack and Graph answer and allow what we need."""

from __future__ import annotations

import asyncio

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings, missing_for_serve
from bot.graph.auth import TokenError, token_source_for
from bot.graph.client import GraphClient
from bot.graph.errors import Forbidden, GraphError

HINTS = {
    "app_token": "Check MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET in the Entra app registration "
                 "(Certificates & secrets).",
    "forbidden": "Grant the application permission VirtualEvent.Read.All with admin consent, and grant the Teams "
                 "application access policy to the organizers (README: 'Teams application access policy').",
}


def run_doctor(settings: Settings) -> int:
    return asyncio.run(check(settings, print))


async def check(settings: Settings, say) -> int:
    problems = 0
    missing = missing_for_serve(settings)
    if missing:
        say(f"✗ settings: missing {', '.join(missing)}")
        problems += 1
    else:
        say("✓ settings complete")
    problems += await _check_slack(settings, say)
    problems += await _check_graph(settings, say)
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


async def _check_graph(settings: Settings, say) -> int:
    graph = GraphClient(settings.graph_api_url, token_source_for(settings))
    try:
        await graph.get_json("solutions/virtualEvents/webinars", params={"$count": "true", "$top": "1"})
    except TokenError as error:
        say(f"✗ Microsoft sign-in (client credentials) failed: {error}. {HINTS['app_token']}")
        return 1
    except Forbidden:
        say(f"✗ Graph refused the tenant webinar list (403). {HINTS['forbidden']}")
        return 1
    except GraphError as error:
        say(f"✗ Graph answered {error.status} {error.code}")
        return 1
    except Exception as error:  # noqa: BLE001
        say(f"✗ Graph unreachable at {settings.graph_api_url}: {type(error).__name__}")
        return 1
    finally:
        await graph.aclose()
    say("✓ Graph: app token works and virtual events are readable")
    return 0
