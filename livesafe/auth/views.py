"""Account views (thin: parse, call logic, render). The request commits once (kernel/transactions.py);
rules refused on a form are shown on it with a 4xx status."""
import time

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from livesafe.audit.models import AuditEvent
from livesafe.auth import bp, logic, roles, twofactor
from livesafe.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    EmptyForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    PasswordCheckForm,
    RegisterForm,
    RoleForm,
    SetPasswordForm,
    TwoFactorPolicyForm,
)
from livesafe.auth.models import User
from livesafe.auth.permissions import login_required, roles_required
from livesafe.auth.redirects import safe_next
from livesafe.extensions import db
from livesafe.kernel import RuleError, require
from livesafe.kernel.errors import show_on
from livesafe.site.numbers import query_page
from livesafe.site.render import render, render_invalid

# How long the second sign-in step waits for its code.
SECOND_STEP_SECONDS = 5 * 60


def _limited(template: str, form, field, message: str, **context):
    field.errors.append(message)
    return render(template, form=form, status=429, **context)


def _signed_in(user: User, target: str | None):
    """Start the session; staff who must use two-factor and have not set it up go to set it up first."""
    login_user(user)
    if twofactor.required_for(user) and not user.two_factor_enabled:
        flash("Set up two-factor sign-in to continue: it is required for staff accounts.")
        return redirect(url_for("auth.two_factor"))
    return redirect(target or url_for("auth.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = logic.sign_in(form.email.data, form.password.data, request.remote_addr or "")
        if result.throttled:
            return _limited("auth/login.html", form, form.email,
                            "Too many failed attempts to sign in. Wait 15 minutes and try again, or reset your password.")
        if result.unconfirmed:
            form.email.errors.append("Open the link we e-mailed you when you created the account first, then sign in")
            return render_invalid("auth/login.html", form=form)
        if result.user is None:
            form.email.errors.append("The e-mail address or password is not right")
            return render_invalid("auth/login.html", form=form)
        if result.user.two_factor_enabled:
            session["second_step"] = {"user": result.user.id, "version": result.user.session_version,
                                      "at": int(time.time()), "next": safe_next()}
            return redirect(url_for("auth.login_code"))
        return _signed_in(result.user, safe_next())
    if form.is_submitted():
        return render_invalid("auth/login.html", form=form)
    return render("auth/login.html", form=form)


def _second_step_user() -> User | None:
    pending = session.get("second_step") or {}
    user = db.session.get(User, pending.get("user") or 0)
    if (user is None or not user.active or not user.two_factor_enabled or user.session_version != pending.get("version")
            or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    user = _second_step_user()
    if user is None:
        session.pop("second_step", None)
        return render("auth/login_code_expired.html", status=400)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            right = logic.check_second_factor(user, form.code.data)
        except logic.Limited as limited:
            return _limited("auth/login_code.html", form, form.code, str(limited))
        if right:
            target = session.pop("second_step", {}).get("next")
            return _signed_in(user, safe_next(target) if target else None)
        form.code.errors.append("The code is not right. Check the time on your phone is right, or use a recovery code")
        return render_invalid("auth/login_code.html", form=form)
    if form.is_submitted():
        return render_invalid("auth/login_code.html", form=form)
    return render("auth/login_code.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        logic.sign_out(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("hub.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            logic.register(form.email.data, form.password.data, form.name.data or "", request.remote_addr or "")
        except logic.Limited as limited:
            return _limited("auth/register.html", form, form.email, str(limited))
        return render("auth/check_email.html", email=form.email.data)
    if form.is_submitted():
        return render_invalid("auth/register.html", form=form)
    return render("auth/register.html", form=form)


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    found = logic.valid_token(token, logic.CONFIRM)
    if found is None:
        return render("auth/token_invalid.html", purpose=logic.CONFIRM, status=404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = logic.confirm(found, form.password.data)
        except logic.Limited as limited:
            return _limited("auth/confirm.html", form, form.password, str(limited))
        if user is None:
            form.password.errors.append("That is not the password chosen when the account was created")
            return render_invalid("auth/confirm.html", form=form)
        login_user(user)
        flash("Your account is ready.")
        return redirect(url_for("auth.dashboard"))
    if form.is_submitted():
        return render_invalid("auth/confirm.html", form=form)
    return render("auth/confirm.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            logic.request_reset(form.email.data, request.remote_addr or "")
        except logic.Limited as limited:
            return _limited("auth/forgot_password.html", form, form.email, str(limited))
        return render("auth/reset_sent.html", email=form.email.data)
    if form.is_submitted():
        return render_invalid("auth/forgot_password.html", form=form)
    return render("auth/forgot_password.html", form=form)


def _set_password(token: str, purpose: str, template: str):
    found = logic.valid_token(token, purpose)
    if found is None:
        return render("auth/token_invalid.html", purpose=purpose, status=404)
    form = SetPasswordForm()
    form.user = found.user
    if form.validate_on_submit():
        user = logic.use_token(found, form.password.data)
        session.pop("second_step", None)
        flash("Your password is set.")
        if user.two_factor_enabled:
            # A reset link proves the mailbox, not the second factor.
            flash("Sign in with your new password and your authenticator code.")
            return redirect(url_for("auth.login"))
        return _signed_in(user, None)
    if form.is_submitted():
        return render_invalid(template, form=form, user=found.user)
    return render(template, form=form, user=found.user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _set_password(token, logic.RESET, "auth/reset_password.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    return _set_password(token, logic.INVITE, "auth/accept_invite.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.user = current_user
    if form.validate_on_submit():
        try:
            right = logic.check_current_password(current_user, form.current.data)
        except logic.Limited as limited:
            return _limited("auth/change_password.html", form, form.current, str(limited))
        if not right:
            form.current.errors.append("Your current password is not right")
            return render_invalid("auth/change_password.html", form=form)
        user = current_user._get_current_object()
        logic.change_password(user, form.password.data)
        login_user(user)  # this session carries the new session version; all others end
        flash("Your password is changed. You have been signed out everywhere else.")
        return redirect(url_for("auth.dashboard"))
    if form.is_submitted():
        return render_invalid("auth/change_password.html", form=form)
    return render("auth/change_password.html", form=form)


def _two_factor_page(status: int = 200, **forms):
    user = current_user
    context = {"code_form": CodeForm(formdata=None), "codes_form": PasswordCheckForm(prefix="codes", formdata=None),
               "off_form": PasswordCheckForm(prefix="off", formdata=None),
               "required": twofactor.required_for(user), "codes_left": None, **forms}
    if user.two_factor_enabled:
        context["codes_left"] = twofactor.recovery_codes_left(user)
    else:
        secret = session.get("two_factor_setup") or twofactor.new_secret()
        session["two_factor_setup"] = secret
        address = twofactor.uri(user, secret)
        context.update(secret=secret, uri=address, qr=twofactor.qr_data_uri(address))
    return render("auth/two_factor.html", status=status, **context)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@roles_required(*roles.STAFF_ROLES)
def two_factor():
    if request.method == "GET" or current_user.two_factor_enabled:
        return _two_factor_page()
    form = CodeForm()
    secret = session.get("two_factor_setup")
    if not form.validate_on_submit() or not secret:
        return _two_factor_page(422, code_form=form)
    if not twofactor.check_setup_code(secret, form.code.data):
        form.code.errors.append("The code is not right. Check you typed the key correctly and the time on your phone is right")
        return _two_factor_page(422, code_form=form)
    codes = twofactor.enable(current_user, secret)
    session.pop("two_factor_setup", None)
    return render("auth/recovery_codes.html", codes=codes, fresh=True)


def _password_checked(form) -> bool:
    """True if the form holds the signed-in user's password; otherwise the form carries the error."""
    if not form.validate_on_submit():
        return False
    try:
        right = logic.check_current_password(current_user, form.password.data)
    except logic.Limited as limited:
        form.password.errors.append(str(limited))
        return False
    if not right:
        form.password.errors.append("Your password is not right")
    return right


@bp.route("/account/two-factor/codes", methods=["POST"])
@roles_required(*roles.STAFF_ROLES)
def recovery_codes():
    form = PasswordCheckForm(prefix="codes")
    if not current_user.two_factor_enabled:
        return redirect(url_for("auth.two_factor"))
    if not _password_checked(form):
        return _two_factor_page(422, codes_form=form)
    codes = twofactor.new_recovery_codes(current_user)
    return render("auth/recovery_codes.html", codes=codes, fresh=False)


@bp.route("/account/two-factor/off", methods=["POST"])
@roles_required(*roles.STAFF_ROLES)
def two_factor_off():
    form = PasswordCheckForm(prefix="off")
    if not _password_checked(form):
        return _two_factor_page(422, off_form=form)
    if twofactor.required_for(current_user):
        flash("Two-factor sign-in is required for staff accounts, so it cannot be turned off.")
        return redirect(url_for("auth.two_factor"))
    user = current_user._get_current_object()
    twofactor.disable(user, user)
    login_user(user)
    flash("Two-factor sign-in is off.")
    return redirect(url_for("auth.two_factor"))


@bp.route("/dashboard")
@login_required
def dashboard():
    return render("auth/dashboard.html")


@bp.route("/admin/users")
@roles_required(roles.ADMIN)
def users():
    require("auth.manage_users", current_user)
    everyone = db.session.scalars(sa.select(User).order_by(User.role, User.email)).all()
    return render("auth/users.html", users=everyone)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@roles_required(roles.ADMIN)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = logic.invite(current_user, form.email.data, form.role.data, form.name.data or "")
        except RuleError as error:
            return render("auth/invite.html", form=form, status=show_on(form, error))
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
    require("auth.manage_users", current_user, account)
    form = RoleForm(role=account.role)
    if form.validate_on_submit():
        try:
            logic.change_role(current_user, account, form.role.data)
        except RuleError as error:
            return _user_page(account, form, status=show_on(form, error))
        flash(f"{account.email} is now: {account.role_label}.")
        return redirect(url_for("auth.user", user_id=account.id))
    if form.is_submitted():
        return _user_page(account, form, status=422)
    return _user_page(account, form)


def _user_page(account: User, form, status: int = 200):
    return render("auth/user.html", status=status, form=form, account=account, status_form=EmptyForm(),
                  events=_events(account))


def _events(account: User):
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.subject_type == "User", AuditEvent.subject_id == account.id)
        .options(sa.orm.selectinload(AuditEvent.actor))  # one query for every actor, not one per event
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
    logic.set_active(current_user, account, make_active)  # refused (403, with the reason) for one's own account
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


@bp.route("/admin/users/<int:user_id>/two-factor/clear", methods=["POST"])
@roles_required(roles.ADMIN)
def clear_two_factor(user_id):
    """For a lost phone: the user sets two-factor up again at their next sign-in (if it is required)."""
    account = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    require("auth.clear_two_factor", current_user, account)  # 403 with the reason for one's own account
    if not account.two_factor_enabled:
        flash(f"{account.email} does not use two-factor sign-in.")
    else:
        twofactor.disable(current_user, account)
        flash(f"Two-factor sign-in is cleared for {account.email}, and they are signed out everywhere.")
    return redirect(url_for("auth.user", user_id=account.id))


@bp.route("/admin/two-factor", methods=["GET", "POST"])
@roles_required(roles.ADMIN)
def two_factor_policy():
    form = TwoFactorPolicyForm(roles=sorted(twofactor.chosen_roles()))
    context = {"form": form, "floor": bool(current_app.config.get("TWO_FACTOR_REQUIRED")),
               "without": twofactor.staff_without()}
    if form.validate_on_submit():
        require("auth.manage_users", current_user)
        if twofactor.set_required_roles(current_user, set(form.roles.data or ())):
            flash("Two-factor settings saved.")
        return redirect(url_for("auth.two_factor_policy"))
    if form.is_submitted():
        return render_invalid("auth/two_factor_policy.html", **context)
    return render("auth/two_factor_policy.html", **context)


@bp.route("/admin/audit")
@roles_required(roles.ADMIN)
def audit():
    require("auth.manage_users", current_user)
    events = db.paginate(
        sa.select(AuditEvent).options(sa.orm.selectinload(AuditEvent.actor))  # not one query per event
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page=query_page(10_000), per_page=50, error_out=False,
    )
    return render("auth/audit.html", events=events)
