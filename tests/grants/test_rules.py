"""Plain rules: money in pence, budgets, eligibility, round settings."""
import pytest

from livesafe.grants import logic


@pytest.mark.parametrize("typed,pence", [
    ("1500", 150000), ("1500.5", 150050), ("1500.50", 150050), ("£1,500.05", 150005), (" 0.01 ", 1), ("0", 0),
])
def test_parse_pounds(typed, pence):
    assert logic.parse_pounds(typed) == pence


@pytest.mark.parametrize("typed", ["", "abc", "1.234", "-5", "12.3.4", "£", "1e5", "½"])
def test_parse_pounds_refuses_what_is_not_money(typed):
    with pytest.raises(ValueError, match="Enter an amount in pounds"):
        logic.parse_pounds(typed)


def test_pence_survive_the_round_trip_through_a_field():
    for pence in list(range(0, 20_000, 7)) + [99, 100, 101, 10**9 - 1, 10**9]:
        assert logic.parse_pounds(logic.pounds_input(pence)) == pence
    with pytest.raises(ValueError, match="£10,000,000 or less"):  # more would not fit a PostgreSQL integer
        logic.parse_pounds(logic.pounds_input(10**9 + 1))


def test_format_pounds():
    assert logic.format_pounds(123456789) == "£1,234,567.89"
    assert logic.format_pounds(5) == "£0.05"


def test_budget_total_is_exact_in_pence():
    # 0.10 + 0.20 is not 0.30 in floating point; in pence it is.
    raw = {"item_1": "Snacks", "amount_1": "0.10", "item_2": "Bus fares", "amount_2": "0.20", "item_3": "Kit", "amount_3": "1,000.99"}
    lines, total, errors = logic.budget_lines(raw)
    assert errors == []
    assert total == 10 + 20 + 100099
    assert [line["pence"] for line in lines] == [10, 20, 100099]


def test_budget_rows_report_each_problem():
    raw = {"item_1": "Coach", "amount_1": "", "item_2": "", "amount_2": "50", "item_3": "Hall", "amount_3": "ten pounds",
           "item_4": "Free", "amount_4": "0"}
    lines, total, errors = logic.budget_lines(raw)
    fields = [name for name, _ in errors]
    assert fields == ["amount_1", "item_2", "amount_3", "amount_4"]
    assert total == 5000  # the row with an amount but no item still counts towards the draft total
    assert len(lines) == 1


def test_budget_limits(ctx):
    from tests.grants.conftest import make_round

    grant_round = make_round(minimum=50_000, maximum=500_000)
    assert logic.budget_limit_error(50_000, grant_round) is None
    assert logic.budget_limit_error(500_000, grant_round) is None
    assert "£500.00" in logic.budget_limit_error(49_999, grant_round)
    assert "£5,000.00" in logic.budget_limit_error(500_001, grant_round)


def test_eligibility_says_why():
    questions = list(logic.DEFAULT_ELIGIBILITY)
    assert logic.eligibility_failures(questions, {"0": "yes", "1": "yes", "2": "yes", "3": "no"}) == []
    failures = logic.eligibility_failures(questions, {"0": "yes", "1": "yes", "2": "no", "3": "yes"})
    assert failures == [questions[2]["reason"], questions[3]["reason"]]
    assert logic.eligibility_failures(questions, {}) == [q["reason"] for q in questions]


def test_criteria_parse_and_keep_default_keys():
    criteria = logic.parse_criteria("Need and evidence of need | 60\nSomething new | 40")
    assert criteria == [{"key": "need", "name": "Need and evidence of need", "weight": 60},
                        {"key": "something-new", "name": "Something new", "weight": 40}]
    with pytest.raises(ValueError):
        logic.parse_criteria("No weight here")
    assert logic.parse_criteria(logic.criteria_text(list(logic.DEFAULT_CRITERIA))) == list(logic.DEFAULT_CRITERIA)


def test_eligibility_text_round_trips():
    questions = list(logic.DEFAULT_ELIGIBILITY)
    assert logic.parse_eligibility(logic.eligibility_text(questions)) == questions
    with pytest.raises(ValueError):
        logic.parse_eligibility("Question? | maybe | reason")


def test_round_problems_check_weights_and_limits():
    from datetime import datetime, timezone

    opens = datetime(2027, 1, 1, tzinfo=timezone.utc)
    values = {"opens_at": opens, "closes_at": opens, "min_award_pence": 600, "max_award_pence": 500, "budget_pence": 400,
              "criteria": [{"key": "a", "name": "A", "weight": 90}]}
    fields = [name for name, _ in logic.round_problems(values)]
    assert fields == ["closes_at", "min_award", "max_award", "criteria"]
    assert logic.parse_months("12, 3,6") == [3, 6, 12]
    with pytest.raises(ValueError):
        logic.parse_months("three")
