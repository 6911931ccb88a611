"""Organisers upload session files through a web form and download them back."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import Question, Session

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"
NAMUR = "namur-2008-12-03-contractualisation"


def _upload(client, *files, dry_run=False):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    if dry_run:
        data["dry_run"] = "y"
    return client.post("/admin/", data=data, content_type="multipart/form-data")


def _seed_files():
    return [(p.name, p.read_bytes()) for p in sorted(SESSIONS.glob("*.yaml"))]


def test_admin_needs_an_organiser(client, auth, facilitator):
    assert client.get("/admin/").status_code == 302  # to the login page
    auth.login()
    assert client.get("/admin/").status_code == 403


def test_upload_loads_the_seed_and_is_idempotent(client, auth, organiser):
    auth.login("organiser")
    response = _upload(client, *_seed_files())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chargé : 1 programme (1 created), 7 sessions (7 created)" in html
    assert "Contractualisation et partenariat" in html
    count = db.session.scalar(select(func.count()).select_from(Question))
    html = _upload(client, *_seed_files()).get_data(as_text=True)
    assert "7 unchanged" in html
    assert db.session.scalar(select(func.count()).select_from(Question)) == count == 18


def test_upload_with_problems_names_file_and_place_and_loads_nothing(client, auth, organiser):
    auth.login("organiser")
    name, content = next(f for f in _seed_files() if f[0].startswith("namur"))
    broken = content.replace(b"kind: yesno", b"kind: oui-non", 1)
    response = _upload(client, (name, broken))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"{name}:" in html
    assert "« oui-non » n&#39;est pas un type de question" in html
    assert "workshop-upload-" not in html  # no server paths leak
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_dry_run_checks_without_loading(client, auth, organiser):
    auth.login("organiser")
    html = _upload(client, *_seed_files(), dry_run=True).get_data(as_text=True)
    assert "Aucun problème trouvé" in html
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_upload_without_file(client, auth, organiser):
    auth.login("organiser")
    response = client.post("/admin/", data={}, content_type="multipart/form-data")
    assert "Choisissez au moins un fichier." in response.get_data(as_text=True)


def test_download_yaml(client, auth, organiser):
    auth.login("organiser")
    _upload(client, *_seed_files())
    response = client.get(f"/admin/sessions/{NAMUR}.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert f"slug: {NAMUR}" in response.get_data(as_text=True)
    assert client.get("/admin/sessions/nope.yaml").status_code == 404


def test_upload_with_a_file_name_of_five_thousand_characters(client, auth, organiser):
    auth.login("organiser")
    name, content = next(f for f in _seed_files() if f[0].startswith("namur"))
    response = _upload(client, ("a" * 5000 + ".yaml", content))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"« {'a' * 59}… » : nom de fichier trop long (255 caractères au plus)." in html
    assert 'aria-describedby="files-error"' in html
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0
    # 255 characters are fine: the file is checked (alone, its programme is unknown).
    html = _upload(client, ("a" * 250 + ".yaml", content), dry_run=True).get_data(as_text=True)
    assert "nom de fichier trop long" not in html
    assert f"{'a' * 250}.yaml:" in html


def test_upload_with_a_name_that_is_empty_once_made_safe(client, auth, organiser):
    auth.login("organiser")
    name, content = next(f for f in _seed_files() if f[0].startswith("namur"))
    html = _upload(client, ("../..", content)).get_data(as_text=True)
    assert "« ../.. » : nom de fichier inutilisable ; renommez le fichier" in html
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_upload_of_two_files_with_the_same_safe_name(client, auth, organiser):
    auth.login("organiser")
    files = _seed_files()
    html = _upload(client, ("x.yaml", files[0][1]), ("x.yaml", files[1][1])).get_data(as_text=True)
    assert "Deux fichiers portent le même nom (x.yaml) : renommez l&#39;un d&#39;eux." in html
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_upload_of_a_deeply_nested_file_is_a_problem_not_a_500(client, auth, organiser):
    auth.login("organiser")
    deep = b"kind: session\nslug: a\ntitle: A\nagenda: " + b"[" * 20_000 + b"]" * 20_000
    response = _upload(client, ("deep.yaml", deep))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "deep.yaml:4: agenda[0][0]" in html
    assert "nested more than 50 levels" in html
    assert "workshop-upload-" not in html


def test_upload_of_a_huge_number_is_a_problem_not_a_500(client, auth, organiser):
    auth.login("organiser")
    huge = (
        b"kind: session\nslug: a\ntitle: A\nquestion_sets:\n  - key: s\n    title: S\n"
        b"    questions:\n      - {key: e, prompt: E, kind: scale, "
        b"scale_max: 99999999999999999999999999}\n"
    )
    response = _upload(client, ("huge.yaml", huge))
    assert response.status_code == 400
    assert "99999999999999999999999999 est hors limites" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0
