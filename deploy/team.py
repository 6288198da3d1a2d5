"""``make team``: a local team deployment to try out, on 127.0.0.1.

JupyterHub with example users in different roles (one shared try-out password, printed), the
campaign worker, the webhook app and the practice simulator as Hub-managed services, and the
database: PostgreSQL when it is installed (a private cluster under ``.team/pg``, or the server
of ``SMSKIT_TEAM_DATABASE_URL``), else SQLite. Ctrl-C stops everything. ``make run`` is unchanged:
one person, no sign-in.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
USERS = "ana:analyst,olu:operator,ida:approver,vic:viewer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres_user() -> list[str]:
    """initdb and postgres refuse to run as root: run them as the ``postgres`` user then."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def start_postgres(folder: Path) -> tuple[str, subprocess.Popen[bytes] | None]:
    """A private PostgreSQL cluster (password auth on 127.0.0.1) and its owner URL, or ("", None)
    when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or (
        [shutil.which("initdb")] if shutil.which("initdb") else []
    )
    if not found:
        return "", None
    bindir = Path(found[-1]).parent
    data, password_file = folder / "data", folder / "owner.password"
    prefix = _as_postgres_user()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(18))
        password_file.chmod(0o600)
    if prefix:
        folder.parent.chmod(0o711)  # postgres may pass through (not list) the team folder
        shutil.chown(folder, "postgres")
        shutil.chown(password_file, "postgres")
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "smskit_owner",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                f"--pwfile={password_file}",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = _free_port()
    log = (folder / "postgres.log").open("ab")
    server = subprocess.Popen(
        [
            *prefix,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-k",
            str(folder),
        ],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    password = password_file.read_text().strip()
    url = f"postgresql+psycopg://smskit_owner:{password}@127.0.0.1:{port}/postgres"
    import sqlalchemy as sa

    deadline = time.monotonic() + 30
    while True:
        try:
            sa.create_engine(url).connect().close()
            return url, server
        except sa.exc.OperationalError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(
                    f"PostgreSQL did not start; see {folder / 'postgres.log'}"
                ) from None
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make team", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dir", type=Path, default=ROOT / ".team")
    parser.add_argument("--sqlite", action="store_true", help="SQLite even if PostgreSQL exists")
    args = parser.parse_args(argv)
    team_dir = args.dir.resolve()
    team_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("SMSKIT_TEAM_USERS", USERS)
    env.setdefault("SMSKIT_TEAM_PASSWORD", secrets.token_urlsafe(9))
    env.update(SMSKIT_TEAM_DIR=str(team_dir), SMSKIT_TEAM_PORT=str(args.port))
    postgres = None
    if env.get("SMSKIT_TEAM_DATABASE_URL"):
        env["SMSKIT_DATABASE_URL"] = env["SMSKIT_TEAM_DATABASE_URL"]
    elif not args.sqlite:
        url, postgres = start_postgres(team_dir / "pg")
        if url:
            env["SMSKIT_DATABASE_URL"] = url
    if not env.get("SMSKIT_DATABASE_URL", "").startswith("postgresql"):
        env["SMSKIT_DATABASE_URL"] = f"sqlite:///{team_dir / 'home' / 'smskit.db'}"
    engine = "PostgreSQL" if env["SMSKIT_DATABASE_URL"].startswith("postgresql") else "SQLite"
    print(f"smskit team: http://127.0.0.1:{args.port}/  database: {engine}", flush=True)
    print(
        f"  users ({env['SMSKIT_TEAM_USERS']}), password: {env['SMSKIT_TEAM_PASSWORD']}", flush=True
    )
    hub = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
        env=env,
        cwd=team_dir,
        start_new_session=True,
    )
    try:
        return hub.wait()
    except KeyboardInterrupt:
        os.killpg(hub.pid, signal.SIGTERM)
        return hub.wait(timeout=60)
    finally:
        if postgres is not None:  # its own process group: runuser does not pass signals on
            os.killpg(postgres.pid, signal.SIGINT)  # PostgreSQL's fast shutdown
            postgres.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
