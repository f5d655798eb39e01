"""Exports: applications with scores (CSV) and awarded grants in the 360Giving Data Standard (CSV and JSON),
for one round or every round. Only organisations and projects: no person's name, e-mail or address.

The funder's org-id and name and the grant identifier prefix are settings (GIVING_FUNDER_ID, GIVING_FUNDER_NAME,
GIVING_PREFIX; see the README). The JSON is checked in tests against the 360Giving schema vendored in
tests/grants/vendor/360giving, and the CSV against the column titles of its required fields.
"""
import csv
import io
import json

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from livesafe import disclosure, places
from livesafe.extensions import db
from livesafe.grants import logic, scoring
from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn

# 360Giving CSV column titles: the required fields first, then the recommended ones we fill.
GIVING_COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
    "Amount Applied For", "Planned Dates:Start Date", "Planned Dates:End Date",
    "Beneficiary Location:Name", "Beneficiary Location:Country Code", "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type", "Grant Programme:Code", "Grant Programme:Title", "Last Modified",
)


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence / 100:.2f}"


def funder() -> dict:
    return {"id": current_app.config["GIVING_FUNDER_ID"], "name": current_app.config["GIVING_FUNDER_NAME"]}


def prefix() -> str:
    """The 360Giving identifier prefix with its trailing hyphen, e.g. "360G-LLRVRN-"."""
    return current_app.config["GIVING_PREFIX"].rstrip("-") + "-"


def recipient_id(organisation) -> str:
    """A registered number makes an org-id; otherwise a 360G identifier of our own."""
    if organisation.charity_number:
        return f"GB-CHC-{organisation.charity_number.replace(' ', '')}"
    if organisation.company_number:
        return f"GB-COH-{organisation.company_number.replace(' ', '').upper()}"
    return f"{prefix()}ORG-{organisation.id}"


def geo_code_type(code: str) -> str:
    """The 360Giving geoCodeType of an English local authority code: E06 unitary, E07 non-metropolitan district."""
    return {"E06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB"}[code[:3]]


def beneficiary_location(district: places.District) -> dict:
    return {"name": district.name, "countryCode": "GB", "geoCode": district.code, "geoCodeType": geo_code_type(district.code)}


def _funded(grant_round: GrantRound | None) -> list[GrantApplication]:
    query = (sa.select(GrantApplication).where(GrantApplication.state.in_(logic.FUNDED))
             .options(selectinload(GrantApplication.organisation), selectinload(GrantApplication.round))
             .order_by(GrantApplication.round_id, GrantApplication.id))
    if grant_round is not None:
        query = query.where(GrantApplication.round_id == grant_round.id)
    return list(db.session.scalars(query))


def giving_grants(grant_round: GrantRound | None = None) -> list[dict]:
    """Awarded grants of one round, or every round, as 360Giving JSON objects."""
    grants = []
    start, funding = prefix(), funder()
    for application in _funded(grant_round):
        project = (application.answers or {}).get("project", {})
        grant = {
            "id": f"{start}{application.id}",
            "title": application.title,
            "description": project.get("summary", ""),
            "currency": "GBP",
            "amountAwarded": application.awarded_pence / 100,
            "amountAppliedFor": application.requested_pence / 100,
            "awardDate": application.decided_at.date().isoformat(),
            "recipientOrganization": [{"id": recipient_id(application.organisation), "name": application.organisation.name}],
            "fundingOrganization": [dict(funding)],
            "grantProgramme": [{"code": f"{start}ROUND-{application.round_id}", "title": application.round.name}],
            "dateModified": application.updated_at.isoformat(),
        }
        if project.get("start_date") and project.get("end_date"):
            grant["plannedDates"] = [{"startDate": project["start_date"], "endDate": project["end_date"]}]
        district = places.district(project.get("district") or "") or places.district(application.organisation.district or "")
        if district:
            grant["beneficiaryLocation"] = [beneficiary_location(district)]
        grants.append(grant)
    return grants


def giving_json(grant_round: GrantRound | None = None) -> str:
    return json.dumps({"grants": giving_grants(grant_round)}, indent=2, ensure_ascii=False)


def giving_csv(grant_round: GrantRound | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GIVING_COLUMNS)
    for g in giving_grants(grant_round):
        dates = (g.get("plannedDates") or [{}])[0]
        location = (g.get("beneficiaryLocation") or [{}])[0]
        writer.writerow([
            g["id"], _cell(g["title"]), _cell(g["description"]), g["currency"], f"{g['amountAwarded']:.2f}", g["awardDate"],
            g["recipientOrganization"][0]["id"], _cell(g["recipientOrganization"][0]["name"]),
            g["fundingOrganization"][0]["id"], _cell(g["fundingOrganization"][0]["name"]),
            f"{g['amountAppliedFor']:.2f}", dates.get("startDate", ""), dates.get("endDate", ""),
            location.get("name", ""), location.get("countryCode", ""), location.get("geoCode", ""),
            location.get("geoCodeType", ""), g["grantProgramme"][0]["code"], _cell(g["grantProgramme"][0]["title"]),
            g["dateModified"],
        ])
    return out.getvalue()


REACH_COLUMNS = ("Round", "Grant identifier", "Grant", "Organisation", "Period start", "Period end", "Breakdown", "Name",
                 "ONS code", "Young people")


def reach_csv(grant_round: GrantRound | None = None) -> str:
    """Young people reached, one row per grant, period and age band or district (with its ONS code). Periods are
    never added together; each count is published through livesafe.disclosure (the return is the record)."""
    from livesafe.grants.monitoring import ELSEWHERE, SENT

    query = (sa.select(MonitoringReturn).join(GrantApplication)
             .where(MonitoringReturn.state == SENT, GrantApplication.state.in_(logic.FUNDED))
             .options(selectinload(MonitoringReturn.application).selectinload(GrantApplication.organisation),
                      selectinload(MonitoringReturn.application).selectinload(GrantApplication.round))
             .order_by(GrantApplication.round_id, GrantApplication.id, MonitoringReturn.due_at))
    if grant_round is not None:
        query = query.where(GrantApplication.round_id == grant_round.id)
    places_and_codes = [(f"district:{d.key}", d.name, d.code) for d in places.DISTRICTS]
    places_and_codes.append((f"district:{ELSEWHERE}", "Somewhere else", ""))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REACH_COLUMNS)
    start = prefix()
    for item in db.session.scalars(query):
        application = item.application
        lead = [_cell(application.round.name), f"{start}{application.id}", _cell(application.title),
                _cell(application.organisation.name), item.period_start or "", item.period_end or ""]
        reached = item.reached or {}
        rows = [("Age band", label, "", reached.get(f"age:{key}", 0)) for key, label in logic.AGE_BANDS]
        rows += [("District", name, code, reached.get(key, 0)) for key, name, code in places_and_codes]
        rows.append(("All young people reached in the period", "", "", item.young_people_reached))
        for breakdown, name, code, count in rows:
            writer.writerow([*lead, breakdown, name, code, disclosure.publish(int(count), item.record_key).label])
    return out.getvalue()


def applications_csv(grant_round: GrantRound) -> str:
    """Every application being assessed or decided, in rank order, with scores and decisions."""
    from livesafe.grants import questions

    out = io.StringIO()
    writer = csv.writer(out)
    extra = questions.of_round(grant_round.id)  # the round's own questions: one column each, after the fixed ones
    writer.writerow(["Rank", "Application", "Title", "Organisation", "State", "Amount requested", "Weighted score (out of 100)",
                     "Spread", "Assessors", "Assessors differ by 2 or more", "Evidence flag", "Above funding line", "Amount awarded"]
                    + [_cell(q.label) for q in extra])
    answers = dict(db.session.execute(sa.select(GrantApplication.id, GrantApplication.answers)
                                      .where(GrantApplication.round_id == grant_round.id)).all()) if extra else {}
    for entry in scoring.moderation(grant_round):
        given = (answers.get(entry.id) or {}).get(questions.SECTION) or {}
        writer.writerow([
            entry.rank, entry.id, _cell(entry.title), _cell(entry.organisation), logic.STATE_LABELS[entry.state],
            _pounds(entry.requested_pence), "" if entry.score is None else entry.score,
            "" if entry.spread_score is None else entry.spread_score, entry.assessors,
            "yes" if entry.disagreement else "no", "harmful approach" if entry.evidence_harmful else "",
            "yes" if entry.above_line else "no", _pounds(entry.awarded_pence),
        ] + [_cell(str(given.get(str(q.id), ""))) for q in extra])
    return out.getvalue()


def _cell(value: str) -> str:
    """Stop a spreadsheet treating typed text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
