"""Frames no Socket.IO client would send, over a real websocket to ``workshop serve``: dropped
with one warning line each, no traceback in the log, the server and the other sockets fine."""

from __future__ import annotations

import json
import time

import pytest
import websocket

from tests.support import ServerProcess, server_env

FRAMES = ["42", "42[]", '42{"a":1}', "42" + "[" * 20_000 + "]" * 20_000, "4", '42["answer",']


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frames")
    env = server_env(WORKSHOP_INSTANCE_PATH=str(folder / "instance"))
    process = ServerProcess.start(env, folder / "server.log", None, "--demo")
    process.wait_until_up()
    yield process
    process.stop()


def _socket(server: ServerProcess) -> websocket.WebSocket:
    url = server.url("/socket.io/?EIO=4&transport=websocket").replace("http", "ws", 1)
    ws = websocket.create_connection(url, timeout=10)
    assert ws.recv().startswith("0")  # the Engine.IO handshake
    return ws


def _wait_for(log, text: str, count: int) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        content = log.read_text()
        if content.count(text) >= count:
            return content
        time.sleep(0.1)  # polling the server's log file, not waiting for an effect
    return log.read_text()


def test_malformed_frames_are_one_warning_line_each(server):
    ws = _socket(server)
    for frame in FRAMES:
        ws.send(frame)
    log = _wait_for(server.log, "malformed Socket.IO frame dropped", len(FRAMES))
    assert log.count("malformed Socket.IO frame dropped") == len(FRAMES)
    assert "Traceback" not in log
    assert "answer" not in log.split("malformed", 1)[1]  # the frames' contents are not logged
    # The same connection still works: a namespace connect is answered.
    ws.send("40" + json.dumps({"code": "NOCODE", "role": "participant"}))
    assert ws.recv().startswith("44")  # refused: no such session, but answered
    ws.close()


#: Engine.IO frames that do not decode at all (not even as a packet type): each ends its own
#: connection.
TRANSPORT_FRAMES = ["zz", "", "\x00", "b" + "x" * 9]


def test_undecodable_transport_frames_close_their_connection_with_one_line(server):
    before = server.log.read_text().count("malformed Engine.IO frame")
    for frame in TRANSPORT_FRAMES:
        ws = _socket(server)
        ws.send(frame)
        ws.close()
    expected = before + len(TRANSPORT_FRAMES)
    log = _wait_for(server.log, "malformed Engine.IO frame: connection closed", expected)
    assert log.count("malformed Engine.IO frame: connection closed") == expected
    assert "Traceback" not in log
    # Other connections are fine.
    ws = _socket(server)
    ws.send("40" + json.dumps({"code": "NOCODE", "role": "participant"}))
    assert ws.recv().startswith("44")
    ws.close()
