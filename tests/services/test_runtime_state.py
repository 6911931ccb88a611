"""Each app holds its own live state (caches and registries): two apps never share it."""

from __future__ import annotations

from workshop import create_app
from workshop.extensions import db
from workshop.services import live, runtime_state


def _app(tmp_path, name):
    from tests import builders

    return create_app(builders.app_config(tmp_path, name))


def test_two_apps_never_share_their_live_state(tmp_path):
    from tests import builders

    first, second = _app(tmp_path, "one"), _app(tmp_path, "two")
    states = [app.extensions[runtime_state.EXTENSION_KEY] for app in (first, second)]
    assert states[0] is not states[1]
    assert states[0].server_id != states[1].server_id
    assert states[0].writer is not states[1].writer
    assert states[0].results is not states[1].results
    with first.app_context():
        session = builders.gen_session()
        live.connect(session.code, "screen", sid="sid-1")
        assert live.socket_state("sid-1").session_id == session.id
        assert live.state() is states[0]
        db.session.remove()
    with second.app_context():
        assert live.socket_state("sid-1") is None
        assert live.state() is states[1]
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_a_refused_connect_registers_no_socket(app):
    import pytest

    from workshop.services.errors import ServiceError

    with pytest.raises(ServiceError):
        live.connect("NOCODE", "participant", sid="sid-x")
    assert live.socket_state("sid-x") is None
