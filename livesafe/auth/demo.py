import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.extensions import db

PASSWORD = "livesafe-demo"
ACCOUNTS = [
    ("admin@example.org", roles.ADMIN),
    ("staff@example.org", roles.STAFF),
    ("assessor@example.org", roles.ASSESSOR),
    ("panel@example.org", roles.PANEL_MEMBER),
    ("applicant@example.org", roles.APPLICANT),
    ("partner@example.org", roles.PARTNER),  # linked to a partner organisation by livesafe/partners/demo.py
]
NAMES = {
    roles.ADMIN: "Demo Admin",
    roles.STAFF: "Demo Staff",
    roles.ASSESSOR: "Demo Assessor",
    roles.PANEL_MEMBER: "Demo Panel Member",
    roles.APPLICANT: "Demo Applicant",
    roles.PARTNER: "Demo Partner",
}


def load():
    """Create (or reset) one account per role. Safe to run twice."""
    for email, role in ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, role=role, name=NAMES[role])
            db.session.add(user)
        user.role = role
        user.active = True
        user.set_password(PASSWORD)
    db.session.commit()


def account(role: str) -> User:
    email = dict((r, e) for e, r in ACCOUNTS)[role]
    return db.session.scalar(sa.select(User).where(User.email == email))
