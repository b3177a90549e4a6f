"""`python -m admin`: serve the staff panel, import slots; staff accounts in `cli_accounts`.

`run` is what `make run` starts: the panel, plus the bot (`python -m bot run`) in a
second process when BOT_TOKEN is set; Ctrl-C stops both.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import secrets
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from admin.cli_accounts import add_account_commands
from admin.cli_common import EXIT_CONFIG, Command, french, migrated
from core.clock import SystemClock
from core.config import ConfigError, Settings, load_settings
from core.db import make_database
from core.demo_staff import demo_accounts
from core.i18n import CatalogError, Catalogs
from core.models import StaffUser
from core.staff import normalize_email

if TYPE_CHECKING:
    import uvicorn

BOT_STOP_SECONDS = 15


# -- serve and run ----------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _with_secret_key(settings: Settings, host: str) -> Settings | None:
    """The settings to serve with; a random key for a local demo, None to refuse."""
    if settings.admin_secret_key:
        return settings
    if not _is_loopback(host):
        print(
            "ADMIN_SECRET_KEY is empty: set it to a long random value to serve the panel "
            f"on {host} (without it, only a local demo on 127.0.0.1 can run).",
            file=sys.stderr,
        )
        return None
    print(
        "ADMIN_SECRET_KEY is empty: this local demo signs its sessions with a random key "
        "made for this run, so logins end when the panel stops. Set it for any real use."
    )
    return settings.model_copy(update={"admin_secret_key": secrets.token_urlsafe(32)})


async def _serve_panel(
    settings: Settings, host: str, port: int, on_started: Callable[[], None]
) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    import uvicorn

    from admin.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    # uvicorn says it has started only through this flag.
    while not server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if server.started:
        on_started()
    return server, serving


def _ready(settings: Settings, host: str, port: int) -> Settings | None:
    try:
        Catalogs()
    except CatalogError as error:
        print(error, file=sys.stderr)
        return None
    return _with_secret_key(settings, host)


async def _serve(settings: Settings, args: argparse.Namespace) -> int:
    ready = _ready(settings, args.host, args.port)
    if ready is None:
        return EXIT_CONFIG
    _, serving = await _serve_panel(
        ready, args.host, args.port, lambda: print(_panel_url(args.host, args.port), flush=True)
    )
    await serving
    return 0


def _panel_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"Staff panel: http://{shown}:{port}/"


def _this_python() -> str:
    """This interpreter as typed from the project's folder (`.venv/bin/python` after `make run`),
    so a command we print can be pasted as it is."""
    try:
        return str(Path(sys.executable).relative_to(Path.cwd()))
    except ValueError:
        return sys.executable


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    ready = _ready(settings, args.host, args.port)
    if ready is None:
        return EXIT_CONFIG

    def started() -> None:
        print(_panel_url(args.host, args.port))
        if not settings.has_bot_token:
            emails = ", ".join(account.email for account in demo_accounts())
            print(f"Demo accounts (passwords printed when they were created): {emails}")
            print(f"Lost one? {_this_python()} -m admin set-password --email EMAIL")
            print("No BOT_TOKEN set: only the panel runs. Press Ctrl-C to stop.", flush=True)

    server, serving = await _serve_panel(ready, args.host, args.port, started)
    if not settings.has_bot_token:
        await serving
        return 0
    bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run")
    print("The bot runs alongside the panel. Press Ctrl-C to stop both.", flush=True)
    try:
        bot_exit = asyncio.create_task(bot.wait())
        await asyncio.wait({serving, bot_exit}, return_when=asyncio.FIRST_COMPLETED)
        if bot_exit.done():
            print(f"The bot stopped (exit status {bot.returncode}): stopping the panel.")
            server.should_exit = True
            await serving
            return bot.returncode or 1
        return 0
    finally:
        # Also on Ctrl-C, which cancels this task once the panel has shut down.
        await _stop(bot)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)  # the bot's clean stop: in-flight updates are answered
    try:
        await asyncio.wait_for(process.wait(), BOT_STOP_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


# -- import-slots -----------------------------------------------------------------------------


class _Rollback(Exception):
    pass


async def _import_slots(settings: Settings, args: argparse.Namespace) -> int:
    from sqlmodel import col, select

    from core.slot_import import import_slots

    try:
        csv_text = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"Cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    database = make_database(settings.database_url)
    try:
        if not await migrated(database):
            return 1
        async with database.transaction() as session:
            staff_id = None
            if args.as_email:
                email = normalize_email(args.as_email)
                staff_id = await session.scalar(
                    select(StaffUser.id).where(col(StaffUser.email) == email)
                )
                if staff_id is None:
                    print(f"No staff account has the email {email}.", file=sys.stderr)
                    return 1
            report = await import_slots(
                session,
                csv_text,
                now=SystemClock().now(),
                settings=settings,
                by_staff_id=staff_id,
            )
            if report.errors:
                raise _Rollback
    except _Rollback:
        for row_error in report.errors:
            reason = french(row_error.reason, settings)
            print(f"line {row_error.line}: {reason}", file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    print(f"{report.created} slots imported.")
    return 0


# -- the parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m admin", description="Passerelle's staff panel."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, handler, description in (
        ("serve", _serve, "Serve the staff panel."),
        ("run", _run, "Serve the panel and, when BOT_TOKEN is set, run the bot beside it."),
    ):
        command = commands.add_parser(name, help=description.lower(), description=description)
        command.add_argument("--host", default="127.0.0.1", help="address to listen on")
        command.add_argument("--port", type=int, default=8000, help="port to listen on")
        command.set_defaults(handler=handler)

    add_account_commands(commands)

    slots = commands.add_parser(
        "import-slots",
        help="import slots from a CSV file",
        description="Import slots from a CSV file; nothing is imported unless every row is valid.",
    )
    slots.add_argument("file", metavar="FILE.csv")
    slots.add_argument("--as", dest="as_email", metavar="EMAIL", help="the staff account importing")
    slots.set_defaults(handler=_import_slots)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    handler: Command = args.handler
    try:
        return asyncio.run(handler(settings, args))
    except KeyboardInterrupt:
        return 130
