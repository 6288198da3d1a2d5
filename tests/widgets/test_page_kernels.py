"""Culling page kernels: a closed page's kernel goes soon, an idle open page's later.

Real kernels (ipykernel), started and culled by :class:`PageKernelManager` as ``smskit serve``
configures it. A page's websocket is counted the way Jupyter Server's kernel websocket counts it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from smskit_widgets.page_kernels import PageKernelManager


async def _scenario() -> tuple[set[str], set[str]]:
    manager = PageKernelManager()
    manager.cull_idle_timeout = 60  # closed pages
    manager.cull_open_page_timeout = 600  # open pages
    manager.cull_interval = 3600  # the test checks each kernel itself
    names = ("closed_idle", "closed_recent", "open_idle", "open_recent")
    ids = dict(
        zip(names, await asyncio.gather(*(manager.start_kernel() for _ in names)), strict=True)
    )
    try:
        for name in ("open_idle", "open_recent"):
            manager._kernel_connections[ids[name]] = 1  # a page's websocket is connected
        idle = {"closed_idle": 90, "closed_recent": 30, "open_idle": 900, "open_recent": 90}
        for name, seconds in idle.items():
            # Any message from a kernel counts as activity (its start-up ones too): set the idle
            # time right before the check, with nothing awaited in between.
            kernel = manager.get_kernel(ids[name])
            kernel.last_activity = datetime.now(UTC) - timedelta(seconds=seconds)
            await manager.cull_kernel_if_idle(ids[name])
        left = {name for name, kernel_id in ids.items() if kernel_id in manager}
        return set(names), left
    finally:
        await manager.shutdown_all()


def test_closed_pages_go_after_cull_idle_timeout_open_ones_after_the_longer_one() -> None:
    started, left = asyncio.run(_scenario())
    assert started - left == {"closed_idle", "open_idle"}
    assert left == {"closed_recent", "open_recent"}
