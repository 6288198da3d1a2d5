"""The Start dashboard, headless: cards, guide map, simulator or real account, data location."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.start import render as R
from smskit_widgets.start.dashboard import StartPage, available_notebooks

from smskit.deployment import Deployment

ALL = frozenset(card.notebook for card in R.DASHBOARDS)


@pytest.fixture
def indonesian() -> Iterator[None]:
    LANGUAGE.lang = "id"
    yield
    LANGUAGE.lang = "en"


def test_a_card_per_dashboard_with_audience_question_and_link() -> None:
    html = R.cards_html(ALL)
    assert html.count('class="smskit-card"') == len(R.DASHBOARDS) == 7
    for card in R.DASHBOARDS:
        assert f'href="./{card.notebook}?lang=en"' in html
    for audience in ("Trainers", "Analysts", "Staff"):
        assert audience in html


def test_missing_notebooks_get_no_link() -> None:
    html = R.cards_html(frozenset({"lessons.ipynb"}))
    assert html.count("smskit-dashboard-link") == 1
    assert "coming soon" in html


def test_all_eight_guide_sections_map_to_a_dashboard() -> None:
    assert [s.number for s in R.GUIDE_SECTIONS] == list(range(1, 9))
    known = {card.notebook for card in R.DASHBOARDS}
    for section in R.GUIDE_SECTIONS:
        assert section.notebooks and set(section.notebooks) <= known
    html = R.guide_map_html(ALL)
    assert len(re.findall(r"<tr><td>\d</td>", html)) == 8


def test_simulator_mode_says_nothing_is_sent() -> None:
    d = Deployment("simulator", None, Path("/tmp/h"), "SQLite", "sqlite:////tmp/h/smskit.db")
    html = R.environment_html(d)
    assert "simulator" in html.lower() and "/tmp/h" in html and "SQLite" in html


def test_real_account_is_named_masked() -> None:
    d = Deployment("twilio", "AC…cdef", Path("/h"), "PostgreSQL", "postgresql://u:***@db/x")
    html = R.environment_html(d)
    assert "AC…cdef" in html and "really sent" in html and "***" in html


def test_start_page_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.setenv("SMSKIT_DATABASE_URL", "postgresql://smskit:hunter2@db/smskit")
    page = StartPage()
    assert page.deployment.mode == "simulator"
    assert "hunter2" not in page.environment.value
    assert "PostgreSQL" in page.environment.value


def test_start_page_links_only_to_notebooks_that_exist(tmp_path: Path) -> None:
    (tmp_path / "lessons.ipynb").write_text("{}")
    page = StartPage(folder=tmp_path)
    assert page.notebooks == frozenset({"lessons.ipynb"})
    assert re.findall(r'data-notebook="([^"]+)" href', page.cards.value) == ["lessons.ipynb"]


def test_real_notebooks_folder_has_the_start_page() -> None:
    assert "start.ipynb" in available_notebooks()


def test_start_page_has_no_back_link_but_a_language_switch() -> None:
    page = StartPage()
    assert page.header.back.layout.visibility == "hidden"
    assert page.header.language.value == "en"


def test_switching_to_indonesian_relabels_and_keeps_the_language_in_links(
    indonesian: None,
) -> None:
    page = StartPage()
    assert "Mulai di sini" in page.header.title.value
    assert "Panduan, bagian demi bagian" in page.guide_map.value
    assert "?lang=id" in page.cards.value
    assert "smskit mengajarkan" in page.intro.value


def test_launcher_serves_loopback_only_and_lands_on_start() -> None:
    from smskit_widgets.serve import SmskitVoila, voila_argv
    from tornado.web import RedirectHandler

    app = SmskitVoila()
    app.initialize(voila_argv(8999))
    assert (app.ip, app.port, app.open_browser) == ("127.0.0.1", 8999, False)
    assert app.voila_configuration.show_tracebacks is False
    app.init_settings()
    # The pool counts only ready kernels (page_kernels.ready_pool_size): a second visitor is not
    # made to wait for a refill that is still starting.
    pool_size = app.kernel_manager.get_pool_size
    assert pool_size.func.__name__ == "ready_pool_size" and pool_size("start.ipynb") == 0
    first = app.init_handlers()[0]
    assert first == (
        "/?",
        RedirectHandler,
        {"url": "/voila/render/start.ipynb", "permanent": False},
    )


def test_launcher_starts_the_shared_simulator(monkeypatch: pytest.MonkeyPatch) -> None:
    from smskit_widgets import serve

    from smskit import simulator

    started = []
    monkeypatch.setattr(simulator, "shared", lambda: started.append(True) or "handle")
    assert serve.start_shared_simulator() == "handle" and started == [True]
