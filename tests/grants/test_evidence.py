"""The evidence check reads the approaches and ratings from content/evidence.yaml."""
from pathlib import Path

import pytest
import yaml

from livesafe.auth.demo import account
from livesafe.grants import evidence, logic
from tests.grants.conftest import answers, make_application


def keys(text):
    return [a.key for a in evidence.check(text)]


@pytest.mark.parametrize("text,key", [
    ("A weekend boot camp with drill instructors", "boot-camps"),
    ("We will take them on a prison visit to see the reality", "scared-straight"),
    ("A Scared Straight style day", "scared-straight"),
    ("Shock talks about knife crime in assemblies", "scare-tactics"),
    ("We use scare tactics and graphic images of wounds", "scare-tactics"),
])
def test_harmful_approaches_are_found(ctx, text, key):
    found = evidence.check(text)
    assert key in [a.key for a in found]
    assert found[0].rating == "harmful"


def test_well_rated_approaches_are_recognised(ctx):
    found = {a.key: a.rating for a in evidence.check("Weekly football with one-to-one mentoring and social skills work")}
    assert found == {"sports": "high", "mentoring": "moderate", "social-skills": "high"}


def test_saying_you_will_not_do_it_is_not_flagged(ctx):
    assert "scare-tactics" not in keys("We will not use scare tactics.")
    assert "boot-camps" not in keys("This is a supportive space, not a boot camp")
    # A negation in an earlier sentence does not cancel a later mention.
    assert "boot-camps" in keys("No fees. The summer boot camp runs for a week.")


def test_words_inside_other_words_do_not_match(ctx):
    assert keys("We support transport to the airport and a mentorship scheme") == []


def test_the_ratings_are_data_not_code(app, tmp_path):
    source = Path(app.config["CONTENT_DIR"]) / "evidence.yaml"
    entries = yaml.safe_load(source.read_text())
    assert {e["rating"] for e in entries} <= set(evidence.RATINGS)
    custom = tmp_path / "evidence.yaml"
    custom.write_text(yaml.safe_dump([{"key": "kites", "name": "Kite flying", "rating": "harmful",
                                       "explanation": "Made up for the test.", "phrases": ["kite flying"]}]))
    app.config["CONTENT_DIR"] = str(tmp_path)
    with app.app_context():
        assert [a.key for a in evidence.check("Kite flying on Saturdays, with football")] == ["kites"]


def test_saving_an_application_stores_the_flag(open_round, organisation):
    raw = answers(approach={"approach": "A military-style boot camp weekend.", "evidence": "It builds discipline."})
    application = make_application(open_round, organisation, raw=raw)
    assert application.evidence_harmful is True
    assert application.evidence_matches[0] == "boot-camps"
    logic.save_section(application, "approach", {"approach": "Mentoring and football.", "evidence": "Mentoring works."},
                       True, account("applicant"))
    assert application.evidence_harmful is False
    assert set(application.evidence_matches) == {"mentoring", "sports"}


@pytest.mark.parametrize("text,key", [
    # Described without the usual names: each is still the approach the evidence rates.
    ("Young people with no positive role models will attend a boot camp", "boot-camps"),
    ("We will use scare tactics so they think twice", "scare-tactics"),
    ("A scared-straight style day for year 9", "scared-straight"),
    ("A visit to a prison to meet inmates", "scared-straight"),
    ("Trips to HMP Leicester where prisoners talk about knife crime", "scared-straight"),
    ("We show them pictures of stab wounds so they are frightened", "scare-tactics"),
])
def test_harmful_approaches_described_in_other_words_are_found(ctx, text, key):
    assert key in keys(text), text


def test_knife_crime_awareness_assemblies_are_flagged_as_unproven(ctx):
    assert "knife-crime-talks" in keys("Knife crime awareness assemblies in six schools")


@pytest.mark.parametrize("text,key", [
    ("We will never use scare tactics or shock videos", "scare-tactics"),
    ("Our sessions avoid any scare tactics", "scare-tactics"),
    ("A calm space rather than a military-style boot camp", "boot-camps"),
])
def test_a_negation_that_governs_the_mention_still_cancels_it(ctx, text, key):
    assert key not in keys(text), text


@pytest.mark.parametrize("text", [
    "Ex-prisoners talk about how they turned their lives around, as mentors",
    "We work to stop young people being sent to prison",
])
def test_talking_about_prison_is_not_a_prison_visit(ctx, text):
    assert "scared-straight" not in keys(text), text
