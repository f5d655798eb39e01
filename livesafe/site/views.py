from livesafe.extensions import csrf
from livesafe.site import bp, exit
from livesafe.site.render import render


@bp.route("/privacy")
def privacy():
    return render("site/privacy.html")


@bp.route("/accessibility")
def accessibility():
    return render("site/accessibility.html")


@bp.route("/staying-private")
def staying_private():
    return render("site/staying_private.html")


@bp.route("/exit", methods=["GET", "POST"])
@csrf.exempt  # leaving must never fail; it only destroys this visitor's own state
def quick_exit():
    return exit.leave()
