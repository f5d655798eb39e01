import click
from flask import Blueprint

bp = Blueprint("search", __name__)


def init_app(app):
    """At start-up, rebuild the index if the content changed; add the `flask index` command."""
    from livesafe.hub.content import library_for
    from livesafe.search import index
    from livesafe.search.logic import SearchIndex
    from livesafe.search.vocabulary import load_search_data

    index_dir = app.config["SEARCH_INDEX_DIR"]
    data = load_search_data(app.config["CONTENT_DIR"])
    index.ensure_current(index_dir, library_for(app), data)
    app.extensions["search_index"] = SearchIndex(index_dir, data)

    @app.cli.command("index")
    def index_command():
        """Build the search index from content/ into a new directory and swap it in."""
        target = index.build(index_dir, library_for(app), data)
        click.echo(f"Search index built in {target} and swapped in.")


from livesafe.search import views  # noqa: E402,F401
