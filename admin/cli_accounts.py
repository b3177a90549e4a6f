"""`python -m admin create-user` and `set-password`: staff accounts from the server's shell."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from admin.cli_common import french, migrated
from core.clock import SystemClock
from core.config import Settings
from core.db import make_database
from core.models import StaffRole
from core.staff import StaffError, create_staff, resolve_sites
from core.staff_passwords import account_by_email, set_password


def add_account_commands(commands: Any) -> None:
    """Add both commands to the parser's subcommands (argparse's private action type)."""
    create = commands.add_parser(
        "create-user",
        help="create a staff account",
        description="Create a staff account; the password is asked twice, or read from stdin.",
    )
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    create.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="SITE",
        help="a site's code or name; repeat for several (advisers need one at least)",
    )
    create.add_argument("--name", default="", help="the name shown in the panel")
    _password_stdin_option(create)
    create.set_defaults(handler=_create_user)

    reset = commands.add_parser(
        "set-password",
        help="give a staff account a new password",
        description="Give a staff account a new password (a forgotten one, a demo account's).",
    )
    reset.add_argument("--email", required=True)
    _password_stdin_option(reset)
    reset.set_defaults(handler=_set_password)


def _password_stdin_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        print("The two passwords differ.", file=sys.stderr)
        return None
    return first


async def _with_password(
    settings: Settings,
    args: argparse.Namespace,
    change: Callable[[AsyncSession, str], Awaitable[str]],
) -> int:
    """Read the password, make the account change in one transaction, print what it says."""
    password = _password(args)
    if password is None:
        return 1
    database = make_database(settings.database_url)
    try:
        if not await migrated(database):
            return 1
        async with database.transaction() as session:
            done = await change(session, password)
    except StaffError as error:
        print(french(error.message, settings), file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    print(done)
    return 0


async def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    async def create(session: AsyncSession, password: str) -> str:
        sites = await resolve_sites(session, args.site)
        user = await create_staff(
            session,
            email=args.email,
            password=password,
            role=StaffRole(args.role),
            site_ids=[site.id for site in sites if site.id is not None],
            now=SystemClock().now(),
            display_name=args.name,
        )
        where = f" for {', '.join(site.name for site in sites)}" if sites else ""
        return f"Account created: {user.email} ({user.role.value}){where}."

    return await _with_password(settings, args, create)


async def _set_password(settings: Settings, args: argparse.Namespace) -> int:
    async def reset(session: AsyncSession, password: str) -> str:
        user = await account_by_email(session, args.email)
        await set_password(session, user, password, now=SystemClock().now())
        return f"New password set for {user.email}."

    return await _with_password(settings, args, reset)
