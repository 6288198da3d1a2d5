"""A page under Voilà's preheated kernels: warm up, wait for the request, take ``?lang=`` from it.

The request arrives the way Voilà delivers it: Voilà's own ``RequestInfoSocketHandler`` on a
loopback Tornado server, which ``voila.utils.get_query_string`` connects to.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
import tornado.web
from ipywidgets.widgets import widget as _widget
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.common.page import build_and_discard, page_request
from smskit_widgets.start import StartPage
from voila.request_info_handler import RequestInfoSocketHandler


def _listeners() -> int:
    return len(LANGUAGE._trait_notifiers.get("lang", {}).get("change", []))


@pytest.fixture
def voila_query_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Voilà's request-info websocket on a free port; the kernel's environment pointing at it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/(.*)", RequestInfoSocketHandler)])
        app.listen(port, "127.0.0.1")
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    kernel_id = "kernel-under-test"
    for name, value in {
        "VOILA_PREHEAT": "True",
        "VOILA_APP_IP": "127.0.0.1",
        "VOILA_APP_PORT": str(port),
        "VOILA_SERVER_URL": "/",
        "VOILA_KERNEL_ID": kernel_id,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    yield kernel_id
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    LANGUAGE.lang = "en"


def test_warm_up_leaves_no_widget_and_no_language_listener() -> None:
    widgets, listeners = set(_widget._instances), _listeners()
    build_and_discard(StartPage)
    assert set(_widget._instances) == widgets
    assert _listeners() == listeners
    LANGUAGE.lang = "id"  # nothing of the discarded page re-renders (it would fail: closed)
    LANGUAGE.lang = "en"


def test_a_failing_warm_up_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        StartPage()
        raise RuntimeError("boom")

    widgets = set(_widget._instances)
    build_and_discard(broken)
    assert set(_widget._instances) == widgets
    assert "warming up" in caplog.text


def _start_pages() -> set[str]:
    return {key for key, w in _widget._instances.items() if isinstance(w, StartPage)}


def test_preheated_kernel_takes_the_language_from_the_request(voila_query_socket: str) -> None:
    # Voilà sends the request's environment when a browser takes this kernel; sent before the
    # kernel connects, it is kept for it (RequestInfoSocketHandler's cache).
    RequestInfoSocketHandler.send_updates(
        {"kernel_id": voila_query_socket, "payload": {"QUERY_STRING": "lang=id&x=1"}}
    )
    pages = _start_pages()
    assert page_request(warm_up=StartPage) == "id"
    assert LANGUAGE.lang == "id"
    # The warm-up's page is gone. (Widgets of earlier tests in this session re-render in the new
    # language, so the set of all widgets may change; the warm-up's must not be among them.)
    assert _start_pages() == pages
    page = StartPage()  # the real build, after the request: in Indonesian
    assert "Mulai di sini" in page.header.title.value


def test_without_preheating_nothing_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    widgets = set(_widget._instances)
    assert page_request(warm_up=StartPage) == LANGUAGE.lang
    assert set(_widget._instances) == widgets  # no warm-up either


def test_a_preheated_kernel_takes_the_time_zone_from_the_request_too(
    voila_query_socket: str,
) -> None:
    from smskit_widgets.common.timezone import USER_ZONE

    before = USER_ZONE.zone
    RequestInfoSocketHandler.send_updates(
        {"kernel_id": voila_query_socket, "payload": {"QUERY_STRING": "lang=en&tz=Asia/Jakarta"}}
    )
    try:
        assert page_request() == "en"
        assert USER_ZONE.zone == "Asia/Jakarta"
    finally:
        USER_ZONE.zone = before


def test_the_warm_up_builds_once_in_each_language(voila_query_socket: str) -> None:
    # So that the visitor's build finds both languages' catalogues and Babel's data loaded.
    RequestInfoSocketHandler.send_updates(
        {"kernel_id": voila_query_socket, "payload": {"QUERY_STRING": "lang=en"}}
    )
    seen: list[str] = []

    def factory() -> StartPage:
        seen.append(str(LANGUAGE.lang))
        return StartPage()

    pages = _start_pages()
    assert page_request(warm_up=factory) == "en"
    assert seen == ["en", "id"]
    assert LANGUAGE.lang == "en" and _start_pages() == pages
