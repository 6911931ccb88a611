"""Request bodies are bounded per route: small for forms, a few MB for session-file uploads;
larger ones are answered 413 with a page in the user's language, before they are read."""

from __future__ import annotations

import pytest


def test_an_anonymous_oversized_post_is_refused(client):
    response = client.post("/join", data={"code": "x" * 100_000})
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)


def test_the_refusal_speaks_the_users_language(client):
    headers = {"Accept-Language": "en"}
    response = client.post("/join", data={"code": "x" * 100_000}, headers=headers)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_a_form_of_ordinary_size_is_read(client):
    assert client.post("/join", data={"code": "ABCDEF"}).status_code in (302, 404)


@pytest.fixture
def organiser_client(client, auth, organiser):
    auth.login("organiser")
    return client


def _upload(client, size):
    """A multipart body written out (the test client would spool a big one to a file)."""
    content = b"title: x\n" + b"#" * size
    body = (
        b'--b\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\ny\r\n'
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.yaml"\r\n'
        b"Content-Type: application/x-yaml\r\n\r\n" + content + b"\r\n--b--\r\n"
    )
    return client.post("/admin/", data=body, content_type="multipart/form-data; boundary=b")


def test_the_session_file_upload_takes_a_few_megabytes(app, organiser_client):
    assert _upload(organiser_client, 1_000_000).status_code in (200, 400)  # read and checked


def test_an_oversized_upload_is_refused_before_it_is_parsed(app, organiser_client):
    assert _upload(organiser_client, app.config["MAX_UPLOAD_LENGTH"] + 1).status_code == 413
