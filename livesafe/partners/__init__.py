"""The partnership data dashboard: anonymised extracts from the core members (police, A&E, hospital
admissions, ambulance), checked against published schemas, shown to staff and partners as safe figures,
and the public local picture."""
from flask import Blueprint

from livesafe.auth import roles

bp = Blueprint("partners", __name__)

NAVIGATION = {
    roles.PARTNER: [("partners.dashboard", "Partnership data")],
    **{role: [("partners.dashboard", "Partnership data")] for role in roles.STAFF_ROLES},
}
DASHBOARD = {
    roles.PARTNER: [("partners.dashboard", "Partnership data",
                     "Serious violence trends by district, time, age, sex, weapon and place, from the partners' data.")],
    **{role: [("partners.dashboard", "Partnership data", "The multi-agency dashboard the core partners see."),
              ("partners.datasets", "Partnership datasets", "Upload the partners' anonymised extracts, checked against their schemas."),
              ("partners.organisations", "Partner organisations", "Core member organisations and their accounts; invite partners."),
              ("partners.local_picture", "The local picture", "The public page of the latest published figures.")]
       for role in roles.STAFF_ROLES},
}

from livesafe.partners import permissions  # noqa: E402,F401
from livesafe.partners import views  # noqa: E402,F401
