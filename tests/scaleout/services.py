"""Private PostgreSQL and Redis servers on loopback, for the scale-out test.

Each one lives in its own temporary directory, listens only on 127.0.0.1 on a free port,
needs a random password, and is stopped (and its directory removed) by ``stop()``.
Nothing here touches the system's own PostgreSQL cluster or Redis service.

Debian's packages provide the programs (``bash scripts/install_scaleout_deps.sh``).
PostgreSQL refuses to run as root, so when we are root the server runs as the
``postgres`` OS user (``runuser``), in a directory owned by that user.

    with PostgresServer() as pg, RedisServer() as redis:
        print(pg.env(), redis.env())   # the POSTGRES_* / REDIS_* variables for rasa run
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, TypeVar

from ops.stack import free_port, log_tail, stop_process

INSTALL_HINT = "run `bash scripts/install_scaleout_deps.sh` (Debian packages postgresql, redis-server)"


class ServiceError(RuntimeError):
    pass


def postgres_bindir() -> Path:
    """The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if not found:
        which = shutil.which("initdb")
        if which is None:
            raise ServiceError(f"PostgreSQL server programs (initdb) not found: {INSTALL_HINT}")
        return Path(which).resolve().parent
    return Path(found[-1]).parent


def redis_server_bin() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise ServiceError(f"redis-server not found: {INSTALL_HINT}")
    return found


T = TypeVar("T", bound="_ThrowAwayServer")


class _ThrowAwayServer:
    """A server that lives for one test session: ``with Server() as s:`` starts and removes it."""

    def start(self: T) -> T:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: T) -> T:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PostgresServer(_ThrowAwayServer):
    """A throw-away PostgreSQL cluster: one database and one password-protected user."""

    def __init__(self, db: str = "rasa", user: str = "rasa", os_user: str = "postgres") -> None:
        self.db = db
        self.user = user
        self.password = secrets.token_urlsafe(24)
        self.host = "127.0.0.1"
        self.port = free_port()
        self.bindir = postgres_bindir()
        self.as_root = os.geteuid() == 0
        self.os_user = os_user
        self.base: Optional[Path] = None

    # -- paths -------------------------------------------------------------------------
    @property
    def datadir(self) -> Path:
        assert self.base is not None
        return self.base / "data"

    @property
    def sockdir(self) -> Path:
        assert self.base is not None
        return self.base / "sock"

    @property
    def logfile(self) -> Path:
        assert self.base is not None
        return self.base / "postgres.log"

    def _cmd(self, args: List[str]) -> List[str]:
        return ["runuser", "-u", self.os_user, "--", *args] if self.as_root else args

    def _run(self, args: List[str], what: str, input_text: Optional[str] = None) -> None:
        done = subprocess.run(self._cmd(args), input=input_text, capture_output=True, text=True,
                              cwd=self.base)
        if done.returncode != 0:
            raise ServiceError(f"PostgreSQL {what} failed ({done.returncode}):\n{done.stdout}\n"
                               f"{done.stderr}\n{log_tail(self.logfile, 20)}")

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> "PostgresServer":
        # /tmp itself, not pytest's root-only tmp dir: the postgres user must reach it
        self.base = Path(tempfile.mkdtemp(prefix="mzc-pg-"))
        self.sockdir.mkdir()
        if self.as_root:
            try:
                account = pwd.getpwnam(self.os_user)
            except KeyError:
                raise ServiceError(f"OS user {self.os_user!r} missing: {INSTALL_HINT}") from None
            for path in (self.base, self.sockdir):
                os.chown(path, account.pw_uid, account.pw_gid)
        os.chmod(self.base, 0o700)
        # superuser "postgres" over the private socket only (the directory is 0700);
        # TCP on 127.0.0.1 needs the password (scram-sha-256)
        self._run([str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"], "initdb")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                   f"-c unix_socket_directories={self.sockdir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
                   "-o", options, "-w", "-t", "60", "start"], "start")
        # identifiers are fixed names and the password is url-safe base64, so no quoting issues
        sql = (f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}';\n"
               f"CREATE DATABASE {self.db} OWNER {self.user};\n")
        self._run([str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                   "-h", str(self.sockdir), "-p", str(self.port), "-U", "postgres", "-d", "postgres"],
                  "create user and database", input_text=sql)
        return self

    def stop(self) -> None:
        if self.base is None:
            return
        if (self.datadir / "postmaster.pid").exists():
            try:
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir),
                           "-m", "fast", "-w", "-t", "30", "stop"], "stop")
            except ServiceError:
                pass
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None

    # -- use -----------------------------------------------------------------------------
    def env(self) -> Dict[str, str]:
        """The variables config/endpoints.production.yml reads."""
        return {"POSTGRES_HOST": self.host, "POSTGRES_PORT": str(self.port),
                "POSTGRES_DB": self.db, "POSTGRES_USER": self.user,
                "POSTGRES_PASSWORD": self.password}

    def connect(self):  # -> psycopg2 connection (over TCP, with the password, like Rasa)
        import psycopg2
        return psycopg2.connect(host=self.host, port=self.port, dbname=self.db,
                                user=self.user, password=self.password)


class RedisServer(_ThrowAwayServer):
    """A throw-away redis-server: loopback only, protected mode, a password, no persistence."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.password = secrets.token_urlsafe(24)
        self.base: Optional[Path] = None
        self.proc: Optional[subprocess.Popen] = None

    @property
    def logfile(self) -> Path:
        assert self.base is not None
        return self.base / "redis.log"

    def start(self) -> "RedisServer":
        self.base = Path(tempfile.mkdtemp(prefix="mzc-redis-"))
        conf = self.base / "redis.conf"
        # the password goes in a 0600 file, not on the command line (visible in ps)
        conf.touch(mode=0o600)
        conf.write_text("\n".join([
            "bind 127.0.0.1", f"port {self.port}", "protected-mode yes",
            f"requirepass {self.password}", 'save ""', "appendonly no",
            f"dir {self.base}", f"logfile {self.logfile}", "daemonize no", "",
        ]), encoding="utf-8")
        self.proc = subprocess.Popen([redis_server_bin(), str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, cwd=self.base)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServiceError(f"redis-server exited ({self.proc.returncode}):\n{log_tail(self.logfile, 20)}")
            try:
                if self.client().ping():
                    return self
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.1)
        raise ServiceError(f"redis-server not ready after 30 s:\n{log_tail(self.logfile, 20)}")

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def env(self) -> Dict[str, str]:
        return {"REDIS_HOST": self.host, "REDIS_PORT": str(self.port),
                "REDIS_PASSWORD": self.password}

    def client(self, db: int = 1, **kwargs):  # -> redis.Redis
        import redis
        kwargs.setdefault("socket_timeout", 5)
        return redis.Redis(host=self.host, port=self.port, db=db, password=self.password, **kwargs)
