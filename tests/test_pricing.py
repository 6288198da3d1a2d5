"""Prices, ownership cost, break-even and campaign cost, with fixture prices and fees.

Fixture figures (tests/fixtures/senders): US 0.01/segment, GB 0.05; US carrier fees long code
(0.002 + 0.004) / 2 = 0.003 (a superseded 0.010 row is ignored), toll-free and short code 0.001;
short code $600 setup + $1,000/month; 10DLC $10 once + $2/month; toll-free $3/month.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from smskit import analyze
from smskit.i18n.catalog import LocalizedError
from smskit.senders.catalogue import SenderCatalogue, SenderType
from smskit.senders.countries import CountryTable, UnknownCountryError
from smskit.senders.fees import FeeSchedule
from smskit.senders.price_table import PriceTable
from smskit.senders.pricing import (
    break_even,
    break_evens,
    campaign_cost,
    compare_costs,
    message_segments,
    ownership_cost,
)

FIXTURES = Path(__file__).parent / "fixtures" / "senders"
PRICES = FIXTURES / "prices"


@pytest.fixture(scope="module")
def countries() -> CountryTable:
    return CountryTable.from_csv(FIXTURES / "countries.csv")


@pytest.fixture(scope="module")
def prices(countries: CountryTable) -> PriceTable:
    return PriceTable.from_countries(countries, "fixture")


@pytest.fixture(scope="module")
def fees() -> FeeSchedule:
    return FeeSchedule.from_folder(FIXTURES)


@pytest.fixture(scope="module")
def cat(countries: CountryTable) -> SenderCatalogue:
    return SenderCatalogue.from_folder(FIXTURES, countries)


# --- the arithmetic ------------------------------------------------------------------------------


def test_ucs2_costs_more_than_the_same_text_in_gsm7(prices: PriceTable, fees: FeeSchedule) -> None:
    gsm = "Your table is ready. " * 7  # 147 GSM-7 characters: 1 segment
    ucs2 = gsm.replace("ready", "réady").replace("table", "tąble")  # ą is not GSM: UCS-2
    assert analyze(gsm).segment_count == 1
    assert analyze(ucs2).segment_count == 3  # 147 UCS-2 characters / 67 per part
    kw = {"prices": prices, "fees": fees}
    cheap = campaign_cost([gsm], {"GB": 1000}, "alphanumeric", **kw)
    dear = campaign_cost([ucs2], {"GB": 1000}, "alphanumeric", **kw)
    assert (cheap.segments, cheap.messaging) == (1000, Decimal("50.00"))
    assert (dear.segments, dear.messaging) == (3000, Decimal("150.00"))
    assert dear.total > cheap.total


def test_message_segments_takes_texts_and_counts() -> None:
    # € is 2 septets in GSM-7: 80 fill one segment exactly, 81 need two (3GPP TS 23.038)
    assert message_segments(["Hi", "€" * 80, "€" * 81, 4]) == (1, 1, 2, 4)
    with pytest.raises(LocalizedError, match=r"messages\[1\]"):
        message_segments(["Hi", 0])


def test_campaign_cost_sums_countries_and_prorates_fixed_fees(
    prices: PriceTable, fees: FeeSchedule
) -> None:
    cost = campaign_cost(
        ["Sale today", 2], {"US": 100}, "short_code", prices=prices, fees=fees, period_months=1
    )
    assert cost.segments_per_recipient == 3 and cost.segments == 300
    assert cost.messaging == Decimal("3.00")  # 300 x 0.01
    assert cost.carrier_fees == Decimal("0.30")  # 300 x 0.001
    assert cost.fixed == Decimal("1050.00")  # 1,000 lease + 600 setup / 12 months
    assert cost.total == Decimal("1053.30")


def test_campaign_over_several_countries(prices: PriceTable, fees: FeeSchedule) -> None:
    cost = campaign_cost([1], {"GB": 10, "FR": 10}, "alphanumeric", prices=prices, fees=fees)
    assert (cost.recipients, cost.total) == (20, Decimal("1.30"))  # 10 x 0.05 + 10 x 0.08


def test_ownership_cost_12_months(prices: PriceTable, fees: FeeSchedule) -> None:
    cost = ownership_cost("long_code", "US", 1000, prices=prices, fees=fees)
    assert cost.variant == "10dlc"
    assert (cost.one_time, cost.monthly_fixed) == (Decimal(10), Decimal(2))
    assert cost.carrier_fee_per_segment == Decimal("0.003")
    assert cost.total == Decimal("190.00")  # 10 + 24 + 12,000 x 0.013


def test_segments_per_message_multiply_variable_cost(prices: PriceTable, fees: FeeSchedule) -> None:
    one = ownership_cost("toll_free", "US", 1000, prices=prices, fees=fees)
    two = ownership_cost("toll_free", "US", 1000, segments_per_message=2, prices=prices, fees=fees)
    assert two.total - one.total == Decimal("132.00")  # 12,000 more segments x 0.011


def test_guide_price_set_uses_the_guides_figures(prices: PriceTable, fees: FeeSchedule) -> None:
    cost = ownership_cost(
        "short_code", "US", 1000, price_set="guide_2023", prices=prices, fees=fees
    )
    # $650 setup + 4 quarters x $1,500 + 12,000 x ($0.0075 + $0.001 carrier fee)
    assert cost.price_per_segment == Decimal("0.0075")
    assert cost.total == Decimal("6752.00")


def test_fee_in_another_currency_is_shown_not_added(prices: PriceTable, fees: FeeSchedule) -> None:
    cost = ownership_cost("alphanumeric", "SG", 0, prices=prices, fees=fees)
    assert cost.total == Decimal("0.00")
    assert [(line.amount, line.currency) for line in cost.excluded] == [(Decimal("500.00"), "SGD")]


def test_break_even_between_long_code_and_short_code(prices: PriceTable, fees: FeeSchedule) -> None:
    lc = ownership_cost("long_code", "US", 0, prices=prices, fees=fees)
    sc = ownership_cost("short_code", "US", 0, prices=prices, fees=fees)
    point = break_even(lc, sc)
    # (12,600 - 34) / ((0.013 - 0.011) x 12) = 523,583.3 messages a month
    assert point.cheaper_below is SenderType.LONG_CODE
    assert point.cheaper_above is SenderType.SHORT_CODE
    assert point.monthly_volume == 523_584
    below = ownership_cost("long_code", "US", 523_583, prices=prices, fees=fees)
    short_below = ownership_cost("short_code", "US", 523_583, prices=prices, fees=fees)
    assert below.total < short_below.total
    above = ownership_cost("long_code", "US", 523_584, prices=prices, fees=fees)
    short_above = ownership_cost("short_code", "US", 523_584, prices=prices, fees=fees)
    assert above.total >= short_above.total


def test_no_break_even_when_one_is_cheaper_everywhere(
    prices: PriceTable, fees: FeeSchedule
) -> None:
    tf = ownership_cost("toll_free", "US", 0, prices=prices, fees=fees)
    sc = ownership_cost("short_code", "US", 0, prices=prices, fees=fees)
    point = break_even(sc, tf)
    assert point.monthly_volume is None and point.cheaper_below is SenderType.TOLL_FREE


def test_compare_costs_and_all_break_evens(
    prices: PriceTable, fees: FeeSchedule, cat: SenderCatalogue
) -> None:
    costs = compare_costs("US", 1000, prices=prices, fees=fees, catalogue=cat)
    assert [c.sender_type for c in costs] == [
        SenderType.TOLL_FREE,  # 36 + 132
        SenderType.LONG_CODE,  # 34 + 156
        SenderType.SHORT_CODE,
    ]
    points = {(p.cheaper_below, p.cheaper_above): p.monthly_volume for p in break_evens(costs)}
    # Long code (34 fixed, 0.013) vs toll-free (36 fixed, 0.011): (36 - 34) / (0.002 x 12) = 83.3
    assert points == {
        (SenderType.LONG_CODE, SenderType.TOLL_FREE): 84,
        (SenderType.LONG_CODE, SenderType.SHORT_CODE): 523_584,
    }


def test_compare_costs_skips_types_the_country_cannot_use(
    prices: PriceTable, fees: FeeSchedule, cat: SenderCatalogue
) -> None:
    costs = compare_costs("GB", 1000, prices=prices, fees=fees, catalogue=cat)
    # No toll-free SMS in GB; no short-code fee data in the fixture for GB.
    assert {c.sender_type for c in costs} == {SenderType.ALPHANUMERIC, SenderType.LONG_CODE}


# --- bad input ----------------------------------------------------------------------------------


def test_negative_volume_names_the_field(prices: PriceTable, fees: FeeSchedule) -> None:
    with pytest.raises(LocalizedError, match=r"monthly_volume .*-5"):
        ownership_cost("long_code", "US", -5, prices=prices, fees=fees)


def test_negative_recipients_names_the_country(prices: PriceTable, fees: FeeSchedule) -> None:
    with pytest.raises(LocalizedError, match=r"recipients\[GB\]"):
        campaign_cost(["Hi"], {"GB": -1}, "alphanumeric", prices=prices, fees=fees)


def test_unknown_country_code(prices: PriceTable, fees: FeeSchedule) -> None:
    with pytest.raises(UnknownCountryError, match="XX"):
        ownership_cost("long_code", "XX", 10, prices=prices, fees=fees)


def test_real_country_without_a_price(prices: PriceTable, fees: FeeSchedule) -> None:
    with pytest.raises(UnknownCountryError, match="No price for country FJ"):
        ownership_cost("long_code", "FJ", 10, prices=prices, fees=fees)


def test_unknown_price_set(prices: PriceTable, fees: FeeSchedule) -> None:
    with pytest.raises(LocalizedError, match="cheapest"):
        ownership_cost("long_code", "US", 10, price_set="cheapest", prices=prices, fees=fees)


# --- price overrides ------------------------------------------------------------------------------


def test_user_price_file_overrides_and_adds(prices: PriceTable) -> None:
    mine = PriceTable.from_csv(PRICES / "good.csv")
    merged = prices.merged(mine)
    assert merged.price("GB").price_per_segment == Decimal("0.04")
    assert merged.price("FJ").price_per_segment == Decimal("0.10")
    assert merged.price("US").price_per_segment == Decimal("0.01")
    assert merged.price("GB").source == "good.csv"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("negative.csv", "negative.csv row 2: price_per_segment -0.04 is negative"),
        ("not_a_number.csv", "not_a_number.csv row 3: price_per_segment 'cheap' is not a number"),
        ("unknown_country.csv", "unknown_country.csv row 3: country 'XX' is not an ISO 3166"),
        ("short_row.csv", "short_row.csv row 3: wrong number of fields"),
        ("missing_column.csv", "missing_column.csv: missing column(s) price_per_segment"),
        ("duplicate.csv", "duplicate.csv row 3: country GB already priced on row 2"),
        ("bad_currency.csv", "bad_currency.csv row 2: currency 'DOLLARS' is not an ISO 4217"),
        ("bad_date.csv", "bad_date.csv row 2: as_of '28/11/2026' is not a date"),
        ("empty.csv", "empty.csv has no price rows"),
    ],
)
def test_malformed_price_csv_names_row_and_field(name: str, message: str) -> None:
    with pytest.raises(LocalizedError) as caught:
        PriceTable.from_csv(PRICES / name)
    assert str(caught.value).startswith(message)


def test_missing_price_file() -> None:
    with pytest.raises(LocalizedError, match="not found"):
        PriceTable.from_csv(PRICES / "nope.csv")


def test_prices_from_the_simulator_through_the_real_provider() -> None:
    from smskit.providers.twilio import TwilioProvider
    from smskit.simulator import start

    with start(step_delay=0) as sim:
        provider = TwilioProvider.for_simulator(sim)
        table = PriceTable.from_provider(provider, ["gb", "US"])
        answer = provider.messaging_prices("GB")
    assert table.codes() == ("GB", "US")
    assert table.price("GB").price_per_segment == answer.outbound_sms_price
    assert table.price("GB").currency == "USD"
    assert "Pricing API" in table.origin


def test_provider_answer_is_checked() -> None:
    class Broken:
        def messaging_prices(self, country: str) -> object:
            from types import SimpleNamespace

            return SimpleNamespace(country=country, outbound_sms_price="-1", currency="USD")

    with pytest.raises(LocalizedError, match="negative"):
        PriceTable.from_provider(Broken(), ["GB"])
