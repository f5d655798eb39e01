"""surveys: district answers use the keys of livesafe.places

The survey definitions spelled three districts their own way (hinckley_bosworth, nw_leicestershire,
oadby_wigston) and called Leicester "Leicester City". This rewrites everything that holds a district
answer: each wave's frozen definition (option values and labels, and conditions on the district
question), the answers, the responses' district column, drafts in progress and the stored release
tables (so released figures stay exactly the same). The downgrade puts the old spellings back.

Revision ID: 0008_surveys
Revises: 0007_members

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_surveys'
down_revision = '0007_members'
branch_labels = None
depends_on = None

# Old survey value -> livesafe.places key (the others were already the same).
KEYS = {
    "hinckley_bosworth": "hinckley-and-bosworth",
    "nw_leicestershire": "north-west-leicestershire",
    "oadby_wigston": "oadby-and-wigston",
}
# livesafe.places names where the survey label differed (the others were already the same).
LABELS = {"Leicester City": "Leicester"}

waves = sa.table("survey_waves", sa.column("id", sa.Integer), sa.column("definition", sa.JSON))
answers = sa.table("survey_answers", sa.column("wave_id", sa.Integer), sa.column("question", sa.String),
                   sa.column("option", sa.String))
responses = sa.table("survey_responses", sa.column("wave_id", sa.Integer), sa.column("district", sa.String))
drafts = sa.table("survey_drafts", sa.column("id", sa.String), sa.column("wave_id", sa.Integer),
                  sa.column("answers", sa.JSON))
releases = sa.table("survey_releases", sa.column("id", sa.Integer), sa.column("wave_id", sa.Integer),
                    sa.column("tables", sa.JSON))


def _value(value, keys):
    return keys.get(value, value) if isinstance(value, str) else value


def _definition(definition: dict, code: str, keys: dict, labels: dict) -> dict:
    for page in definition.get("pages", []):
        for question in page.get("questions", []):
            if question.get("code") == code:
                for option in question.get("options", []):
                    option["value"] = _value(option.get("value"), keys)
                    option["label"] = labels.get(option.get("label"), option.get("label"))
            condition = question.get("show_if")
            if condition and condition.get("question") == code:
                condition["any_of"] = [_value(v, keys) for v in condition.get("any_of", [])]
    for signpost in definition.get("signposts", []):
        for condition in signpost.get("when", []):
            if condition.get("question") == code:
                condition["any_of"] = [_value(v, keys) for v in condition.get("any_of", [])]
    return definition


def _tables(stored: dict, code: str, keys: dict) -> dict:
    # {dimension: [[question, option, group, count, key sum, number sum], ...]}
    rewritten = {}
    for dimension, rows in stored.items():
        rewritten[dimension] = [
            [question, _value(option, keys) if question == code else option,
             _value(group, keys) if dimension == "district" else group, *rest]
            for question, option, group, *rest in rows
        ]
    return rewritten


def _rewrite(keys: dict, labels: dict) -> None:
    bind = op.get_bind()
    for wave_id, definition in bind.execute(sa.select(waves.c.id, waves.c.definition)).all():
        code = (definition or {}).get("breakdowns", {}).get("district")
        if not code:
            continue
        bind.execute(waves.update().where(waves.c.id == wave_id)
                     .values(definition=_definition(definition, code, keys, labels)))
        for old, new in keys.items():
            bind.execute(answers.update().where(answers.c.wave_id == wave_id, answers.c.question == code,
                                                answers.c.option == old).values(option=new))
            bind.execute(responses.update().where(responses.c.wave_id == wave_id, responses.c.district == old)
                         .values(district=new))
        for draft_id, given in bind.execute(sa.select(drafts.c.id, drafts.c.answers)
                                            .where(drafts.c.wave_id == wave_id)).all():
            if given and code in given:
                given = dict(given, **{code: _value(given[code], keys)})
                bind.execute(drafts.update().where(drafts.c.id == draft_id).values(answers=given))
        for release_id, stored in bind.execute(sa.select(releases.c.id, releases.c.tables)
                                               .where(releases.c.wave_id == wave_id)).all():
            bind.execute(releases.update().where(releases.c.id == release_id)
                         .values(tables=_tables(stored or {}, code, keys)))


def upgrade():
    _rewrite(KEYS, LABELS)


def downgrade():
    _rewrite({new: old for old, new in KEYS.items()}, {new: old for old, new in LABELS.items()})
