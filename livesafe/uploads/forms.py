from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class UploadForm(FlaskForm):
    """One file. Every check (size, type, virus scan) is made by uploads.attach(), in one place, so the form
    has no validators of its own; a feature may subclass it to add a slot or a description."""

    file = FileField("Choose a file")
