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
import functools
import importlib.resources
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path
from jupyter_server.utils import url_path_join
from smskit_widgets.page_kernels import (
    CLOSED_PAGE_TIMEOUT,
    CULL_INTERVAL,
    OPEN_PAGE_TIMEOUT,
    ready_pool_size,
)
from tornado.web import RedirectHandler
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

NOTEBOOKS = Path(str(importlib.resources.files("smskit_widgets.notebooks")))
# Our index.html.j2, found ahead of Voilà's lab template that it extends (see its header).
PAGE_TEMPLATE = Path(str(importlib.resources.files("smskit_widgets"))) / "voila_template"
LANDING = "voila/render/start.ipynb"
LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8866
DEFAULT_POOL_SIZE = 1  # one waiting kernel per dashboard: ~7 x 110 MB while idle
HIDDEN_TAGS = ["checked-fact"]
# The only JupyterLab extensions a page loads: ipywidgets' and Voilà's widget managers. Every
# extension installed beside them (jupyterlab_pygments here; more in a data scientist's
# environment) would otherwise cost each page its remoteEntry.js and chunks before any widget.
PAGE_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
REFILL_DELAY = 2.0
# The scripts every dashboard page asks for only after its `load` event, one request after the
# other (voila.js, then the widget managers' remoteEntry.js, then their chunks, then Voilà's
# chunks once the kernel is connected): measured in Chromium, the same 28 on every dashboard with
# Voilà 0.5.13 and jupyterlab_widgets 3.0. The page preloads them (low priority) as soon as its
# HTML ends, so they are in the cache when asked for. Those missing from this installation are
# left out (:func:`late_scripts`); tests/browser/test_page_load.py fails when the list is stale.
LATE_SCRIPTS = (
    *(
        f"labextensions/@jupyter-widgets/jupyterlab-manager/static/{name}.js?v={version}"
        for name, version in (
            ("7.2a0ce575775f5aad", "2a0ce575775f5aad"),
            ("704.6a820cc839aca480", "6a820cc839aca480"),
            ("170.3ff9ceddc3770116", "3ff9ceddc3770116"),
            ("84.09c61a35dce1705f", "09c61a35dce1705f"),
            ("32.3281b05d23655ae8", "3281b05d23655ae8"),
            ("452.1926530ab7f8e046", "1926530ab7f8e046"),
            ("967.38afcd794ba10728", "38afcd794ba10728"),
            ("160.235911d8e26dc735", "235911d8e26dc735"),
            ("718.a7a3f80ef4813fab", "a7a3f80ef4813fab"),
            ("121.5c5a442bc10a67ee", "5c5a442bc10a67ee"),
        )
    ),
    "labextensions/@voila-dashboards/widgets-manager8/static/883.369fbd92285483263252.js"
    "?v=369fbd92285483263252",
    "labextensions/@voila-dashboards/widgets-manager8/static/496.ad7666673ba278088e95.js"
    "?v=ad7666673ba278088e95",
    *(
        f"static/{chunk}.voila.js"
        for chunk in (4371, 2829, 7259, 6074, 4875, 4486, 6305, 7393, 225, 614, 1996, 2121)
    ),
    *(f"static/{chunk}.voila.js" for chunk in (2772, 2296, 7245, 5992)),
)
log = logging.getLogger("smskit.serve")


class PageHandler(TornadoVoilaHandler):
    """Voilà's page handler, which also sets the ``_xsrf`` cookie.

    When a tab closes, Voilà's page posts ``/voila/api/shutdown/<kernel>`` with the ``_xsrf``
    value it reads from ``document.cookie``. Standalone Voilà never sets that cookie, so every
    shutdown was refused ("'_xsrf' argument missing from POST") and each closed tab kept its
    kernel (100–130 MB) for ever. Reading ``xsrf_token`` sets the cookie (Tornado).
    """

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        self.xsrf_token  # noqa: B018 (the property sets the cookie)


class SmskitVoila(Voila):
    """Voilà serving the dashboard notebooks, where ``/`` lands on the Start dashboard."""

    def setup_template_dirs(self) -> None:
        """Voilà's lab template, with our ``index.html.j2`` (voila.js loads early) found first."""
        super().setup_template_dirs()
        self.template_paths = [str(PAGE_TEMPLATE), *self.template_paths]
        if self.voila_configuration.page_config_hook is None:
            self.voila_configuration.page_config_hook = with_preloads

    def init_settings(self) -> dict[str, Any]:
        """Voilà's settings; its kernel pool then counts only kernels that are ready."""
        settings: dict[str, Any] = super().init_settings()
        manager = self.kernel_manager
        if hasattr(manager, "_pools"):  # preheating: see page_kernels.ready_pool_size
            manager.get_pool_size = functools.partial(ready_pool_size, manager)
        return settings

    def init_handlers(self) -> list[tuple[Any, ...]]:
        handlers = [
            (route[0], PageHandler, *route[2:]) if route[1] is TornadoVoilaHandler else route
            for route in super().init_handlers()
        ]
        landing = url_path_join(self.base_url, LANDING)
        # Tornado tries routes in order, so this wins over Voilà's file-list handler at "/".
        redirect = {"url": landing, "permanent": False}
        return [(url_path_join(self.server_url, "/?"), RedirectHandler, redirect), *handlers]


def with_preloads(page_config: dict[str, Any], **_context: Any) -> dict[str, Any]:
    """Voilà's ``page_config_hook``: the late scripts our ``index.html.j2`` preloads."""
    return {**page_config, "smskitPreloadScripts": list(late_scripts())}


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


@functools.cache
def late_scripts() -> tuple[str, ...]:
    """:data:`LATE_SCRIPTS` that this installation has (paths under the page's ``voila/`` URL)."""
    roots = [Path(root) for root in jupyter_path()]
    found = []
    for script in LATE_SCRIPTS:
        kind, _, rest = script.partition("/")
        relative = rest.split("?")[0]
        if kind == "static":
            candidates = [root / "voila/templates/base/static" / relative for root in roots]
        else:
            candidates = [
                folder / relative
                for root in roots
                for folder in (root / kind, root / "voila" / kind)
            ]
        if any(path.is_file() for path in candidates):
            found.append(script)
    return tuple(found)


def voila_argv(
    port: int,
    notebooks: Path = NOTEBOOKS,
    *,
    preheat: bool = True,
    pool_size: int = DEFAULT_POOL_SIZE,
    cull_closed: float = CLOSED_PAGE_TIMEOUT,
    cull_open: float = OPEN_PAGE_TIMEOUT,
) -> list[str]:
    """The Voilà command line: loopback only, no browser, no tracebacks shown to users.

    ``preheat``: Voilà keeps ``pool_size`` kernels per notebook that have already run the
    notebook up to ``page_request()`` (imports, data, a first build), so a page opens at once.
    Kernels of closed pages are ended after ``cull_closed`` idle seconds, of idle open pages after
    ``cull_open`` (:mod:`smskit_widgets.page_kernels`). Cells tagged ``checked-fact`` (nbval's
    documented facts) are removed before Voilà runs the notebook: they are for developers.
    """
    kernels = "smskit_widgets.page_kernels.PageKernelManager"
    argv = [
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={LOOPBACK}",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        f"--VoilaConfiguration.multi_kernel_manager_class={kernels}",
        f"--MappingKernelManager.cull_idle_timeout={cull_closed:g}",
        f"--MappingKernelManager.cull_interval={min(CULL_INTERVAL, max(cull_closed, 1)):g}",
        "--MappingKernelManager.cull_connected=False",
        f"--PageKernelManager.cull_open_page_timeout={cull_open:g}",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in PAGE_EXTENSIONS),
        "--TagRemovePreprocessor.enabled=True",
        *(f"--TagRemovePreprocessor.remove_cell_tags={tag}" for tag in HIDDEN_TAGS),
    ]
    if preheat and pool_size > 0:
        # A used kernel is replaced after REFILL_DELAY s: not while its page is still drawing.
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={pool_size}",
            f"--VoilaKernelManager.fill_delay={REFILL_DELAY:g}",
        ]
    return [*argv, str(notebooks)]


def main(argv: list[str] | None = None) -> None:
    """Parse ``--port``, start the simulator, then run Voilà until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="smskit serve", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="loopback port to serve on")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-worker", action="store_true", help="do not start a sending worker beside Voilà"
    )
    parser.add_argument(
        "--no-preheat",
        action="store_true",
        help="start each page's kernel on request (plain Voilà; slower first widget)",
    )
    parser.add_argument(
        "--pool-size", type=int, default=DEFAULT_POOL_SIZE, help="preheated kernels per dashboard"
    )
    parser.add_argument(
        "--cull-closed",
        type=float,
        default=CLOSED_PAGE_TIMEOUT,
        help="end a closed page's kernel after this many idle seconds",
    )
    parser.add_argument(
        "--cull-open",
        type=float,
        default=OPEN_PAGE_TIMEOUT,
        help="end an open page's kernel after this many idle seconds (0: never)",
    )
    args = parser.parse_args(argv)
    simulator = start_shared_simulator()
    worker = None if args.no_worker else start_worker()
    print(f"smskit dashboards: http://{LOOPBACK}:{args.port}/  (Ctrl-C to stop)", flush=True)
    try:
        SmskitVoila.launch_instance(
            voila_argv(
                args.port,
                args.notebooks,
                preheat=not args.no_preheat,
                pool_size=args.pool_size,
                cull_closed=args.cull_closed,
                cull_open=args.cull_open,
            )
        )
    finally:
        stop_worker(worker)
        stop = getattr(simulator, "stop", None)
        if callable(stop):
            stop()


if __name__ == "__main__":
    main(sys.argv[1:])
