"""``smskit send``: run (or resume) a saved campaign from the command line.

Safe to run again at any time: it first reconciles messages a crash left in "submitting" and then
sends only what is missing (see :mod:`smskit.sending.runner`). Against the local simulator pass the
JSON
file ``smskit simulator --credentials-file`` writes; otherwise the saved Twilio credentials
(:func:`smskit.providers.credentials.load`) are used. The report is printed as one JSON line.

>>> parser = argparse.ArgumentParser(); configure_send(parser)
>>> parser.parse_args(["cmp_1", "--rate", "0"]).rate
0.0
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

__all__ = ["configure_send", "run_send"]


def configure_send(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``smskit send``.

    >>> p = argparse.ArgumentParser(); configure_send(p); p.parse_args(["c"]).dry_run
    False
    """
    parser.add_argument("campaign_id", help="the id printed when the plan was saved")
    parser.add_argument(
        "--database", help="SQLAlchemy URL (default: SMSKIT_DATABASE_URL or SQLite)"
    )
    parser.add_argument(
        "--simulator-file", type=Path, help="JSON with url, account_sid, auth_token of a simulator"
    )
    parser.add_argument(
        "--provider",
        choices=("twilio", "vonage"),
        help="with --simulator-file: speak Twilio's API (default) or Vonage's to it",
    )
    parser.add_argument(
        "--rate", type=float, help="segments per second (0: no limit; default: the sender's)"
    )
    parser.add_argument("--dry-run", action="store_true", help="count only; send nothing")


def run_send(args: argparse.Namespace, out: TextIO) -> int:
    """Run the campaign and print its report as JSON; exit status 0 when nothing is left undone.

    >>> import io, tempfile
    >>> from smskit.campaign.planner import Campaign, Recipient, Sender, plan
    >>> from smskit.campaign.storage import save_plan
    >>> from smskit.store.database import Store
    >>> folder = Path(tempfile.mkdtemp())
    >>> url = f"sqlite:///{folder}/smskit.db"
    >>> camp = Campaign("Cli", "Hi", Sender("short_code", "12345"), purpose="transactional")
    >>> cid = save_plan(Store.open(url), plan(camp, [Recipient.of("a", "+14155550100")]))
    >>> sim = folder / "sim.json"  # a dry run never calls the provider
    >>> _ = sim.write_text(json.dumps({"url": "http://127.0.0.1:9", "account_sid": "AC" + "0" * 32,
    ...                                "auth_token": "x" * 32}))
    >>> parser = argparse.ArgumentParser(); configure_send(parser)
    >>> out = io.StringIO()
    >>> run_send(parser.parse_args([cid, "--database", url, "--simulator-file", str(sim),
    ...                             "--dry-run"]), out), json.loads(out.getvalue())["messages"]
    (0, 1)
    """
    from smskit.cli.campaigns import provider_from
    from smskit.consent.ledger import ConsentLedger
    from smskit.i18n.catalog import LocalizedError
    from smskit.sending.runner import CampaignRunner
    from smskit.store.database import Store

    store = Store.open(args.database)
    if not args.dry_run:
        # In a team the same rules as the worker's: four eyes, and an operator's confirmation.
        from smskit.team.approvals import send_refusal
        from smskit.team.directory import roles_lookup_from_env

        refusal = send_refusal(store, args.campaign_id, roles_lookup_from_env())
        if refusal is not None:
            raise LocalizedError("Not sent: {reason}", reason=refusal)
    options: dict[str, Any] = {}
    if args.rate is not None:
        options["rate"] = args.rate or None
    runner = CampaignRunner(
        store, provider_from(args), args.campaign_id, ledger=ConsentLedger(store), **options
    )
    report = runner.run(dry=args.dry_run)
    print(json.dumps(asdict(report), default=str), file=out, flush=True)
    return 0
