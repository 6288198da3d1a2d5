"""The ``smskit`` command: one sub-command per tool (``smskit simulator``, ...).

Each sub-command registers itself in :data:`COMMANDS` with a function that adds its arguments and a
function that runs it, so another module can add ``segments``, ``plan`` or ``send`` with one entry.

>>> build_parser().parse_args(["simulator", "--port", "0"]).command
'simulator'
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace, TextIO], int]


def _simulator_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free one)"
    )
    parser.add_argument(
        "--step-delay",
        type=float,
        default=0.5,
        help="seconds between lifecycle steps (default 0.5)",
    )
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="do not pace senders (segments per second)"
    )
    parser.add_argument(
        "--credentials-file",
        type=Path,
        help="also write URL and credentials as JSON to this file (mode 0600)",
    )
    parser.add_argument("--json", action="store_true", help="print URL and credentials as JSON")
    parser.add_argument("--seed", type=int, default=None, help="seed for outcomes and faults")
    parser.add_argument(
        "--trial", action="store_true", help="act as a trial account (verified numbers only)"
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=None,
        help="stop after this many seconds without any request (default: never)",
    )


def _run_simulator(args: argparse.Namespace, out: TextIO) -> int:
    from smskit.simulator import start

    handle = start(
        args.port,
        step_delay=args.step_delay,
        rate_limits=not args.no_rate_limits,
        seed=args.seed,
        trial=args.trial,
    )
    info = {
        "url": handle.url,
        "account_sid": handle.account_sid,
        "auth_token": handle.auth_token,
        "api_key_sid": handle.api_key_sid,
        "api_key_secret": handle.api_key_secret,
        "vonage_api_key": handle.vonage_api_key,
        "vonage_api_secret": handle.vonage_api_secret,
        "vonage_signature_secret": handle.vonage_signature_secret,
        "pid": os.getpid(),
    }
    if args.credentials_file is not None:
        write_private_json(args.credentials_file, info)
    if args.json:
        print(json.dumps(info), file=out, flush=True)
    else:
        # These are throwaway test credentials of a local simulator, made up for this run only.
        print(f"smskit simulator (Twilio-compatible) running at {handle.url}", file=out)
        print(f"  Account SID:  {handle.account_sid}", file=out)
        print(f"  Auth Token:   {handle.auth_token}", file=out)
        print(f"  API key:      {handle.api_key_sid}  secret: {handle.api_key_secret}", file=out)
        print(
            f"  Vonage:       key {handle.vonage_api_key}  secret: {handle.vonage_api_secret}  "
            f"signature secret: {handle.vonage_signature_secret}",
            file=out,
        )
        print("  Test sender:  +15005550006    Press Ctrl-C to stop.", file=out, flush=True)
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stopping.wait(0.5):
        if not handle.running:
            return 1
        if args.idle_timeout is not None and handle.idle_seconds > args.idle_timeout:
            break
    handle.stop()
    if args.credentials_file is not None:
        args.credentials_file.unlink(missing_ok=True)
    return 0


def write_private_json(path: Path, data: dict[str, object]) -> None:
    """Write ``data`` as JSON to ``path``, readable by its owner only (created 0600, then renamed).

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x.json"; write_private_json(p, {"a": 1})
    >>> oct(p.stat().st_mode & 0o777), json.loads(p.read_text())
    ('0o600', {'a': 1})
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(partial, path)


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "simulator": (
        "run the local Twilio-compatible simulator; print its URL and test credentials",
        _simulator_arguments,
        _run_simulator,
    ),
}


def _send_arguments(parser: argparse.ArgumentParser) -> None:
    from smskit.cli.send import configure_send

    configure_send(parser)


def _run_send(args: argparse.Namespace, out: TextIO) -> int:
    from smskit.cli.send import run_send

    return run_send(args, out)


COMMANDS["send"] = (
    "send or resume a saved campaign (exactly once per recipient, safe to re-run)",
    _send_arguments,
    _run_send,
)


def _lazy(module: str, function: str) -> Callable[..., Any]:
    """A command's function, imported only when that command runs (``smskit --help`` stays fast)."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), function)(*args)

    return call


COMMANDS["worker"] = (
    "send every confirmed campaign until stopped (SIGTERM: finishes in-flight sends first)",
    _lazy("smskit.cli.campaigns", "configure_worker"),
    _lazy("smskit.cli.campaigns", "run_worker"),
)
COMMANDS["campaigns"] = (
    "list campaigns, or confirm, pause, resume, cancel or delete one",
    _lazy("smskit.cli.campaigns", "configure_campaigns"),
    _lazy("smskit.cli.campaigns", "run_campaigns"),
)


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8866, help="loopback port (default 8866)")
    parser.add_argument("--no-worker", action="store_true", help="start no sending worker")
    parser.add_argument(
        "--no-preheat",
        action="store_true",
        help="start each page's kernel on request (no kernels kept ready; slower first page)",
    )


def _run_serve(args: argparse.Namespace, out: TextIO) -> int:
    # The dashboards are their own top-level package, above smskit: they are found by name, so
    # that smskit never imports the UI stack (tests/test_layering.py).
    try:
        serve = importlib.import_module("smskit_widgets.serve")
    except ImportError as error:
        print(
            f"smskit: the dashboards are not installed ({error.name} is missing). "
            "Install them with: pip install 'smskit-studio[dashboards]'",
            file=sys.stderr,
        )
        return 1
    flags = [
        *(["--no-worker"] if args.no_worker else []),
        *(["--no-preheat"] if args.no_preheat else []),
    ]
    serve.main(["--port", str(args.port), *flags])
    return 0


COMMANDS["serve"] = (
    "serve the dashboards with Voilà on 127.0.0.1, landing on Start (needs the dashboards extra)",
    _serve_arguments,
    _run_serve,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered sub-command.

    >>> build_parser().parse_args(["simulator", "--no-rate-limits"]).no_rate_limits
    True
    """
    parser = argparse.ArgumentParser(prog="smskit", description="Learn, plan and run business SMS.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (summary, configure, _run) in COMMANDS.items():
        configure(commands.add_parser(name, help=summary, description=summary))
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``smskit <command> ...`` and return its exit status.

    >>> try:
    ...     main(["no-such-command"])
    ... except SystemExit as exit:
    ...     exit.code
    2
    """
    args = build_parser().parse_args(argv)
    # Retries and other warnings stay out of a command's output: it ends with one plain line.
    # (``smskit worker`` logs its own plain lines at INFO.)
    logging.basicConfig(level=logging.ERROR, format="smskit: %(message)s")
    try:
        return COMMANDS[args.command][2](args, out or sys.stdout)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one plain line and an exit code, never a traceback
        print(f"smskit {args.command}: {plain_error(error)}", file=sys.stderr)
        return 1


def plain_error(error: BaseException) -> str:
    """One line for a failed command, in the user's language; never a secret or a traceback.

    >>> from smskit.providers import ProviderError
    >>> plain_error(ProviderError(status=None))[:27]
    'Twilio could not be reached'
    >>> plain_error(KeyError("secret-token"))
    'unexpected error (KeyError); nothing was lost: run the command again'
    """
    from smskit.i18n.catalog import N_, LocalizedError, default_language, translate

    if isinstance(error, LocalizedError):
        lang = default_language()
        text = error.render(lang)
        if getattr(error, "status", 0) is None:  # a provider that stayed unreachable
            resumable = N_("The campaign is left as it was: run the same command again to resume.")
            text += " " + translate(resumable, lang)
        return text
    if type(error).__module__.startswith("sqlalchemy"):
        reason = str(getattr(error, "orig", "") or "").strip().splitlines()
        return "the database could not be used" + (f": {reason[0]}" if reason else "")
    if isinstance(error, OSError):
        return f"{error.strerror or type(error).__name__}: {error.filename or ''}".rstrip(": ")
    return f"unexpected error ({type(error).__name__}); nothing was lost: run the command again"


if __name__ == "__main__":
    sys.exit(main())
