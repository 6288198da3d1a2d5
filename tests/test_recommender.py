"""The recommender: one test per rule (issue 3 §2), on the fixture tables in tests/fixtures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from smskit.i18n.catalog import LocalizedError
from smskit.senders.catalogue import SenderCatalogue, SenderType, UseCase
from smskit.senders.countries import CountryTable, UnknownCountryError
from smskit.senders.fees import FeeSchedule
from smskit.senders.price_table import PriceTable
from smskit.senders.recommender import RULES, Needs, Option, Recommendation, recommend

FIXTURES = Path(__file__).parent / "fixtures" / "senders"
COUNTRIES = CountryTable.from_csv(FIXTURES / "countries.csv")
CAT = SenderCatalogue.from_folder(FIXTURES, COUNTRIES)
PRICES = PriceTable.from_countries(COUNTRIES, "fixture")
FEES = FeeSchedule.from_folder(FIXTURES)


def ask(
    use_case: str = "notifications", replies: bool = False, *countries: str, **kw: Any
) -> Recommendation:
    answers: dict[str, Any] = {"monthly_volume": 10_000, "weeks_to_launch": 20} | kw
    needs = Needs(UseCase(use_case), replies, countries=countries or ("GB",), **answers)
    return recommend(needs, catalogue=CAT, prices=PRICES, fees=FEES)


def rules(option: Option, kind: str) -> list[str]:
    return [r.rule for r in getattr(option, kind)]


def test_alphanumeric_ruled_out_when_replies_are_needed() -> None:
    alpha = ask("customer_care", True, "GB").option("alphanumeric")
    assert not alpha.eligible and rules(alpha, "disqualifiers") == ["alpha_no_replies"]
    assert "alpha_no_replies" in rules(
        ask("otp", False, "GB").option("alphanumeric"), "reasons_for"
    )


def test_alphanumeric_needs_support_in_every_country() -> None:
    assert "alpha_country" in rules(
        ask("otp", False, "GB", "US").option("alphanumeric"), "disqualifiers"
    )
    assert "alpha_country" in rules(ask("otp", False, "IN").option("alphanumeric"), "cautions")
    assert "alpha_country" in rules(ask("otp", False, "GB").option("alphanumeric"), "reasons_for")


def test_short_code_ruled_out_under_8_weeks() -> None:
    assert "lead_time" in rules(
        ask("marketing", False, "US", weeks_to_launch=7).option("short_code"), "disqualifiers"
    )
    assert "lead_time" not in rules(
        ask("marketing", False, "US", weeks_to_launch=8).option("short_code"), "disqualifiers"
    )


def test_uk_short_codes_take_12_to_16_weeks() -> None:
    option = ask("marketing", False, "GB", weeks_to_launch=10).option("short_code")
    assert "lead_time" in rules(option, "disqualifiers")
    assert "12-16 weeks" in str(option.disqualifiers[0].message)
    assert "gb/short-code" in option.disqualifiers[0].source


def test_short_code_ruled_out_for_recipients_abroad() -> None:
    option = ask("alerts", False, "US", "CA").option("short_code")
    assert "short_code_domestic" in rules(option, "disqualifiers")


def test_short_code_ruled_out_where_none_exist() -> None:
    assert "short_code_country" in rules(
        ask("alerts", False, "AE").option("short_code"), "disqualifiers"
    )


def test_long_code_ruled_out_for_broadcast_beyond_1_mps() -> None:
    fast = ask("marketing", False, "US", broadcast_size=10_000, deadline_minutes=60)  # 2.8 MPS
    assert "throughput" in rules(fast.option("long_code"), "disqualifiers")
    assert "throughput" in rules(fast.option("short_code"), "reasons_for")
    slow = ask("marketing", False, "US", peak_mps=Decimal(1))
    assert "throughput" in rules(slow.option("long_code"), "reasons_for")


def test_throughput_rule_applies_to_toll_free_and_10dlc_trust_score() -> None:
    needs = {"peak_mps": Decimal(5)}
    assert "throughput" in rules(
        ask("alerts", False, "US", **needs).option("toll_free"), "disqualifiers"
    )
    scored = ask("alerts", False, "US", trust_score=80, **needs).option("long_code")
    assert scored.mps == 225 and "throughput" in rules(scored, "reasons_for")


def test_long_codes_are_filtered_for_broadcast() -> None:
    assert "long_code_broadcast" in rules(
        ask("marketing", False, "GB").option("long_code"), "cautions"
    )
    assert "long_code_broadcast" not in rules(
        ask("alerts", False, "GB").option("long_code"), "cautions"
    )


def test_long_code_ruled_out_where_only_p2p_is_allowed() -> None:
    assert "long_code_p2p_only" in rules(
        ask("alerts", False, "FR").option("long_code"), "disqualifiers"
    )


def test_toll_free_only_reaches_us_and_canada() -> None:
    assert "toll_free_country" in rules(
        ask("alerts", False, "GB").option("toll_free"), "disqualifiers"
    )
    assert ask("alerts", False, "US", "CA").option("toll_free").eligible


def test_toll_free_flagged_for_marketing_where_not_allowed() -> None:
    assert "toll_free_marketing" in rules(
        ask("marketing", False, "CA").option("toll_free"), "disqualifiers"
    )
    assert "toll_free_marketing" not in rules(
        ask("alerts", False, "CA").option("toll_free"), "disqualifiers"
    )
    assert ask("marketing", False, "US").option("toll_free").eligible


def test_use_case_fit() -> None:
    assert "use_case_fit" in rules(ask("otp", False, "GB").option("alphanumeric"), "reasons_for")
    assert "use_case_fit" in rules(
        ask("customer_care", False, "GB").option("alphanumeric"), "cautions"
    )


def test_two_way_and_countries_that_drop_replies() -> None:
    option = ask("customer_care", True, "IN").option("long_code")
    assert "two_way" in rules(option, "reasons_for")
    assert "two_way" in rules(option, "cautions")  # India rewrites the sender


def test_short_code_deliverability_for_broadcasts() -> None:
    option = ask("marketing", False, "US").option("short_code")
    assert "short_code_deliverability" in rules(option, "reasons_for")


def test_budget_rules_out_what_costs_too_much() -> None:
    tight = ask("marketing", False, "US", monthly_budget=Decimal(500))
    short = tight.option("short_code")
    assert "budget" in rules(short, "disqualifiers")
    assert short.monthly_cost is not None and short.monthly_cost > 1000
    assert "budget" in rules(tight.option("toll_free"), "reasons_for")


def test_every_reason_cites_a_known_rule_and_source() -> None:
    for rec in (ask("marketing", True, "US", "IN", peak_mps=Decimal(5)), ask("otp", False, "GB")):
        for option in rec.options:
            for reason in option.reasons_for + option.cautions + option.disqualifiers:
                assert reason.rule in RULES
                assert reason.source.strip()


def test_replies_versus_one_way_otp_to_the_uk_change_the_answer() -> None:
    otp = ask("otp", False, "GB", weeks_to_launch=2)
    care = ask("customer_care", True, "GB", weeks_to_launch=2)
    assert otp.best is not None and otp.best.sender_type is SenderType.ALPHANUMERIC
    assert care.best is not None and care.best.sender_type is SenderType.LONG_CODE
    assert [o.sender_type for o in otp.options][-1] is not SenderType.ALPHANUMERIC


def test_eligible_options_rank_first() -> None:
    options = ask("marketing", False, "US", weeks_to_launch=4).options
    flags = [o.eligible for o in options]
    assert flags == sorted(flags, reverse=True)


def test_no_best_when_everything_is_ruled_out() -> None:
    rec = ask("alerts", True, "IN", "AE", weeks_to_launch=0, peak_mps=Decimal(500))
    assert rec.best is None


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"monthly_volume": -1}, "monthly_volume"),
        ({"weeks_to_launch": -2}, "weeks_to_launch"),
        ({"peak_mps": Decimal(-1)}, "peak_mps"),
        ({"monthly_budget": Decimal(-5)}, "monthly_budget"),
        ({"broadcast_size": 0}, "broadcast_size"),
        ({"monthly_volume": 1.5}, "monthly_volume"),
    ],
)
def test_bad_answers_name_the_field(answers: dict[str, Any], field: str) -> None:
    base: dict[str, Any] = {"monthly_volume": 10, "weeks_to_launch": 2}
    with pytest.raises(LocalizedError, match=field):
        Needs(UseCase.OTP, False, countries=("GB",), **(base | answers))


def test_unknown_country_and_empty_countries() -> None:
    with pytest.raises(UnknownCountryError, match="XX"):
        Needs(UseCase.OTP, False, 10, ("XX",), 2)
    with pytest.raises(LocalizedError, match="countries"):
        Needs(UseCase.OTP, False, 10, (), 2)


def test_unknown_use_case() -> None:
    with pytest.raises(LocalizedError, match="use_case 'gossip'"):
        Needs("gossip", False, 10, ("GB",), 2)  # type: ignore[arg-type]
