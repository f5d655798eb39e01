"""The roles. One role per account."""
APPLICANT = "applicant"
PANEL_MEMBER = "panel_member"
ASSESSOR = "assessor"
STAFF = "staff"
ADMIN = "admin"
# A core member of the partnership (police, health, councils, probation, youth justice): the data dashboard only.
PARTNER = "partner"

ALL = (APPLICANT, PANEL_MEMBER, ASSESSOR, STAFF, ADMIN, PARTNER)
# Roles an admin invites; applicants register themselves.
INVITED = (PANEL_MEMBER, ASSESSOR, STAFF, ADMIN)
# Staff-level access: admins can do everything staff can.
STAFF_ROLES = (STAFF, ADMIN)

LABELS = {
    APPLICANT: "Community group member",
    PANEL_MEMBER: "Panel member",
    ASSESSOR: "Assessor",
    STAFF: "Staff",
    ADMIN: "Admin",
    PARTNER: "Partner (core member)",
}
