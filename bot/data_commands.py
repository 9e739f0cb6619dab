"""`webinar-bot sync <webinar>` and `webinar-bot export <webinar> --out F`: data work without Slack."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

from bot.app import build_runtime
from bot.config import Settings
from bot.graph.errors import GraphError
from bot.services import alerts, exports, sync, webinars
from bot.services.errors import UserFacingError


def run_data_command(settings: Settings, args, out=print) -> int:
    return asyncio.run(_run(settings, args, out))


async def _run(settings: Settings, args, out) -> int:
    runtime = build_runtime(settings)
    try:
        webinar = await webinars.resolve(runtime, args.webinar)
        if args.command == "sync":
            events = await sync.resync(runtime, webinar["id"])
            queued = alerts.route_events(runtime, events)
            kinds = Counter(e.kind.value for e in events)
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "no changes"
            out(f"{webinar['handle']} {webinar['title']}: {summary}; {queued} channel post(s) queued")
        else:
            content = await exports.registrations_csv(runtime, webinar["id"])
            if args.out == "-":
                sys.stdout.write(content)
            else:
                Path(args.out).write_text(content, encoding="utf-8", newline="")
                out(f"wrote {content.count(chr(10)) - 1} registration(s) to {args.out}")
        return 0
    except (UserFacingError, GraphError) as error:
        out(f"webinar-bot: {error}")
        return 1
    finally:
        await runtime.graph.aclose()
        runtime.db.close()
