"""Serve the dashboards with Voilà on loopback, landing on Start: ``smskit serve``.

Plain ``voila notebooks/`` opens on Voilà's file list. This launcher is Voilà 0.5's own standalone
application with one extra Tornado route, added ahead of Voilà's: ``/`` redirects (302, query string
kept, so ``/?lang=id`` works) to ``/voila/render/start.ipynb``. Everything else is Voilà unchanged.

Why not run Voilà as a Jupyter server extension with ``ServerApp.default_url``? That would also
serve Jupyter's REST API (contents, kernels, terminals) next to the dashboards, guarded only by a
token. Standalone Voilà serves nothing but the notebooks it renders and their kernels, and we bind
it to 127.0.0.1 only.

Before Voilà starts, the shared built-in Twilio simulator is started (``smskit.simulator.shared()``)
when that module provides it, so dashboards work with no account; kernels inherit its environment.
A sending worker (``smskit worker``) starts beside Voilà in its own process: campaigns confirmed in
a dashboard are sent by it, so closing a tab or restarting Voilà never stops a send. Its log is
``$SMSKIT_HOME/worker.log``; ``--no-worker`` leaves sending to workers started elsewhere.
"""

from __future__ import annotations

import argparse
import importlib.resources
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from voila.app import Voila

NOTEBOOKS = Path(str(importlib.resources.files("smskit_widgets.notebooks")))
LANDING = "voila/render/start.ipynb"
LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8866
log = logging.getLogger("smskit.serve")


class SmskitVoila(Voila):
    """Voilà serving the dashboard notebooks, where ``/`` lands on the Start dashboard."""

    def init_handlers(self) -> list[tuple[Any, ...]]:
        handlers = super().init_handlers()
        landing = url_path_join(self.base_url, LANDING)
        # Tornado tries routes in order, so this wins over Voilà's file-list handler at "/".
        redirect = {"url": landing, "permanent": False}
        return [(url_path_join(self.server_url, "/?"), RedirectHandler, redirect), *handlers]


def start_shared_simulator() -> object | None:
    """Start the built-in simulator if ``smskit.simulator.shared()`` exists; return its handle."""
    try:
        from smskit import simulator
    except ImportError:
        return None
    shared = getattr(simulator, "shared", None)
    if not callable(shared):
        log.warning("smskit.simulator.shared() is not available: dashboards start their own")
        return None
    handle: object = shared()
    return handle


def start_worker(home: Path | None = None) -> subprocess.Popen[bytes]:
    """Start ``smskit worker`` in its own process group, logging to ``$SMSKIT_HOME/worker.log``."""
    from smskit.store.connection import private_folder, smskit_home

    folder = private_folder(home or smskit_home())
    with (folder / "worker.log").open("ab") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "smskit.cli", "worker"],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(worker: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM: the worker finishes its in-flight sends, records them and exits."""
    if worker is None or worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()


def voila_argv(port: int, notebooks: Path = NOTEBOOKS) -> list[str]:
    """The Voilà command line: loopback only, no browser, no tracebacks shown to users."""
    return [
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={LOOPBACK}",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        str(notebooks),
    ]


def main(argv: list[str] | None = None) -> None:
    """Parse ``--port``, start the simulator, then run Voilà until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="smskit serve", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="loopback port to serve on")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-worker", action="store_true", help="do not start a sending worker beside Voilà"
    )
    args = parser.parse_args(argv)
    simulator = start_shared_simulator()
    worker = None if args.no_worker else start_worker()
    print(f"smskit dashboards: http://{LOOPBACK}:{args.port}/  (Ctrl-C to stop)", flush=True)
    try:
        SmskitVoila.launch_instance(voila_argv(args.port, args.notebooks))
    finally:
        stop_worker(worker)
        stop = getattr(simulator, "stop", None)
        if callable(stop):
            stop()


if __name__ == "__main__":
    main(sys.argv[1:])
