"""A staff member's single-user server: Voilà dashboards only.

Loaded by the Hub's spawn hook for everyone who is not an analyst (``--config=...``). Staff never
reach a terminal, the notebook editor, JupyterLab or Jupyter's REST API: the server extensions
that provide them are off, and :class:`StaffAuthorizer` refuses every REST resource except the
kernels that Voilà's own pages talk to (their websocket and status). Voilà's page handlers are
not REST resources: they run only the notebooks in the dashboards folder, never a path a person
types outside it. What a person can still do, by design, is run code in their own page's
kernel; that is why the database and the worker, not this server, decide what they may change.
"""

# ruff: noqa: F821  (get_config is provided by Jupyter when it loads this file)
from jupyter_server.auth import Authorizer

c = get_config()


class StaffAuthorizer(Authorizer):
    """Only Voilà's kernels: read their status and talk to them over the page's websocket."""

    def is_authorized(self, handler, user, action, resource):  # type: ignore[no-untyped-def]
        return resource == "kernels" and action in ("read", "execute")


c.ServerApp.authorizer_class = StaffAuthorizer
c.ServerApp.terminals_enabled = False
c.ServerApp.jpserver_extensions = {
    "jupyterlab": False,
    "notebook": False,
    "notebook_shim": False,
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "nbclassic": False,
    "voila": True,
}
c.ServerApp.default_url = "/voila/render/start.ipynb"
c.VoilaConfiguration.show_tracebacks = False
# A kernel may take more than Voilà's default 60 s to start when a whole team signs in at once on a
# small machine (benchmarks/team_load.py): wait longer rather than fail the page.
c.VoilaExecutor.startup_timeout = 180
# Kernels of closed pages end after 10 idle minutes (each holds ~100-130 MB).
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
