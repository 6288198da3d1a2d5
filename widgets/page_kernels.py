"""The kernel manager behind ``smskit serve``: every page's kernel is ended once nobody uses it.

Each dashboard page runs in its own kernel (100–130 MB). Voilà shuts a page's kernel down when
the tab closes (a ``sendBeacon`` on ``beforeunload``), but a beacon is lost when the browser
crashes, the laptop sleeps or the network drops, and an open tab nobody looks at holds its kernel
for ever. Jupyter Server's idle culling (``cull_idle_timeout``) has one timeout for both; a page
needs two:

- a kernel with **no page connected** (its tab is gone) is ended after ``cull_idle_timeout``
  seconds without activity (Jupyter Server's own rule, with ``cull_connected`` off);
- a kernel whose page is **still open but idle** is ended after ``cull_open_page_timeout``
  seconds without activity (typing, clicking and live progress all count as activity).

Voilà's preheated kernels waiting in the pool are never culled: Voilà's own kernel manager, which
subclasses this one, skips them (``VoilaKernelManager.cull_kernel_if_idle``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float

# Closed tabs: long enough for a slow page to open its websocket, short enough to free memory soon.
CLOSED_PAGE_TIMEOUT = 120.0
# Open but idle tabs: a class break, not a lunch break.
OPEN_PAGE_TIMEOUT = 3600.0
CULL_INTERVAL = 30.0


class PageKernelManager(AsyncMappingKernelManager):
    """Culls kernels of closed pages soon and of idle open pages later (see the module doc)."""

    cull_open_page_timeout = Float(
        OPEN_PAGE_TIMEOUT,
        config=True,
        help="Seconds without activity after which a kernel whose page is still open is ended "
        "(0: never). Kernels with no page connected follow cull_idle_timeout.",
    )

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Jupyter Server's rule for disconnected kernels; our longer one for connected ones."""
        if kernel_id not in self:
            return
        connections = self.kernel_model(kernel_id).get("connections", 0)
        if not connections or self.cull_connected:
            await ensure_async(super().cull_kernel_if_idle(kernel_id))
            return
        if self.cull_open_page_timeout <= 0:
            return
        kernel = self.get_kernel(kernel_id)
        last = getattr(kernel, "last_activity", None)
        if last is None or getattr(kernel, "execution_state", "") == "busy":
            return
        idle = datetime.now(UTC) - last
        if idle > timedelta(seconds=self.cull_open_page_timeout):
            self.log.warning(
                "Culling kernel %s: its page has been open and idle for %d s",
                kernel_id,
                int(idle.total_seconds()),
            )
            await ensure_async(self.shutdown_kernel(kernel_id))


def ready_pool_size(manager: Any, notebook_name: str) -> int:
    """How many preheated kernels for ``notebook_name`` are ready now (Voilà counts pending ones).

    Voilà's ``get_pool_size`` counts a refill still starting (or still waiting out
    ``fill_delay``) as a pooled kernel, and a page request that sees one takes it and waits for
    it: when a class opens one dashboard at once, the second student waited for a kernel to be
    started *and* to run the notebook, the next ones behind it. Counting only ready kernels sends
    such a request down Voilà's other path, a kernel of its own started at once, as plain Voilà
    does. Ready kernels are moved to the front, since Voilà then takes the first one.

    >>> import asyncio
    >>> class Manager:
    ...     _pools = {}
    >>> async def demo():
    ...     ready, pending = asyncio.sleep(0, "k1"), asyncio.sleep(60, "k2")
    ...     pool = [asyncio.ensure_future(pending), asyncio.ensure_future(ready)]
    ...     Manager._pools["a.ipynb"] = pool
    ...     await asyncio.sleep(0.01)
    ...     size = ready_pool_size(Manager, "a.ipynb")
    ...     pool[1].cancel()
    ...     return size, Manager._pools["a.ipynb"][0].result()
    >>> asyncio.run(demo())
    (1, 'k1')
    """
    pool = manager._pools.get(notebook_name, [])

    def ready(item: Any) -> bool:
        return bool(item.done() and not item.cancelled() and item.exception() is None)

    pool.sort(key=lambda item: not ready(item))  # stable: oldest ready kernel first
    return sum(1 for item in pool if ready(item))
