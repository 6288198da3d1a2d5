"""The Sender Comparison dashboard, headless: filters, questionnaire, price overrides, renderers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.senders import render as R
from smskit_widgets.senders.dashboard import SenderComparison

from smskit.senders.catalogue import SenderType, UseCase
from smskit.senders.comparison import alpha_support_table, compare
from smskit.senders.recommender import Needs, recommend


@pytest.fixture(scope="module")
def dash() -> SenderComparison:
    return SenderComparison()


@pytest.fixture
def indonesian() -> Iterator[None]:
    LANGUAGE.lang = "id"
    yield
    LANGUAGE.lang = "en"


def reset(w: SenderComparison) -> None:
    w.q_use_case.value, w.q_replies.value, w.q_countries.value = "otp", False, "GB"
    w.q_weeks.value, w.q_peak.value, w.q_budget.value = 4, 0, 0
    w.country.value, w.use_case.value = "US", ""


def test_default_answer_is_alphanumeric_for_one_way_otp_to_gb(dash: SenderComparison) -> None:
    reset(dash)
    assert dash.recommendation is not None and dash.recommendation.best is not None
    assert dash.recommendation.best.sender_type is SenderType.ALPHANUMERIC
    assert 'class="smskit-recommendation" data-best="alphanumeric"' in dash.answer.value
    assert "smskit-reason" in dash.answer.value


def test_needing_replies_changes_the_answer_and_reasons(dash: SenderComparison) -> None:
    reset(dash)
    one_way = dash.answer.value
    dash.q_replies.value = True
    assert dash.recommendation.best.sender_type is SenderType.LONG_CODE
    assert 'data-rule="alpha_no_replies"' in dash.answer.value
    assert "Alphanumeric IDs are one-way" in dash.answer.value
    assert dash.answer.value != one_way


def test_bad_country_shows_a_plain_error(dash: SenderComparison) -> None:
    reset(dash)
    assert dash.answer.value
    dash.q_countries.value = "GB, XX"
    # The error sits beside the questionnaire, and the previous answer is not left on screen.
    assert "Unknown country code XX" in dash.q_feedback.value
    assert "Traceback" not in dash.q_feedback.value
    assert dash.recommendation is None and dash.answer.value == ""
    dash.q_countries.value = "GB"
    assert dash.q_feedback.value == "" and dash.recommendation is not None
    assert "smskit-recommendation" in dash.answer.value


def test_budget_and_lead_time_answers_reach_the_recommender(dash: SenderComparison) -> None:
    reset(dash)
    dash.q_use_case.value, dash.q_countries.value, dash.q_weeks.value = "marketing", "US", 12
    dash.q_volume.value, dash.q_budget.value = 200_000, 500
    short = dash.recommendation.option("short_code")
    assert [r.rule for r in short.disqualifiers] == ["budget"]
    dash.q_budget.value = 0
    assert dash.recommendation.option("short_code").eligible


def test_country_and_use_case_filters(dash: SenderComparison) -> None:
    reset(dash)
    dash.country.value = "GB"
    assert dash.comparison.country == "GB"
    assert "smskit-sender-table" in dash.table.value
    dash.use_case.value = "customer_care"
    assert "Suits Customer care" in dash.table.value
    assert "<svg" in dash.cost_chart.value and "<svg" in dash.speed_chart.value


def test_user_price_file_changes_costs(dash: SenderComparison) -> None:
    reset(dash)
    dash.country.value = "GB"
    before = next(
        r.cost for r in dash.comparison.summaries if r.sender_type.value == "alphanumeric"
    )
    content = b"country,price_per_segment,currency\nGB,0.5,USD\n"
    dash.upload.value = (
        {
            "name": "mine.csv",
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )
    after = next(r.cost for r in dash.comparison.summaries if r.sender_type.value == "alphanumeric")
    assert before is not None and after is not None
    assert after.price_per_segment == Decimal("0.5") > before.price_per_segment
    assert "mine.csv" in dash.prices_note.value


def test_malformed_price_file_names_the_row(dash: SenderComparison) -> None:
    content = b"country,price_per_segment,currency\nGB,-1,USD\n"
    dash.upload.value = (
        {
            "name": "bad.csv",
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )
    assert "bad.csv row 2: price_per_segment -1 is negative" in dash.prices_feedback.value


def test_indonesian_labels(dash: SenderComparison, indonesian: None) -> None:
    assert dash.q_replies.description == "Pelanggan perlu membalas"
    assert "Empat jenis pengirim" in dash.table_title.value
    assert "Perbandingan Pengirim" in dash.header.title.value
    assert "Hanya AS dan Kanada" in dash.table.value  # restrictions from the table, in Indonesian


# --- renderers, without widgets ------------------------------------------------------------------


def test_recommendation_html_lists_reasons_for_and_against() -> None:
    rec = recommend(Needs(UseCase.CUSTOMER_CARE, True, 1000, ("GB",), 2))
    page = R.recommendation_html(rec)
    assert page.count('class="smskit-option ') == 4
    assert 'smskit-reason smskit-reason-against" data-rule="alpha_no_replies"' in page
    assert 'data-best="long_code"' in page


def test_no_fit_says_so() -> None:
    rec = recommend(Needs(UseCase.ALERTS, True, 1000, ("IN", "AE"), 0, peak_mps=Decimal(900)))
    assert 'data-best="none"' in R.recommendation_html(rec)


def test_cost_chart_marks_break_evens_when_lines_cross() -> None:
    comparison = compare("US", 10_000)
    text = R.cost_chart_svg(comparison)
    assert "<svg" in text
    if comparison.break_evens:
        assert "costs less than" in text
    else:
        assert "do not cross" in text


def test_alpha_table_has_every_country() -> None:
    table = R.alpha_table(alpha_support_table())
    assert table.count("<tr data-country=") == len(alpha_support_table())
    assert 'data-country="US"' in table and "not supported" in table


def test_duration_words() -> None:
    from datetime import timedelta

    assert R.duration(timedelta(seconds=100_000)) == "1 d 3 h"
    assert R.duration(timedelta(seconds=1_000)) == "16 min 40 s"


def test_fetch_prices_through_the_provider_from_the_simulator() -> None:
    from smskit.providers.twilio import TwilioProvider
    from smskit.simulator import start

    with start(step_delay=0) as sim:
        dash = SenderComparison(provider=TwilioProvider.for_simulator(sim))
        dash.country.value = "GB"
        dash.fetch_prices.click()
    assert dash.prices_feedback.value == ""
    assert "Pricing API" in dash.prices.origin
    assert dash.prices.price("GB").source.endswith("Pricing API (Messaging Countries)")
    assert "Twilio's current price list" in dash.prices_note.value
    assert "TwilioProvider" not in dash.prices_note.value


def test_fetch_prices_from_a_vonage_account_in_the_simulator() -> None:
    from smskit.providers.vonage import VonageProvider
    from smskit.simulator import start

    with start(step_delay=0) as sim:
        dash = SenderComparison(provider=VonageProvider.for_simulator(sim))
        dash.country.value = "GB"
        dash.fetch_prices.click()
    assert dash.prices_feedback.value == ""
    assert "Vonage" in dash.prices.price("GB").source
    assert dash.prices.price("GB").price_per_segment > 0
    assert "Vonage" in dash.prices_note.value


def test_broadcast_deadline_and_trust_score(dash: SenderComparison) -> None:
    reset(dash)
    dash.q_use_case.value, dash.q_countries.value, dash.q_weeks.value = "marketing", "US", 4
    dash.q_broadcast.value, dash.q_deadline.value = 100_000, 60  # 27.8 segments per second
    long_code = dash.recommendation.option("long_code")
    assert "throughput" in [r.rule for r in long_code.disqualifiers]
    dash.q_trust.value = 80  # 10DLC at 225 MPS
    assert dash.recommendation.option("long_code").eligible
    assert dash.recommendation.best.sender_type is SenderType.LONG_CODE
    dash.q_broadcast.value, dash.q_deadline.value, dash.q_trust.value = 0, 0, 0
