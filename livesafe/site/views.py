from livesafe.site import bp
from livesafe.site.render import render


@bp.route("/privacy")
def privacy():
    return render("site/privacy.html")


@bp.route("/accessibility")
def accessibility():
    return render("site/accessibility.html")
