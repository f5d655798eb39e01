"""Versions: locked once a wave uses them, safe with two staff at once, and the shipped files load without loss."""
import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError
from livesafe.surveys import definitions as defs
from livesafe.surveys import demo_translated, logic, translations, versions
from livesafe.surveys.models import SurveyVersion, SurveyWave
from livesafe import clock
from tests.helpers import at_once
from tests.surveys.conftest import staff_user


def _quick():
    return defs.validate(demo_translated.definition(), "quick-check")


def test_shipped_files_become_version_1_and_export_back_with_no_loss(ctx):
    staff = staff_user()
    made = versions.load_shipped(staff)
    assert {(v.survey_slug, v.number) for v in made} == {("young-people", 1), ("community", 1)}
    assert versions.load_shipped(staff) == []  # once only
    for version in made:
        shipped = defs.available()[version.survey_slug]
        assert version.definition == shipped
        assert defs.parse(versions.to_yaml(version.definition), "export") == shipped


def test_a_wave_is_tied_to_its_version_and_editing_a_used_version_makes_the_next(ctx):
    staff = staff_user()
    version = versions.create(_quick(), staff)
    today = clock.today()
    wave = logic.create_wave(None, "Quick", today, today, staff, version_id=version.id)
    assert wave.version_id == version.id and wave.definition == version.definition
    after = versions.edit(version.id, version.revision, lambda d: d.update(title="Changed"), staff)
    assert after.id != version.id and after.number == 2
    db.session.refresh(version)
    assert version.definition["title"] == "Quick check on feeling safe" and wave.definition["title"] != "Changed"
    # A version no wave uses is changed in place.
    again = versions.edit(after.id, after.revision, lambda d: d.update(minutes=4), staff)
    assert again.id == after.id and again.definition["minutes"] == 4


def test_an_edit_from_a_stale_page_is_refused(ctx):
    staff = staff_user()
    version = versions.create(_quick(), staff)
    seen = version.revision
    versions.edit(version.id, seen, lambda d: d.update(minutes=4), staff)
    with pytest.raises(Conflict):
        versions.edit(version.id, seen, lambda d: d.update(minutes=5), staff)


def test_a_wave_cannot_open_with_an_incomplete_language(ctx):
    staff = staff_user()
    version = versions.create(_quick(), staff)
    today = clock.today()
    wave = logic.create_wave(None, "Quick", today, today, staff, version_id=version.id)
    # The frozen definition of an older wave could lack a translation: opening checks it too.
    broken = dict(wave.definition, translations={"ur": {"title": "عنوان"}})
    wave.definition = broken
    db.session.flush()
    assert "ur" in translations.incomplete(broken)
    from livesafe.kernel import apply

    with pytest.raises(RuleError, match="Urdu translation is incomplete"):
        apply(logic.WAVES, wave, "open", staff)
    # And a wave is not even made from a version whose translation is unfinished.
    unfinished = versions.create(dict(_quick(), translations={"ur": {}}), staff)
    with pytest.raises(RuleError, match="Finish the Urdu translation"):
        logic.create_wave(None, "Quick 2", today, today, staff, version_id=unfinished.id)


def test_translation_completeness_lists_what_is_missing(ctx):
    definition = _quick()
    assert translations.missing(definition, "ur") == []
    del definition["translations"]["ur"]["questions"]["feel"]["statements"]["dark"]
    definition["translations"]["ur"]["questions"]["helps"]["options"]["clubs"] = "  "
    assert translations.missing(definition, "ur") == ["After dark", "Youth clubs open later"]
    assert translations.incomplete(definition) == {"ur": 2}
    # Localised: words change, values never do.
    urdu = translations.localise(_quick(), "ur")
    assert [v for v, _ in defs.choices(defs.question_map(urdu)["helps"])] == ["lights", "clubs", "police"]
    assert defs.question_map(urdu)["feel"]["statements"][1]["text"] == "اندھیرا ہونے کے بعد"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(languages=["ur", "en"]), "English \\(en\\) first"),
    (lambda d: d.update(languages=["en", "xx"]), "unknown languages"),
    (lambda d: d["translations"]["ur"]["questions"].update(nope={"text": "x"}), "there is no question 'nope'"),
    (lambda d: d["translations"]["ur"]["questions"]["helps"]["options"].update(bikes="x"), "has no option"),
    (lambda d: d["translations"]["ur"]["questions"]["feel"].update(scale=["x"]), "one translated label"),
    (lambda d: d["translations"].update(pl={}), "keyed by the languages"),
])
def test_bad_translations_are_refused(change, message):
    data = demo_translated.definition()
    change(data)
    with pytest.raises(defs.DefinitionError, match=message):
        defs.validate(data, "quick-check")


@pytest.mark.commits
def test_two_staff_editing_one_version_at_once_one_wins_nothing_is_lost(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("row locks need PostgreSQL (SQLite serialises every writer anyway)")
    with app.app_context():
        staff = staff_user()
        version = versions.create(_quick(), staff)
        db.session.commit()
        version_id, seen = version.id, version.revision

    def work(index):
        staff = staff_user()
        try:
            versions.edit(version_id, seen, lambda d: d.update(minutes=10 + index), staff)
            db.session.commit()
            return "saved"
        except Conflict:
            db.session.rollback()
            return "conflict"

    assert sorted(at_once(app, 4, work)) == ["conflict", "conflict", "conflict", "saved"]
    with app.app_context():
        stored = db.session.get(SurveyVersion, version_id)
        assert stored.revision == seen + 1 and stored.definition["minutes"] in (10, 11, 12, 13)


@pytest.mark.commits
def test_a_wave_made_while_the_version_is_edited_gets_one_whole_definition(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("row locks need PostgreSQL (SQLite serialises every writer anyway)")
    with app.app_context():
        staff = staff_user()
        version = versions.create(_quick(), staff)
        db.session.commit()
        version_id, seen = version.id, version.revision
    today = clock.today()

    def work(index):
        staff = staff_user()
        if index == 0:
            after = versions.edit(version_id, seen, lambda d: d.update(title="Edited"), staff)
            db.session.commit()
            return after.id
        logic.create_wave(None, "Quick", today, today, staff, version_id=version_id)
        db.session.commit()
        return "wave"

    results = at_once(app, 2, work)
    with app.app_context():
        wave = db.session.scalar(sa.select(SurveyWave))
        used = db.session.get(SurveyVersion, wave.version_id)
        # Either order: the wave's copy is exactly its version's definition, which never changes again.
        assert wave.definition == versions.ready_for_wave(used)
        edited = db.session.get(SurveyVersion, results[0])
        assert edited.definition["title"] == "Edited"


@pytest.mark.commits
def test_two_new_versions_at_once_never_fail_with_a_server_error(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent writers need PostgreSQL")
    with app.app_context():
        staff_user()
        db.session.commit()

    def work(index):
        staff = staff_user()
        try:
            versions.create(_quick(), staff)
            db.session.commit()
            return "made"
        except Conflict:
            db.session.rollback()
            return "conflict"

    results = at_once(app, 4, work)
    assert "made" in results and set(results) <= {"made", "conflict"}
    with app.app_context():
        numbers = sorted(db.session.scalars(sa.select(SurveyVersion.number)))
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == results.count("made")


def _two_versions_and_a_wave(status=logic.DRAFT):
    from livesafe.kernel import apply

    staff = staff_user()
    first = versions.create(_quick(), staff)
    today = clock.today()
    wave = logic.create_wave(None, "Quick", today, today, staff, version_id=first.id)
    second = versions.edit(first.id, first.revision, lambda d: d.update(title="Quick check, second version"), staff)
    if status == logic.OPEN:
        apply(logic.WAVES, wave, "open", staff)
    return staff, wave, first, second


def test_a_draft_wave_without_responses_can_move_to_another_version(ctx):
    staff, wave, first, second = _two_versions_and_a_wave()
    logic.change_version(wave, second.id, staff)
    assert wave.version_id == second.id and wave.definition["title"] == "Quick check, second version"


def test_a_wave_with_responses_or_open_keeps_its_version(ctx):
    staff, wave, first, second = _two_versions_and_a_wave()
    assert logic.submit(wave, {"answers": {"age_band": "11-15"}, "setting": None, "test": True})
    with pytest.raises(Conflict, match="cannot change"):
        logic.change_version(wave, second.id, staff)
    staff, wave, first, second = _two_versions_and_a_wave(logic.OPEN)
    with pytest.raises(Conflict):
        logic.change_version(wave, second.id, staff)
    other = versions.create(defs.available()["community"], staff)
    staff, wave, first, second = _two_versions_and_a_wave()
    with pytest.raises(RuleError, match="this wave's survey"):
        logic.change_version(wave, other.id, staff)


def test_the_wave_page_offers_versions_and_refuses_bad_input(app, client, demo_users):
    from tests.helpers import post, sign_in
    from livesafe.auth import roles

    with app.app_context():
        staff, wave, first, second = _two_versions_and_a_wave()
        db.session.commit()
        wave_id, second_id = wave.id, second.id
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave_id}").get_data(as_text=True)
    assert "Use another version" in page
    bad = post(client, f"/surveys/manage/{wave_id}/version", {"version": "999999"}, token_from=f"/surveys/manage/{wave_id}")
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    good = post(client, f"/surveys/manage/{wave_id}/version", {"version": str(second_id)},
                token_from=f"/surveys/manage/{wave_id}")
    assert good.status_code == 302
    with app.app_context():
        assert db.session.get(SurveyWave, wave_id).version_id == second_id
    other = app.test_client()
    sign_in(other, roles.APPLICANT)
    assert other.post(f"/surveys/manage/{wave_id}/version", data={"version": "1"}).status_code in (400, 403)
