"""`webinar-bot serve | demo | doctor`: the command line of the contract."""

from __future__ import annotations

import argparse
import contextlib
import sys

from bot.config import ConfigError, load_settings, missing_for_serve
from bot.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="webinar-bot", description="Microsoft Teams webinars from Slack.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the app (HTTP: /slack/events, /graph/notifications, ...)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--sandbox", action="store_true", help="run against the built-in Graph and Slack stand-ins")
    sub.add_parser("demo", help="run a scripted scenario against the sandbox and print the channel feed")
    sub.add_parser("doctor", help="check configuration and reachability of Slack and Graph")
    sync = sub.add_parser("sync", help="diff a webinar with Graph now; changes go to following channels")
    sync.add_argument("webinar", help="handle (w3) or Graph webinar id")
    export = sub.add_parser("export", help="write a webinar's registrations (answers, attendance) as CSV")
    export.add_argument("webinar", help="handle (w3) or Graph webinar id")
    export.add_argument("--out", required=True, help="file to write ('-' for standard output)")
    args = parser.parse_args(argv)

    try:
        if args.command == "serve":
            return serve_command(args)
        if args.command == "demo":
            from bot.demo import run_demo

            return run_demo()
        if args.command in ("sync", "export"):
            from bot.data_commands import run_data_command

            return run_data_command(load_settings(), args)
        from bot.doctor import run_doctor

        return run_doctor(load_settings())
    except ConfigError as error:
        print(f"webinar-bot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def serve_command(args) -> int:
    if args.sandbox:
        return serve_sandbox(args.port)
    settings = load_settings()
    missing = missing_for_serve(settings)
    if missing:
        print(f"webinar-bot: missing settings: {', '.join(missing)} (see .env.example). "
              "To try it without any accounts, run `webinar-bot demo` or `webinar-bot serve --sandbox`.",
              file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    import uvicorn

    from bot.app import create_app
    from bot.graph.auth import token_source_for

    uvicorn.run(create_app(settings, tokens=token_source_for(settings)), host=args.host, port=args.port,
                log_level="warning", proxy_headers=True, forwarded_allow_ips="*")
    return 0


def serve_sandbox(port: int) -> int:
    import threading

    from bot.sandbox.stack import SandboxStack

    setup_logging("INFO")
    with SandboxStack(db_path="./webinar-bot-sandbox.db", app_port=port) as stack:
        print(f"webinar-bot (sandbox) on {stack.app_url}\n  Graph stand-in {stack.graph_url}\n"
              f"  Slack stand-in {stack.slack_server.url}/api/\nCtrl-C stops.")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
