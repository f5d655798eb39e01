from livesafe.hub import bp
from livesafe.site.render import render


@bp.route("/")
def home():
    return render("hub/home.html")


@bp.route("/get-help")
def get_help():
    return render("hub/get_help.html")
