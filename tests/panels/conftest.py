import pytest

from tests.panels.factory import build_world


@pytest.fixture
def world(app):
    """Two panels with members (ids only). Logic tests add the `ctx` fixture for an app context;
    HTTP tests open short `with app.app_context():` blocks so requests get their own sessions."""
    with app.app_context():
        return build_world()
