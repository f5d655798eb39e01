from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, EqualTo, Length

from livesafe.auth import passwords, roles
from livesafe.site.fields import MultiCheckboxField

PASSWORD_HINT = (
    f"At least {passwords.MIN_LENGTH} characters. Three or four unrelated words make a strong password "
    "that is easy to remember. Common passwords are not allowed."
)


def _password_field(label="Password"):
    return PasswordField(
        label,
        validators=[DataRequired(message="Enter a password")],
        description=PASSWORD_HINT,
        render_kw={"data-password-strength": ""},
    )


def _email_field():
    return EmailField(
        "E-mail address",
        validators=[
            DataRequired(message="Enter your e-mail address"),
            Length(max=320, message="E-mail address must be 320 characters or fewer"),
            Email(message="Enter an e-mail address in the right format, like name@example.org", check_deliverability=False),
        ],
    )


class NewPasswordMixin:
    """A new password and its confirmation, checked by the password rule against the person's own details."""

    def owner(self) -> tuple[str, str]:
        """(e-mail, name) of the person choosing the password."""
        user = getattr(self, "user", None)
        return (user.email, user.name) if user is not None else ("", "")

    def validate_password(self, field):
        problem = passwords.problem(field.data or "", *self.owner())
        if problem:
            raise ValidationError(problem)


def _confirm_field(label, message):
    return PasswordField(
        label, validators=[DataRequired(message=message), EqualTo("password", message="The passwords do not match")]
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password")])


class RegisterForm(NewPasswordMixin, FlaskForm):
    name = StringField("Your name", validators=[Length(max=120, message="Name must be 120 characters or fewer")])
    email = _email_field()
    password = _password_field()
    confirm = _confirm_field("Confirm password", "Confirm your password")

    def owner(self):
        return self.email.data or "", self.name.data or ""


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    password = _password_field("New password")
    confirm = _confirm_field("Confirm new password", "Confirm your new password")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(message="Enter your current password")])
    password = _password_field("New password")
    confirm = _confirm_field("Confirm new password", "Confirm your new password")


class ConfirmForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired(message="Enter the password you chose")])


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code"), Length(max=20, message="Enter the 6-digit code or a recovery code")],
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class PasswordCheckForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(message="Enter your password")])


class InviteForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=120, message="Name must be 120 characters or fewer")])
    email = _email_field()
    role = SelectField(
        "Role",
        choices=[(role, roles.LABELS[role]) for role in roles.INVITED],
        validate_choice=True,
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[(role, roles.LABELS[role]) for role in roles.ALL])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""


class TwoFactorPolicyForm(FlaskForm):
    # Checkboxes; an unknown role is refused as "not a valid choice".
    roles = MultiCheckboxField(
        "Require two-factor sign-in for",
        choices=[(role, roles.LABELS[role]) for role in roles.STAFF_ROLES],
    )
