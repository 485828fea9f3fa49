"""A real, throwaway PostgreSQL + PostGIS server for the database tests (Debian's packages, no mock).

One cluster per test session: ``initdb`` into a fresh temporary folder, ``pg_ctl start`` on a free
127.0.0.1 port with its socket in that folder, password (SCRAM) authentication on TCP so that wrong
passwords really fail, and ``pg_ctl stop`` plus removal of the folder at the end. PostgreSQL refuses to
run as root, so under root (CI, this machine) the server runs as the ``postgres`` OS user that the Debian
package creates. Each test gets its own database cloned from a template that already has PostGIS, which
takes a fraction of a second instead of ``CREATE EXTENSION postgis`` every time.

The packages come from scripts/apt-packages.txt (postgresql-N, postgresql-N-postgis-3, python3-psycopg2
with N the release's major: 15 on Debian 12, 17 on Debian 13), which ``make test`` / ``.ci/run`` install;
the newest installed major that has PostGIS is used. Without them the tests skip and say so.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRESQL_LIB = Path("/usr/lib/postgresql")
POSTGRESQL_SHARE = Path("/usr/share/postgresql")


def _installed_major() -> str | None:
    """The newest PostgreSQL major with both its server binaries and PostGIS installed (Debian's layout)."""
    majors = sorted(
        (path.parent.parent.name for path in POSTGRESQL_LIB.glob("*/bin/initdb") if path.parent.parent.name.isdigit()),
        key=int,
        reverse=True,
    )
    with_postgis = [major for major in majors if (POSTGRESQL_SHARE / major / "extension" / "postgis.control").exists()]
    return (with_postgis or majors or [None])[0]


PG_MAJOR = _installed_major()
PG_BIN = Path(os.environ.get("GIMPO_PG_BIN", POSTGRESQL_LIB / (PG_MAJOR or "N") / "bin"))
SUPERUSER = "gimpo_admin"
SUPERUSER_PASSWORD = "test-only-secret"
TEMPLATE_DB = "gimpo_template_postgis"
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class PostgisCluster:
    """Where the session's server listens, and how to reach it as its superuser."""

    host: str
    port: int
    user: str
    password: str
    folder: Path

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        user = user or self.user
        password = self.password if password is None else password
        return f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg2

        connection = psycopg2.connect(self.url(database), connect_timeout=10)
        connection.autocommit = True
        return connection


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL will not run as root: under root, run it as the Debian ``postgres`` user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], timeout: float = START_TIMEOUT_S) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _missing_requirements() -> str | None:
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN} (make setup installs postgresql-N for this Debian)"
    major = PG_MAJOR or "N"
    if not (POSTGRESQL_SHARE / major / "extension" / "postgis.control").exists():
        return f"PostGIS extension not installed for PostgreSQL {major} (apt-get install postgresql-{major}-postgis-3)"
    try:
        import psycopg2  # noqa: F401 - only checking that it is there
    except ImportError:
        return "psycopg2 not importable (apt-get install python3-psycopg2)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root but there is no 'postgres' OS user to run the server as"
    return None


def _start_cluster(folder: Path) -> PostgisCluster:
    data = folder / "data"
    socket_dir = folder / "socket"
    data.mkdir()
    socket_dir.mkdir()
    password_file = folder / "pwfile"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        for path in (folder, data, socket_dir, password_file):
            os.chown(path, server_user.pw_uid, server_user.pw_gid)
    _run(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
    )
    last_error: Exception | None = None
    for _attempt in range(3):  # the free port can be taken between probing and binding it
        port = _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={socket_dir} -c fsync=off"
        try:
            _run(
                [
                    str(PG_BIN / "pg_ctl"),
                    "start",
                    "-w",
                    "-t",
                    str(START_TIMEOUT_S),
                    "-D",
                    str(data),
                    "-l",
                    str(folder / "server.log"),
                    "-o",
                    options,
                ]
            )
        except RuntimeError as exc:
            last_error = exc
            continue
        return PostgisCluster("127.0.0.1", port, SUPERUSER, SUPERUSER_PASSWORD, folder)
    log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
    raise RuntimeError(f"PostgreSQL did not start: {last_error}\n{log}")


def _stop_cluster(folder: Path) -> None:
    with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
        _run([str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-w", "-D", str(folder / "data")], timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgis_cluster() -> Iterator[PostgisCluster]:
    """A running PostgreSQL (the installed major) + PostGIS server for this session, removed afterwards."""
    missing = _missing_requirements()
    if missing:
        pytest.skip(missing)
    # Not pytest's tmp_path: that lives under a root-only folder the postgres user cannot enter.
    folder = Path(tempfile.mkdtemp(prefix="gimpo-pg-"))
    try:
        cluster = _start_cluster(folder)
    except BaseException:
        _stop_cluster(folder)
        raise
    try:
        with contextlib.closing(cluster.connect()) as admin, admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {TEMPLATE_DB}")
        with contextlib.closing(cluster.connect(TEMPLATE_DB)) as template, template.cursor() as cursor:
            cursor.execute("CREATE EXTENSION postgis")
        yield cluster
    finally:
        _stop_cluster(folder)


@contextlib.contextmanager
def fresh_database(cluster: PostgisCluster) -> Iterator[str]:
    """A new database with PostGIS (cloned from the template), as a ``postgresql://`` URI; dropped after."""
    name = f"gimpo_test_{uuid.uuid4().hex[:12]}"
    with contextlib.closing(cluster.connect()) as admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
    try:
        yield cluster.url(name)
    finally:
        with contextlib.closing(cluster.connect()) as admin, admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgis_url(postgis_cluster: PostgisCluster) -> Iterator[str]:
    """A fresh database with PostGIS in it, as a ``postgresql://`` URI (dropped after the test)."""
    with fresh_database(postgis_cluster) as url:
        yield url


def same_geometries(left, right) -> bool:
    """Row by row identical coordinates (empty equals empty, which ``equals_exact`` alone says is not)."""
    import shapely

    left, right = left.to_numpy(), right.to_numpy()
    both_empty = shapely.is_empty(left) & shapely.is_empty(right)
    both_missing = shapely.is_missing(left) & shapely.is_missing(right)
    return bool((both_empty | both_missing | shapely.equals_exact(left, right, tolerance=0)).all())
