"""Exports: applications with scores (CSV) and awarded grants in the 360Giving Data Standard
(CSV and JSON). Only organisations and projects: no person's name, e-mail or address."""
import csv
import io
import json

import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.grants import logic, scoring
from livesafe.grants.models import GrantApplication, GrantRound

FUNDER_ID = "360G-LLRVRN"
FUNDER_NAME = "Leicester, Leicestershire and Rutland Violence Reduction Network"
PREFIX = "360G-LLRVRN-"

# 360Giving CSV column titles: the required fields first, then the recommended ones we fill.
GIVING_COLUMNS = (
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
    "Amount Applied For", "Planned Dates:Start Date", "Planned Dates:End Date",
    "Beneficiary Location:Name", "Beneficiary Location:Country Code", "Grant Programme:Code", "Grant Programme:Title",
    "Last modified",
)
REQUIRED_JSON = ("id", "title", "description", "currency", "amountAwarded", "awardDate", "recipientOrganization", "fundingOrganization")


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence / 100:.2f}"


def recipient_id(organisation) -> str:
    """A registered number makes an org-id; otherwise a 360G identifier of our own."""
    if organisation.charity_number:
        return f"GB-CHC-{organisation.charity_number.replace(' ', '')}"
    if organisation.company_number:
        return f"GB-COH-{organisation.company_number.replace(' ', '').upper()}"
    return f"{PREFIX}ORG-{organisation.id}"


def _funded(grant_round: GrantRound) -> list[GrantApplication]:
    return list(db.session.scalars(
        sa.select(GrantApplication)
        .where(GrantApplication.round_id == grant_round.id, GrantApplication.state.in_(logic.FUNDED))
        .order_by(GrantApplication.id)
    ))


def giving_grants(grant_round: GrantRound) -> list[dict]:
    """Awarded grants as 360Giving JSON objects."""
    grants = []
    for application in _funded(grant_round):
        project = (application.answers or {}).get("project", {})
        grant = {
            "id": f"{PREFIX}{application.id}",
            "title": application.title,
            "description": project.get("summary", ""),
            "currency": "GBP",
            "amountAwarded": application.awarded_pence / 100,
            "amountAppliedFor": application.requested_pence / 100,
            "awardDate": application.decided_at.date().isoformat(),
            "recipientOrganization": [{"id": recipient_id(application.organisation), "name": application.organisation.name}],
            "fundingOrganization": [{"id": FUNDER_ID, "name": FUNDER_NAME}],
            "grantProgramme": [{"code": f"{PREFIX}ROUND-{grant_round.id}", "title": grant_round.name}],
            "lastModified": application.updated_at.isoformat(),
        }
        if project.get("start_date") and project.get("end_date"):
            grant["plannedDates"] = [{"startDate": project["start_date"], "endDate": project["end_date"]}]
        district = project.get("district") or application.organisation.district
        if district:
            grant["beneficiaryLocation"] = [{"name": district, "countryCode": "GB"}]
        grants.append(grant)
    return grants


def giving_json(grant_round: GrantRound) -> str:
    return json.dumps({"grants": giving_grants(grant_round)}, indent=2, ensure_ascii=False)


def giving_csv(grant_round: GrantRound) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GIVING_COLUMNS)
    for g in giving_grants(grant_round):
        dates = (g.get("plannedDates") or [{}])[0]
        location = (g.get("beneficiaryLocation") or [{}])[0]
        writer.writerow([
            g["id"], _cell(g["title"]), _cell(g["description"]), g["currency"], f"{g['amountAwarded']:.2f}", g["awardDate"],
            g["recipientOrganization"][0]["id"], _cell(g["recipientOrganization"][0]["name"]),
            g["fundingOrganization"][0]["id"], g["fundingOrganization"][0]["name"],
            f"{g['amountAppliedFor']:.2f}", dates.get("startDate", ""), dates.get("endDate", ""),
            location.get("name", ""), location.get("countryCode", ""),
            g["grantProgramme"][0]["code"], g["grantProgramme"][0]["title"], g["lastModified"],
        ])
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
