"""`python -m bot`: the command line of the bot side of Passerelle."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from core import migrate
from core.clock import SystemClock
from core.config import ConfigError, Settings, load_settings
from core.db import make_database
from core.demo import seed_demo
from core.demo_staff import DemoStaffReport, seed_demo_staff
from core.outbox import outbox_report

EXIT_CONFIG = 2

Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]


async def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    database = make_database(settings.database_url)
    try:
        await migrate.upgrade(database)
        revision = await migrate.current_revision(database)
    finally:
        await database.dispose()
    print(f"Database is at revision {revision}.")
    return 0


async def _seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    database = make_database(settings.database_url)
    try:
        if await migrate.current_revision(database) != migrate.head_revision():
            print(
                "The database is not up to date: run `python -m bot migrate` first.",
                file=sys.stderr,
            )
            return 1
        report = await seed_demo(database, SystemClock(), settings, if_empty=args.if_empty)
        staff = await seed_demo_staff(database, SystemClock(), only_if_no_staff=args.if_empty)
    finally:
        await database.dispose()
    if report.skipped:
        print("Demo data already present: nothing to do.")
    else:
        print(
            f"Demo data: {report.sites} sites, {report.partners} partners, "
            f"{report.series} series and {report.slots} slots added."
        )
    _print_demo_staff(staff)
    return 0


def _print_demo_staff(report: DemoStaffReport) -> None:
    if report.created:
        print("Demo staff accounts of the panel; write the passwords down, they are shown once:")
        width = max(len(login.email) for login in report.created)
        for login in report.created:
            sites = f"  ({', '.join(login.site_names)})" if login.site_names else ""
            print(f"  {login.role.value:<12}{login.email:<{width}}  {login.password}{sites}")
    elif report.existing:
        print(
            "Demo staff accounts already exist; their passwords were printed when they were "
            "created (`python -m admin create-user` makes another account)."
        )


async def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.terminal_chat import run_terminal_chat

    return await run_terminal_chat(
        settings, stdin=sys.stdin, stdout=sys.stdout, user_id=args.user_id
    )


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.has_bot_token:
        print("No BOT_TOKEN set: starting the local demo chat (type /aide for help).")
        return await _chat(settings, args)
    from bot.serve import serve

    return await serve(settings, dispatcher=not args.no_dispatcher)


async def _dispatcher(settings: Settings, args: argparse.Namespace) -> int:
    if args.status:
        return await _outbox_status(settings)
    if not settings.has_bot_token:
        print("The dispatcher sends through Telegram: set BOT_TOKEN.", file=sys.stderr)
        return EXIT_CONFIG
    from bot.serve import dispatch

    return await dispatch(settings)


async def _outbox_status(settings: Settings) -> int:
    database = make_database(settings.database_url)
    try:
        async with database.reading() as session:
            report = await outbox_report(session, SystemClock().now())
    finally:
        await database.dispose()
    for status, count in report.by_status.items():
        print(f"{status.value:<10}{count:>8}")
    print(f"{'due now':<10}{report.due:>8}  ({report.in_flight} being sent)")
    oldest = report.oldest_due_at
    print(f"oldest pending due at: {oldest.isoformat(timespec='seconds') if oldest else '-'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Passerelle, the Mission Locale assistant on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate_parser = commands.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Apply every pending schema migration.",
    )
    migrate_parser.set_defaults(handler=_migrate)

    seed = commands.add_parser(
        "seed-demo",
        help="add the demonstration sites, partners and slots",
        description="Add demonstration data; running it again only adds what is missing.",
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database already has sites"
    )
    seed.set_defaults(handler=_seed_demo)

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in this terminal, without Telegram",
        description="A terminal chat over the same engine and database as the Telegram bot. "
        "Type a button's number to tap it. Input can be piped, one line per message.",
    )
    chat.add_argument(
        "--user-id", type=int, default=1, help="the Telegram user id to play (default: 1)"
    )
    chat.set_defaults(handler=_chat)

    run = commands.add_parser(
        "run",
        help="run the bot (the local demo chat when BOT_TOKEN is not set)",
        description="Serve the bot. With no BOT_TOKEN, start the local demo chat.",
    )
    run.add_argument("--user-id", type=int, default=1, help=argparse.SUPPRESS)
    run.add_argument(
        "--no-dispatcher",
        action="store_true",
        help="do not send reminders from this process (run `python -m bot dispatcher` elsewhere)",
    )
    run.set_defaults(handler=_run)

    dispatcher = commands.add_parser(
        "dispatcher",
        help="send the due reminders and notices, without serving the bot",
        description="Send the outbox's due messages through Telegram. Any number of "
        "dispatchers may share one database.",
    )
    dispatcher.add_argument(
        "--status",
        action="store_true",
        help="print the messages by status and the oldest pending one, then exit",
    )
    dispatcher.set_defaults(handler=_dispatcher)
    return parser


def _serves(args: argparse.Namespace) -> bool:
    return args.handler is _run or (args.handler is _dispatcher and not args.status)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=logging.INFO if _serves(args) and settings.has_bot_token else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler logs every run of the dispatcher's tick at INFO: every 5 seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    handler: Command = args.handler
    try:
        return asyncio.run(handler(settings, args))
    except ConfigError as error:
        # Settings that only matter to one command (the webhook's) are checked by it.
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
