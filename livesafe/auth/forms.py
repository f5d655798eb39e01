from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from livesafe.auth import roles

PASSWORD_MIN = 10


def _password_field(label="Password"):
    return PasswordField(
        label,
        validators=[
            DataRequired(message="Enter a password"),
            Length(min=PASSWORD_MIN, max=200, message=f"Your password must be between {PASSWORD_MIN} and 200 characters"),
        ],
        description=f"At least {PASSWORD_MIN} characters. A few unrelated words make a strong password.",
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


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password")])


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[Length(max=120, message="Name must be 120 characters or fewer")])
    email = _email_field()
    password = _password_field()
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(message="Confirm your password"), EqualTo("password", message="The passwords do not match")],
    )


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class SetPasswordForm(FlaskForm):
    password = _password_field("New password")
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired(message="Confirm your new password"), EqualTo("password", message="The passwords do not match")],
    )


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
