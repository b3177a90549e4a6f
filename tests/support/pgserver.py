"""A throwaway PostgreSQL server for one test or benchmark run (DESIGN.md §11).

`initdb` refuses to run as root, so as root the server runs as the `postgres`
system user. It listens on loopback only, with fsync off: the data is disposable.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """The server could not be started; the message says why."""


@dataclass
class PostgresServer:
    bin_dir: Path
    base_dir: Path
    port: int
    _run_as: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(
            [
                *self._run_as,
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.base_dir / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.base_dir, ignore_errors=True)


def find_bin_dir() -> Path | None:
    override = os.environ.get("PG_BIN_DIR")
    candidates = (
        [override] if override else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def start_server() -> PostgresServer:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL server binaries (initdb) found; install the Debian package 'postgresql'"
        )
    base_dir = Path(tempfile.mkdtemp(prefix="passerelle-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base_dir, user="postgres", group="postgres")
    port = _free_port()
    data = base_dir / "data"
    _run(
        run_as,
        bin_dir / "initdb",
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    _run(
        run_as,
        bin_dir / "pg_ctl",
        "-D",
        str(data),
        "-w",
        "-l",
        str(base_dir / "server.log"),
        "start",
        "-o",
        f"-h 127.0.0.1 -p {port} -k {base_dir} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=300",
    )
    return PostgresServer(bin_dir=bin_dir, base_dir=base_dir, port=port, _run_as=run_as)


def _run(run_as: list[str], program: Path, *args: str) -> None:
    result = subprocess.run(
        [*run_as, str(program), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise PostgresUnavailable(f"{program.name} failed: {' | '.join(detail)}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
