"""Views for e-mail texts staff can change (texts.py): the list, and one message's form with a preview."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.grants import bp, forms, texts
from livesafe.kernel import RuleError
from livesafe.kernel.errors import show_on
from livesafe.site.render import render

STAFF = roles.STAFF_ROLES


@bp.route("/grants/texts")
@roles_required(*STAFF)
def texts_list():
    changed = {key for key in texts.MESSAGES if texts.stored(key)}
    return render("grants/texts.html", messages=texts.MESSAGES.values(), changed=changed)


@bp.route("/grants/texts/<key>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_text(key):
    if key not in texts.MESSAGES:
        abort(404)
    message = texts.MESSAGES[key]
    subject, body = texts.current(key)
    form = forms.MessageForm(data={"subject": subject, "body": body})
    context = {"message": message, "form": form, "preview": None, "customised": texts.stored(key) is not None}
    if not form.is_submitted():
        return render("grants/text_form.html", **context)
    if not form.validate_on_submit():
        return render("grants/text_form.html", status=422, **context)
    action = request.form.get("action", "preview")
    if action == "reset":
        texts.reset(key, current_user)
        flash(f"“{message.label}” is back to the standard wording.")
        return redirect(url_for("grants.texts_list"))
    problems = texts.problems(key, form.subject.data, form.body.data)
    if problems:
        for name, text in problems:
            form[name].errors = list(form[name].errors) + [text]
        return render("grants/text_form.html", status=422, **context)
    if action == "save":
        try:
            texts.save(key, form.subject.data, form.body.data, current_user)
        except RuleError as error:
            return render("grants/text_form.html", status=show_on(form, error), **context)
        flash(f"“{message.label}” is saved. It is used from the next e-mail of this kind.")
        return redirect(url_for("grants.texts_list"))
    context["preview"] = texts.render(key, message.sample, form.subject.data, form.body.data)
    return render("grants/text_form.html", **context)
