"""A real PostgreSQL + PostGIS server for the tests: its own data directory, loopback only.

PostgreSQL refuses to run as root, and CI runs as root: there the server runs as ``nobody`` (no
user is created); elsewhere as the current user. The cluster lives in a fresh temporary directory
owned by that user and is removed when the server stops. Password authentication is on (scram), so
tests exercise real credentials.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "gridgov"


def _pg_bin() -> Path:
    """The installed PostgreSQL's programs: the newest ``/usr/lib/postgresql/NN/bin`` (Debian 12 has 15, 13 has
    17), else the directory ``pg_config --bindir`` names."""
    versions = [
        p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "postgres").exists() and p.parent.name.isdigit()
    ]
    if versions:
        return max(versions, key=lambda p: int(p.parent.name))
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            return Path(result.stdout.strip())
    return Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """Start with :meth:`start`, stop with :meth:`stop` (also removes the data directory)."""

    password: str = "gridgov-test-secret"
    database: str = "city"
    port: int = field(default_factory=_free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gridgov-pg-")))
    run_as: str | None = field(default_factory=lambda: "nobody" if os.geteuid() == 0 else None)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd="/")

    def start(self) -> PostgresServer:
        if not (PG_BIN / "postgres").exists():
            raise RuntimeError(f"PostgreSQL is not installed (no {PG_BIN / 'postgres'}): run `make system`")
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.run_as:
            shutil.chown(self.root, self.run_as)
            shutil.chown(pwfile, self.run_as)
        self.root.chmod(0o700)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}", "--auth=scram-sha-256",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        pwfile.unlink()
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_parallel_workers_per_gather=2 "
            "-c shared_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=256MB"
        )
        result = self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start", check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{self.log_text()}")
        try:
            self.psql("postgres", f"CREATE DATABASE {self.database}")
            self.psql(self.database, "CREATE EXTENSION postgis")
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def dsn(self, database: str | None = None) -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={database or self.database} "
            f"user={SUPERUSER} password={self.password}"
        )

    def connect(self, database: str | None = None):
        import psycopg2

        deadline = time.monotonic() + 10
        while True:
            try:
                connection = psycopg2.connect(self.dsn(database))
                connection.autocommit = True
                return connection
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def psql(self, database: str, statement: str) -> None:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def load_gpkg(self, path: Path, schema: str, layers: list[str] | None = None) -> None:
        """Copy GeoPackage layers into ``schema`` with ogr2ogr (geometry column geom, key fid)."""
        self.psql(self.database, f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        env = {**os.environ, "PGPASSWORD": self.password, "PG_USE_COPY": "YES"}
        target = f"PG:host=127.0.0.1 port={self.port} dbname={self.database} user={SUPERUSER}"
        command = [
            "ogr2ogr", "-f", "PostgreSQL", target, str(path), "-lco", f"SCHEMA={schema}", "-lco", "GEOMETRY_NAME=geom",
            "-lco", "FID=fid", "-lco", "SPATIAL_INDEX=GIST", "-overwrite", "-nlt", "PROMOTE_TO_MULTI",
            "--config", "PG_USE_COPY", "YES", *(layers or []),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"ogr2ogr failed: {result.stderr}")
