"""``smskit worker`` and ``smskit campaigns``: the sending service and its campaigns, for scripts.

``smskit worker`` sends every confirmed campaign until stopped (SIGTERM or Ctrl-C: in-flight calls
finish and are recorded first). ``smskit campaigns`` lists campaigns; ``smskit campaigns confirm
|pause|resume|cancel ID`` changes one through the store, exactly as the dashboard's buttons do.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from smskit.i18n.catalog import LocalizedError

__all__ = [
    "configure_campaigns",
    "configure_worker",
    "provider_from",
    "run_campaigns",
    "run_worker",
]


def _database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", default=None, help="database URL (default: SMSKIT_DATABASE_URL or SQLite)"
    )


def configure_worker(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``smskit worker``.

    >>> p = argparse.ArgumentParser(); configure_worker(p)
    >>> p.parse_args(["--once"]).once
    True
    """
    _database(parser)
    parser.add_argument(
        "--simulator-file", type=Path, help="send through the simulator described in this JSON"
    )
    parser.add_argument(
        "--provider",
        choices=("twilio", "vonage"),
        help="with --simulator-file: speak Twilio's API (default) or Vonage's to it",
    )
    parser.add_argument("--once", action="store_true", help="one pass, then wait for its sends")
    parser.add_argument("--lease", type=float, default=30.0, help="claim lease in seconds")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="segments per second per campaign instead of the sender's throughput (0: unpaced)",
    )


def provider_from(args: argparse.Namespace) -> Any:
    """The provider a command sends through: ``--simulator-file``, else where the worker sends
    (:func:`smskit.deployment.default_provider`: a real account if set up, else the simulator)."""
    from smskit.providers.twilio import TwilioProvider

    if args.simulator_file is not None:
        info = json.loads(args.simulator_file.read_text(encoding="utf-8"))
        if info.get("provider") == "vonage" or getattr(args, "provider", None) == "vonage":
            from smskit.providers.vonage import VonageProvider

            return VonageProvider.for_url(
                info["url"], info["vonage_api_key"], info["vonage_api_secret"]
            )
        return TwilioProvider.for_url(info["url"], info["account_sid"], info["auth_token"])
    from smskit.deployment import default_provider

    return default_provider()


def run_worker(args: argparse.Namespace, out: TextIO) -> int:
    """Run a worker until SIGTERM or Ctrl-C (or one pass with ``--once``)."""
    from datetime import timedelta

    from smskit.sending.worker import Worker
    from smskit.store.database import Store

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", stream=out, force=True
    )
    for noisy in ("twilio", "urllib3", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    store = Store.open(args.database)
    from smskit.sending.runner import SENDER_RATE

    rate: Any = SENDER_RATE if args.rate is None else (args.rate or None)
    worker = Worker(store, provider_from(args), lease=timedelta(seconds=args.lease), rate=rate)
    if args.once:
        worker.run_once()
        worker.stop()
    else:

        def _stop(signum: int, _frame: FrameType | None) -> None:
            logging.getLogger("smskit.worker").info(
                "worker: %s received", signal.Signals(signum).name
            )
            worker.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    worker.run_forever()
    return 0


def configure_campaigns(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``smskit campaigns``.

    >>> p = argparse.ArgumentParser(); configure_campaigns(p)
    >>> p.parse_args(["pause", "cmp_1"]).action
    'pause'
    """
    _database(parser)
    parser.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=("list", "confirm", "pause", "resume", "cancel", "delete"),
        help="list (default), or change one campaign",
    )
    parser.add_argument("campaign_id", nargs="?", help="the campaign to change")
    parser.add_argument("--json", action="store_true", help="print the list as JSON lines")


def run_campaigns(args: argparse.Namespace, out: TextIO) -> int:
    """List campaigns, or confirm, pause, resume, cancel or delete (a draft) one.

    >>> import io, tempfile
    >>> url = f"sqlite:///{tempfile.mkdtemp()}/smskit.db"
    >>> p = argparse.ArgumentParser(); configure_campaigns(p)
    >>> run_campaigns(p.parse_args(["--database", url]), io.StringIO())
    0
    """
    from smskit.campaign.overview import campaign_lines
    from smskit.sending import control
    from smskit.store.database import Store

    store = Store.open(args.database)
    if args.action == "list":
        for line in campaign_lines(store):
            if args.json:
                print(json.dumps(_as_dict(line), default=str), file=out)
            else:
                nxt = line.next_send_at.strftime("%Y-%m-%d %H:%M UTC") if line.next_send_at else "-"
                print(
                    f"{line.id}  {line.status:9}  {line.handed_over}/{line.total} sent, "
                    f"{line.delivered} delivered, {line.failed} failed, {line.opted_out} opted out"
                    f"  cost {line.cost:.4f} {line.currency}  next {nxt}  {line.name}",
                    file=out,
                )
                if line.stop_reason is not None and line.status in ("failed", "held"):
                    print(f"    why: {line.stop_reason}", file=out)
        return 0
    if not args.campaign_id:
        raise LocalizedError("Name the campaign to {action}.", action=args.action)
    if store.get_campaign(args.campaign_id) is None:
        raise LocalizedError("No saved campaign '{id}'", id=args.campaign_id)
    if args.action == "cancel":
        closed = control.cancel(store, args.campaign_id)
        done = closed is not None
        detail = f" ({closed} message(s) not sent)" if done else ""
    elif args.action == "delete":
        done, detail = control.delete_draft(store, args.campaign_id), ""
    else:
        change = {"confirm": control.confirm, "pause": control.pause, "resume": control.resume}
        done, detail = change[args.action](store, args.campaign_id), ""
    status = store.get_campaign(args.campaign_id)
    now = status.status if status else "deleted"
    if not done:
        print(
            f"smskit: cannot {args.action} campaign {args.campaign_id}: it is {now}",
            file=sys.stderr,
        )
        return 1
    print(f"campaign {args.campaign_id}: {now}{detail}", file=out)
    return 0


def _as_dict(line: Any) -> dict[str, Any]:
    return {name: getattr(line, name) for name in line.__dataclass_fields__}
