"""Start one of smskit's services for the Hub: ``run_service.py simulator|worker|webhooks``.

The Hub starts each as a managed service (deploy/jupyterhub_config.py) with the owner's database
URL and the shared ``SMSKIT_HOME``. The worker and the webhook app wait until the practice
simulator has written its credentials (``$SMSKIT_HOME/simulator.json``) unless a real account
is configured (``TWILIO_ACCOUNT_SID``/``TWILIO_AUTH_TOKEN``). Health:

- simulator: ``GET /_simulator/health`` (with the account's credentials);
- webhook app: ``GET /health`` (200 ``ok``);
- worker: its heartbeat row in the ``workers`` table, shown by ``smskit campaigns`` and the
  Campaigns view ("a worker is sending"), renewed every second.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _simulator_info(home: Path, timeout: float = 60.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return json.loads((home / "simulator.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            time.sleep(0.2)
    raise SystemExit(f"the simulator did not write {home / 'simulator.json'}")


def main(name: str) -> None:
    home = Path(os.environ["SMSKIT_HOME"])
    smskit = [sys.executable, "-m", "smskit.cli"]
    real = bool(os.environ.get("TWILIO_ACCOUNT_SID") and os.environ.get("TWILIO_AUTH_TOKEN"))
    if name == "simulator":
        argv = [
            *smskit,
            "simulator",
            "--port",
            os.environ["SMSKIT_SIMULATOR_PORT"],
            "--credentials-file",
            str(home / "simulator.json"),
            "--idle-timeout",
            "31536000",
        ]
        # It prints its test credentials; they go to the 0600 file, not into the Hub's log.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    elif name == "worker":
        if not real:
            _simulator_info(home)
        argv = [*smskit, "worker", "--database", os.environ["SMSKIT_DATABASE_URL"]]
    elif name == "webhooks":
        port = os.environ["SMSKIT_WEBHOOK_PORT"]
        if not real:
            os.environ["TWILIO_AUTH_TOKEN"] = _simulator_info(home)["auth_token"]
        os.environ.setdefault("SMSKIT_PUBLIC_URL", f"http://127.0.0.1:{port}")
        argv = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "smskit.webhooks.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--log-level",
            "warning",
        ]
    else:
        raise SystemExit(f"unknown service {name!r}: simulator, worker or webhooks")
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
