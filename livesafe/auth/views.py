from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from livesafe.audit.models import AuditEvent
from livesafe.auth import bp, logic, roles
from livesafe.auth.forms import EmptyForm, ForgotPasswordForm, InviteForm, LoginForm, RegisterForm, RoleForm, SetPasswordForm
from livesafe.auth.models import User
from livesafe.auth.permissions import login_required, roles_required
from livesafe.extensions import db
from livesafe.site.numbers import query_page
from livesafe.site.render import render, render_invalid


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = logic.sign_in(form.email.data, form.password.data, request.remote_addr or "")
        if result.throttled:
            form.email.errors.append(
                "Too many failed attempts to sign in. Wait 15 minutes and try again, or reset your password."
            )
            return render("auth/login.html", form=form, status=429)
        if result.user is None:
            form.email.errors.append("The e-mail address or password is not right")
            return render_invalid("auth/login.html", form=form)
        login_user(result.user)
        return redirect(_safe_next(request.args.get("next")) or url_for("auth.dashboard"))
    if form.is_submitted():
        return render_invalid("auth/login.html", form=form)
    return render("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("hub.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        if logic.find_user(form.email.data):
            form.email.errors.append("An account already uses this e-mail address. Sign in or reset your password.")
            return render_invalid("auth/register.html", form=form)
        user = logic.register_applicant(form.email.data, form.password.data, form.name.data or "")
        login_user(user)
        flash("Your account is ready.")
        return redirect(url_for("auth.dashboard"))
    if form.is_submitted():
        return render_invalid("auth/register.html", form=form)
    return render("auth/register.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        logic.request_reset(form.email.data)
        return render("auth/reset_sent.html", email=form.email.data)
    if form.is_submitted():
        return render_invalid("auth/forgot_password.html", form=form)
    return render("auth/forgot_password.html", form=form)


def _set_password(token: str, purpose: str, template: str):
    found = logic.valid_token(token, purpose)
    if found is None:
        return render("auth/token_invalid.html", purpose=purpose, status=404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = logic.use_token(found, form.password.data)
        login_user(user)
        flash("Your password is set. You are signed in.")
        return redirect(url_for("auth.dashboard"))
    if form.is_submitted():
        return render_invalid(template, form=form, user=found.user)
    return render(template, form=form, user=found.user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _set_password(token, logic.RESET, "auth/reset_password.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    return _set_password(token, logic.INVITE, "auth/accept_invite.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    return render("auth/dashboard.html")


@bp.route("/admin/users")
@roles_required(roles.ADMIN)
def users():
    everyone = db.session.scalars(sa.select(User).order_by(User.role, User.email)).all()
    return render("auth/users.html", users=everyone)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@roles_required(roles.ADMIN)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        if logic.find_user(form.email.data):
            form.email.errors.append("An account already uses this e-mail address")
            return render_invalid("auth/invite.html", form=form)
        user = logic.invite(current_user, form.email.data, form.role.data, form.name.data or "")
        flash(f"Invitation sent to {user.email}.")
        return redirect(url_for("auth.users"))
    if form.is_submitted():
        return render_invalid("auth/invite.html", form=form)
    return render("auth/invite.html", form=form)


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(roles.ADMIN)
def user(user_id):
    account = _user_or_404(user_id)
    form = RoleForm(role=account.role)
    if form.validate_on_submit():
        if account.id == current_user.id and form.role.data != roles.ADMIN:
            form.role.errors.append("You cannot remove your own admin role; ask another admin")
            return render_invalid("auth/user.html", form=form, account=account, status_form=EmptyForm(), events=_events(account))
        logic.change_role(current_user, account, form.role.data)
        flash(f"{account.email} is now: {account.role_label}.")
        return redirect(url_for("auth.user", user_id=account.id))
    if form.is_submitted():
        return render_invalid("auth/user.html", form=form, account=account, status_form=EmptyForm(), events=_events(account))
    return render("auth/user.html", form=form, account=account, status_form=EmptyForm(), events=_events(account))


def _events(account: User):
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.subject_type == "User", AuditEvent.subject_id == account.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@roles_required(roles.ADMIN)
def set_active(user_id):
    account = _user_or_404(user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    make_active = request.form.get("active") == "1"
    if account.id == current_user.id and not make_active:
        flash("You cannot deactivate your own account.")
        return redirect(url_for("auth.user", user_id=account.id))
    logic.set_active(current_user, account, make_active)
    flash(f"{account.email} is {'active' if make_active else 'deactivated'}.")
    return redirect(url_for("auth.user", user_id=account.id))


@bp.route("/admin/users/<int:user_id>/resend-invite", methods=["POST"])
@roles_required(roles.ADMIN)
def resend_invite(user_id):
    account = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    logic.resend_invite(current_user, account)
    flash(f"A new invitation link was sent to {account.email}.")
    return redirect(url_for("auth.user", user_id=account.id))


@bp.route("/admin/audit")
@roles_required(roles.ADMIN)
def audit():
    events = db.paginate(
        sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page=query_page(10_000), per_page=50, error_out=False,
    )
    return render("auth/audit.html", events=events)
