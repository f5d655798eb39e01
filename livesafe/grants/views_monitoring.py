"""Views for monitoring (issue 14, points 9 and 10): a monitoring return, the staff dashboards for one round and
every round, and the 360Giving exports of every round."""
from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants import bp, dashboard, exports, logic, monitoring
from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn
from livesafe.grants.return_forms import PLACES, return_form
from livesafe.kernel import RuleError, require
from livesafe.site.numbers import parse_int
from livesafe.site.render import render, render_invalid

STAFF = roles.STAFF_ROLES


@bp.route("/grants/applications/<int:application_id>/returns/<int:return_id>", methods=["GET", "POST"])
@roles_required(roles.APPLICANT, *STAFF)
def monitoring_return(application_id, return_id):
    application = db.get_or_404(GrantApplication, application_id)
    if not current_user.is_staff:
        require("grants.see_application", current_user, application)
    found = db.get_or_404(MonitoringReturn, return_id)
    if found.application_id != application.id:
        abort(404)
    read_only = {"application": application, "monitoring_return": found, "form": None,
                 "overdue": monitoring.is_overdue(found), "opens_on": monitoring.opens_on(found), "now": utcnow(),
                 "places": PLACES, "age_bands": logic.AGE_BANDS, "earlier_to_date": monitoring.previous_to_date(found)}
    refusal = None if current_user.is_staff else monitoring.refusal(found, current_user)
    if current_user.is_staff or refusal:
        # Staff read it; a sent return is shown, not changed; a future one says when it can be sent.
        # Sending one anyway is refused with the rule's words and status (409 sent already, 422 too early).
        if request.method == "POST" and refusal:
            return render("grants/return.html", refusal=refusal.message, status=refusal.status, **read_only)
        return render("grants/return.html", **read_only)
    form = return_form()
    context = {**read_only, "form": form}
    if form.validate_on_submit():
        values = _return_values(form)
        problems = monitoring.answer_problems(found, values)
        if problems:
            for name, message in problems:
                form[name].errors.append(message)
            return render_invalid("grants/return.html", **context)
        try:
            monitoring.submit_return(found, current_user, values)
        except RuleError as error:  # another member sent it at the same moment (409)
            # Forget what this request wrote before it lost, so the page shows the return as it was sent.
            db.session.rollback()
            return render("grants/return.html", refusal=error.message, status=error.status, **read_only)
        flash("Thank you: your monitoring return has been sent."
              + (" Our safeguarding lead has been told about the incident." if found.safeguarding_incidents else ""))
        return redirect(url_for("grants.application", application_id=application.id))
    if form.is_submitted():
        return render_invalid("grants/return.html", **context)
    return render("grants/return.html", **context)


def _number(field) -> int:
    return parse_int(field.data, grouping=True)


def _return_values(form) -> dict:
    reached = {f"age:{key}": _number(form[f"age_{key}"]) for key, _ in logic.AGE_BANDS}
    reached.update({f"district:{key}": _number(form[f"district_{key}"]) for key, _ in PLACES})
    to_date = (form.reached_to_date.data or "").strip()
    return {
        "reached": reached,
        "reached_to_date": parse_int(to_date, grouping=True) if to_date else None,
        "sessions_delivered": _number(form.sessions_delivered),
        "young_people_mentored": _number(form.young_people_mentored),
        "interventions_developed": _number(form.interventions_developed),
        "referrals_made": _number(form.referrals_made),
        "what_changed": form.what_changed.data.strip(),
        "safeguarding_incidents": _number(form.safeguarding_incidents),
        "safeguarding_details": (form.safeguarding_details.data or "").strip(),
    }


# ---------------------------------------------------------------- dashboards (staff)

@bp.route("/grants/rounds/<int:round_id>/report")
@roles_required(*STAFF)
def round_report(round_id):
    grant_round = db.get_or_404(GrantRound, round_id)
    return render("grants/dashboard/dashboard.html", data=dashboard.build(grant_round), largest=dashboard.largest)


@bp.route("/grants/report")
@roles_required(*STAFF)
def report():
    return render("grants/dashboard/dashboard.html", data=dashboard.build(), largest=dashboard.largest)


@bp.route("/grants/report/reach.csv")
@roles_required(*STAFF)
def export_reach():
    return _download(exports.reach_csv(), "all-rounds-reach.csv", "text/csv")


@bp.route("/grants/rounds/<int:round_id>/report/reach.csv")
@roles_required(*STAFF)
def export_round_reach(round_id):
    grant_round = db.get_or_404(GrantRound, round_id)
    return _download(exports.reach_csv(grant_round), f"round-{round_id}-reach.csv", "text/csv")


# ---------------------------------------------------------------- 360Giving, every round

def _download(body: str, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                      "X-Content-Type-Options": "nosniff"})


@bp.route("/grants/export/360giving.csv")
@roles_required(*STAFF)
def export_all_giving_csv():
    return _download(exports.giving_csv(), "all-rounds-360giving.csv", "text/csv")


@bp.route("/grants/export/360giving.json")
@roles_required(*STAFF)
def export_all_giving_json():
    return _download(exports.giving_json(), "all-rounds-360giving.json", "application/json")
