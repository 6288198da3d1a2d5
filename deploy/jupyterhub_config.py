"""JupyterHub for a smskit team: sign-in, roles from groups, Voilà dashboards, and the services.

Run it with ``make team`` (``deploy/team.py`` sets the environment below and starts the Hub), or
``jupyterhub -f deploy/jupyterhub_config.py`` on a server. Read deploy/README.md first: it says
which process runs where, and who may talk to whom.

Environment (all optional except the password of the try-out authenticator):

- ``SMSKIT_TEAM_DIR``: the Hub's state (its database, cookie secret, the shared ``SMSKIT_HOME``);
- ``SMSKIT_DATABASE_URL``: the owner's URL of smskit's database. On PostgreSQL each person gets
  their own login with their roles' grants (smskit/store/team_guard.py); on SQLite everyone
  shares one file, which is for trying out only (a kernel could write the file);
- ``SMSKIT_TEAM_AUTH``: ``dummy`` (one shared password, ``SMSKIT_TEAM_PASSWORD``; for trying out
  and CI) or an OAuthenticator entry point (``github``, ``google``, ``azuread``, ``generic``...);
- ``SMSKIT_TEAM_USERS``: the example users and their groups, ``ana:analyst,olu:operator``;
- ``SMSKIT_TEAM_IP``/``SMSKIT_TEAM_PORT``: where the proxy listens (default 127.0.0.1:8000);
- ``SMSKIT_APPROVAL_MIN_RECIPIENTS``/``SMSKIT_APPROVAL_MIN_COST``: the four-eyes threshold.
"""

# ruff: noqa: F821  (get_config is provided by JupyterHub when it loads this file)
from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

from smskit.team.roles import Role, group_names, roles_from_groups

c = get_config()

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
TEAM_DIR = Path(os.environ.get("SMSKIT_TEAM_DIR") or ROOT / ".team").resolve()
HOME = TEAM_DIR / "home"
HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("SMSKIT_DATABASE_URL") or f"sqlite:///{HOME / 'smskit.db'}"
ON_POSTGRES = DATABASE_URL.startswith("postgresql")
PREFIX = os.environ.get("SMSKIT_TEAM_ROLE_PREFIX", "smskit")
PORT = int(os.environ.get("SMSKIT_TEAM_PORT", "8000"))
GROUPS = group_names()
# The dashboards' notebooks, from a checkout or an installed wheel alike.
NOTEBOOKS = Path(str(importlib.resources.files("smskit_widgets.notebooks")))

# --- the Hub and its proxy (configurable-http-proxy from npm, in ./node_modules) --------------
c.JupyterHub.ip = os.environ.get("SMSKIT_TEAM_IP", "127.0.0.1")
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = PORT + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [
    os.environ.get("SMSKIT_TEAM_PROXY")
    or str(ROOT / "node_modules" / ".bin" / "configurable-http-proxy")
]
c.ConfigurableHTTPProxy.pid_file = str(TEAM_DIR / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{TEAM_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(TEAM_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(TEAM_DIR / "jupyterhub.pid")
# After sign-in, straight to the person's server, which opens on Start.
c.JupyterHub.default_url = "/hub/spawn"
c.JupyterHub.shutdown_on_logout = True  # frees the ~100 MB kernels a page session holds

# --- sign-in ----------------------------------------------------------------------------------
AUTH = os.environ.get("SMSKIT_TEAM_AUTH", "dummy")
EXAMPLE = [
    tuple(item.split(":", 1))
    for item in os.environ.get("SMSKIT_TEAM_USERS", "").replace(" ", "").split(",")
    if ":" in item
]
if AUTH == "dummy":
    # JupyterHub's own try-out authenticator: the listed users, one shared password. Never on a
    # server that others can reach (deploy/README.md: OAuth for a real team).
    password = os.environ.get("SMSKIT_TEAM_PASSWORD", "")
    if len(password) < 8:
        raise SystemExit("SMSKIT_TEAM_PASSWORD (8 characters or more) is needed for sign-in")
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = password
    c.Authenticator.allowed_users = {name for name, _ in EXAMPLE}
else:
    # OAuthenticator (GitHub, Google, Azure AD, Keycloak via "generic", ...): client id, secret
    # and callback URL come from its own OAUTH_* environment or a jupyterhub_config.d file. Groups
    # come from the identity provider (manage_groups + auth_state_groups_key), so a person's
    # smskit role is managed where the team already manages people.
    c.JupyterHub.authenticator_class = AUTH
    c.OAuthenticator.manage_groups = True
    c.OAuthenticator.allowed_groups = set(GROUPS.values())
c.JupyterHub.load_groups = {
    GROUPS[Role(role)]: {"users": [name for name, r in EXAMPLE if r == role]} for role in Role
}

# --- each person's server: Voilà dashboards; JupyterLab only for analysts ------------------------
c.JupyterHub.spawner_class = "simple"  # one OS user (try-out); see README for real isolation
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = str(NOTEBOOKS)
c.Spawner.default_url = "/voila/render/start.ipynb"
c.Spawner.start_timeout = 300  # 30 people signing in at once take a while on 2 cores
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "SMSKIT_LANG", "VIRTUAL_ENV", "MPLBACKEND", "CI"]

_OWNER_ENGINE = None


def _owner_engine():  # type: ignore[no-untyped-def]
    """The owner's engine: the Hub migrates, installs the roles once, then provisions logins."""
    global _OWNER_ENGINE
    if _OWNER_ENGINE is None:
        from smskit.store.database import Store
        from smskit.store.team_guard import install_team_roles

        store = Store.open(DATABASE_URL)
        if ON_POSTGRES:
            install_team_roles(store.engine, PREFIX)
        _OWNER_ENGINE = store.engine
    return _OWNER_ENGINE


_owner_engine()  # migrate before any server starts


def _team_environment() -> dict[str, str]:
    return {
        "SMSKIT_TEAM": "1",
        "SMSKIT_HOME": str(HOME),
        "SMSKIT_APPROVAL_MIN_RECIPIENTS": os.environ.get("SMSKIT_APPROVAL_MIN_RECIPIENTS", "500"),
        "SMSKIT_APPROVAL_MIN_COST": os.environ.get("SMSKIT_APPROVAL_MIN_COST", "25"),
    }


def pre_spawn_hook(spawner):  # type: ignore[no-untyped-def]
    """Give the person's server their roles and their own database login, nothing more.

    No Twilio credentials reach it (only the worker sends); staff servers load
    staff_server_config.py, which turns off JupyterLab, the notebook editor, terminals and the
    REST API except the kernels that Voilà's pages use.
    """
    from smskit.store.team_guard import provision_staff_login

    groups = [g.name for g in spawner.user.groups]
    roles = sorted(r.value for r in roles_from_groups(groups, GROUPS))
    env = {**_team_environment(), "SMSKIT_TEAM_ROLES": " ".join(roles)}
    if ON_POSTGRES:
        env["SMSKIT_DATABASE_URL"] = provision_staff_login(
            _owner_engine(), PREFIX, spawner.user.name, roles
        )
    else:
        env["SMSKIT_DATABASE_URL"] = DATABASE_URL
    spawner.environment = {**spawner.environment, **env}
    # Jupyter refuses to run as root without this (containers, CI); a real server runs each
    # person as their own user (README).
    as_root = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
    if GROUPS[Role.ANALYST] not in groups:
        spawner.args = [f"--config={HERE / 'staff_server_config.py'}", *as_root]
    else:
        spawner.args = [
            *as_root,
            "--MappingKernelManager.cull_idle_timeout=600",
            "--MappingKernelManager.cull_interval=60",
            "--VoilaExecutor.startup_timeout=180",
        ]


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- services beside the Hub: worker, webhook app, simulator, idle culler -------------------------
SERVICE = [sys.executable, str(HERE / "run_service.py")]
SERVICE_ENV = {
    **_team_environment(),
    "SMSKIT_DATABASE_URL": DATABASE_URL,  # the owner: services are not staff
    "PATH": os.environ.get("PATH", ""),
    "SMSKIT_WEBHOOK_PORT": str(PORT + 3),
    "SMSKIT_SIMULATOR_PORT": str(PORT + 4),
}
for key in ("SMSKIT_PUBLIC_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "CI"):
    if key in os.environ:
        SERVICE_ENV[key] = os.environ[key]
c.JupyterHub.services = [
    {"name": "smskit-simulator", "command": [*SERVICE, "simulator"], "environment": SERVICE_ENV},
    {"name": "smskit-worker", "command": [*SERVICE, "worker"], "environment": SERVICE_ENV},
    # Its own port, not behind the Hub's proxy: Twilio calls it (signed requests, checked against
    # SMSKIT_PUBLIC_URL); put it behind its own TLS reverse proxy (README). GET /health.
    {"name": "smskit-webhooks", "command": [*SERVICE, "webhooks"], "environment": SERVICE_ENV},
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={int(os.environ.get('SMSKIT_TEAM_IDLE', '3600'))}",
        ],
    },
]
c.JupyterHub.load_roles = [
    # The worker asks the Hub who is an operator or an approver (smskit.team.directory).
    {
        "name": "smskit-worker",
        "scopes": ["read:users:name", "read:users:groups", "read:groups:name"],
        "services": ["smskit-worker"],
    },
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
