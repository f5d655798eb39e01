"""disclosure control: record keys on survey responses, survey releases

Revision ID: 0004_disclosure
Revises: 0003_merge

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0004_disclosure'
down_revision = '0003_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_key', sa.SmallInteger(), nullable=True))
    # Existing responses get random keys too (from secrets, like new ones), a batch at a time.
    connection = op.get_bind()
    responses = sa.table('survey_responses', sa.column('id', sa.Integer), sa.column('record_key', sa.SmallInteger))
    ids = [row[0] for row in connection.execute(sa.select(responses.c.id))]
    update = responses.update().where(responses.c.id == sa.bindparam('rid')).values(record_key=sa.bindparam('key'))
    for start in range(0, len(ids), 5000):
        connection.execute(update, [{'rid': rid, 'key': secrets.randbelow(256)} for rid in ids[start:start + 5000]])
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.alter_column('record_key', existing_type=sa.SmallInteger(), nullable=False)

    op.drop_table('survey_result_totals')
    op.create_table('survey_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('last_response_id', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=False),
    sa.Column('recount', sa.Boolean(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_releases_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_releases')),
    sa.UniqueConstraint('wave_id', 'number', name=op.f('uq_survey_releases_wave_id'))
    )


def downgrade():
    op.drop_table('survey_releases')
    op.create_table('survey_result_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('last_response_id', sa.Integer(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_result_totals_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_result_totals')),
    sa.UniqueConstraint('wave_id', 'dimension', name=op.f('uq_survey_result_totals_wave_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_column('record_key')
