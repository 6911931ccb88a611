"""The ``workshop validate | load | dump`` commands, through Flask's CLI runner."""

from __future__ import annotations

from sqlalchemy import select

from workshop.extensions import db
from workshop.models import Programme, Session

from .helpers import NAMUR, PROGRAMME_FILE, SEED_FILES, SESSIONS_DIR, copy_seed, edit, line_number
from .test_loader import snapshot


def test_validate_ok(runner):
    result = runner.invoke(args=["validate", *map(str, SEED_FILES)])
    assert result.exit_code == 0, result.output
    assert result.output == "OK: 2 file(s)\n"


def test_validate_a_folder(runner):
    result = runner.invoke(args=["validate", str(SESSIONS_DIR)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_validate_lists_every_problem_and_fails(runner, tmp_path):
    programme, namur = copy_seed(tmp_path)
    edit(namur, "kind: open\n      - key: acteurs-suivi", "kind: opne\n      - key: acteurs-suivi")
    edit(programme, "title: Cycle de la gouvernance", "titel: Cycle de la gouvernance")
    kind_line = line_number(namur, "kind: opne")
    result = runner.invoke(args=["validate", str(programme), str(namur)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{programme}:4: title: champ obligatoire absent",
        f"{programme}:6: titel: champ inconnu (vouliez-vous dire « title » ? permis : kind, "
        "slug, title, "
        "organiser, description, objective, method, privacy_contact, retention_days, themes)",
        f"{namur}:{kind_line}: question_sets[1].questions[0].kind: « opne » n'est pas un type de "
        "question (permis : choice, multi, yesno, scale, rank, open, words)",
        "Error: 3 problems found.",
    ]


def test_load_prints_the_report_and_refuses_invalid_files(runner, tmp_path):
    result = runner.invoke(args=["load", *map(str, SEED_FILES)])
    assert result.exit_code == 0, result.output
    assert result.output == "Loaded 2 file(s): 1 programme (1 created), 7 sessions (7 created)\n"

    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: session\nslug: broken\ntitle: [Cassé\n", encoding="utf-8")
    result = runner.invoke(args=["load", str(broken)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{broken}:4: erreur de syntaxe YAML : ")
    assert lines[-1] == "Error: 1 problem found; nothing was loaded."
    assert "Traceback" not in result.output


def test_load_dump_load_gives_the_same_data(runner, tmp_path):
    assert runner.invoke(args=["load", *map(str, SEED_FILES)]).exit_code == 0
    before = snapshot()
    session_out = tmp_path / "dumped-session.yaml"
    programme_out = tmp_path / "dumped-programme.yaml"
    result = runner.invoke(args=["dump", NAMUR, "-o", str(session_out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["dump", "--programme", "gouvernance-2008", "-o", str(programme_out)]
    )
    assert result.exit_code == 0, result.output
    code = db.session.scalar(select(Session.code).where(Session.slug == NAMUR))
    assert f"code: {code}\n" in session_out.read_text(encoding="utf-8")

    result = runner.invoke(args=["validate", str(programme_out), str(session_out)])
    assert result.output == "OK: 2 file(s)\n"
    result = runner.invoke(args=["load", str(programme_out), str(session_out)])
    assert result.output == (
        "Loaded 2 file(s): 1 programme (1 unchanged), 7 sessions (7 unchanged)\n"
    )
    assert snapshot() == before


def _without_ids(rows: list[tuple], drop: tuple[str, ...] = ()) -> list[tuple]:
    """Rows without their ids (a fresh database numbers them anew)."""
    return sorted(
        tuple(kv for kv in row if kv[0] != "id" and not kv[0].endswith("_id") and kv[0] not in drop)
        for row in rows
    )


def test_dumped_files_load_into_a_fresh_database(app, runner, tmp_path):
    runner.invoke(args=["load", *map(str, SEED_FILES)])
    (tmp_path / "s.yaml").write_text(runner.invoke(args=["dump", NAMUR]).output, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        runner.invoke(args=["dump", "--programme", "gouvernance-2008"]).output, encoding="utf-8"
    )
    before = snapshot()
    code = db.session.scalar(select(Session.code).where(Session.slug == NAMUR))
    for row in [*db.session.scalars(select(Session)), *db.session.scalars(select(Programme))]:
        db.session.delete(row)
    db.session.commit()
    assert all(rows == [] for rows in snapshot().values())

    result = runner.invoke(args=["load", str(tmp_path / "p.yaml"), str(tmp_path / "s.yaml")])
    assert result.exit_code == 0, result.output
    after = snapshot()
    assert db.session.scalar(select(Session.code).where(Session.slug == NAMUR)) == code
    for table, rows in before.items():
        # Light entries carry no join code: theirs are generated anew.
        drop = ("code",) if table == "session" else ()
        assert _without_ids(after[table], drop) == _without_ids(rows, drop), table


def test_dump_to_stdout_and_unknown_slug(runner):
    runner.invoke(args=["load", str(PROGRAMME_FILE), str(SEED_FILES[1])])
    result = runner.invoke(args=["dump", NAMUR])
    assert result.exit_code == 0
    assert result.output.startswith(f"kind: session\nslug: {NAMUR}\n")
    result = runner.invoke(args=["dump", "inconnu"])
    assert result.exit_code == 1
    assert result.output == "Error: no session with slug 'inconnu'\n"
