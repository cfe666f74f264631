"""A throwaway PostgreSQL server: Debian's binaries, a temporary directory, loopback only.

``make postgres`` installs the binaries. The server listens on 127.0.0.1 with password
authentication, and runs in a time zone that is not UTC so timestamp handling is tested.
It can be stopped and started again on the same port (an outage, then recovery).
"""

from __future__ import annotations

import glob
import itertools
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.services.process import free_port

START_TIMEOUT = 60
USER = "legends"
PASSWORD = "legends-test-pw"
# Five and a half hours ahead of UTC: timestamps read back in server time are not UTC.
SERVER_TIME_ZONE = "Asia/Kolkata"
_database_numbers = itertools.count(1)


def find_initdb() -> Path:
    """Debian's ``initdb`` (newest version), or one on PATH; fail clearly if missing."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    found = candidates[-1] if candidates else shutil.which("initdb")
    if not found:
        pytest.fail(
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH): "
            "run `make postgres` (apt-get install postgresql)",
            pytrace=False,
        )
    return Path(found).resolve()


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; as root, run its tools as the postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str], cwd: Path, timeout: float = START_TIMEOUT) -> None:
    result = subprocess.run(
        _as_postgres(command), cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )


def _owned_by_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@dataclass
class PostgresServer:
    """A PostgreSQL server owned by this test run."""

    directory: Path
    bin_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    start_seconds: float = 0.0
    _options: str = field(default="", repr=False)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str) -> str:
        """A plain ``postgresql://`` URL, as a user would write in LEGENDS_DATABASE_URL."""
        return f"postgresql://{USER}:{PASSWORD}@{self.host}:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=USER,
            password=PASSWORD,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self) -> str:
        """A new, empty database; its name."""
        name = f"legends_{os.getpid()}_{next(_database_numbers)}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, closing any connection a test left open."""
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _pg_ctl(self, *args: str, timeout: float = START_TIMEOUT + 10) -> None:
        _run([str(self.bin_dir / "pg_ctl"), *args, "-D", str(self.data)], self.directory, timeout)

    def start(self) -> None:
        """Start the server (again, on the same port after :meth:`stop`); wait for logins."""
        log = self.directory / "server.log"
        self._pg_ctl("start", "-w", "-t", str(START_TIMEOUT), "-l", str(log), "-o", self._options)
        self._wait_until_ready()

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; its data stays for :meth:`start`."""
        self._pg_ctl("stop", "-m", mode, "-w", timeout=30)

    def destroy(self) -> None:
        """Stop the server if it runs, and delete its directory."""
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except (RuntimeError, subprocess.TimeoutExpired):
                # Our own postmaster only: its pid is the first line of postmaster.pid.
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, 9)
        shutil.rmtree(self.directory, ignore_errors=True)

    def _wait_until_ready(self) -> None:
        # pg_ctl -w already waited; a real login over TCP proves the password path works.
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with self._admin() as connection:
                    connection.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


def start_postgres() -> PostgresServer:
    """initdb into a fresh directory, start the server on a free loopback port, wait."""
    initdb = find_initdb()
    started = time.perf_counter()
    directory = Path(tempfile.mkdtemp(prefix="legends-pg-"))
    _owned_by_postgres(directory)
    server = PostgresServer(directory, initdb.parent)
    password_file = directory / "password"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    _owned_by_postgres(password_file)
    sockets = directory / "sockets"
    sockets.mkdir()
    _owned_by_postgres(sockets)
    try:
        _run(
            [str(initdb), "-D", str(server.data), "-U", USER, f"--pwfile={password_file}",
             "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            cwd=directory,
        )  # fmt: skip
        # initdb's pg_hba.conf also allows ::1; listen_addresses keeps it to 127.0.0.1.
        for attempt in range(3):  # a free port can be taken before the server binds it
            server.port = free_port()
            server._options = " ".join(
                f"-c {shlex.quote(setting)}"
                for setting in (
                    "listen_addresses=127.0.0.1",
                    f"port={server.port}",
                    f"unix_socket_directories={sockets}",
                    f"timezone={SERVER_TIME_ZONE}",
                    # A throwaway server: durability only slows the tests down.
                    "fsync=off",
                    "synchronous_commit=off",
                    "full_page_writes=off",
                )
            )
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 2:
                    log = directory / "server.log"
                    raise RuntimeError(
                        "PostgreSQL did not start:\n"
                        + (log.read_text(errors="replace")[-3000:] if log.exists() else "")
                    ) from None
    except BaseException:
        server.destroy()
        raise
    server.start_seconds = time.perf_counter() - started
    return server
