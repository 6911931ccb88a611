"""Hostile files: deep nesting, aliases that expand, numbers the database cannot store.

Each is a problem with its file, line and place, as every other problem; none crashes
``validate``, ``load`` or the reader (issue 11, item 4).
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import Session
from workshop.services.validation import DB_INT_MAX, DB_INT_MIN
from workshop.sessions_files import SessionFileError, dump_session, load_paths, validate_paths
from workshop.sessions_files.bounds import MAX_DEPTH, MAX_VALUES

from .helpers import copy_seed, edit, line_number, write

HEAD = "kind: session\nslug: essai\ntitle: Essai\n"
RANGE = f"hors limites (nombres entiers de {DB_INT_MIN} à {DB_INT_MAX})"


def messages(paths) -> list[str]:
    return [str(p) for p in validate_paths(paths)]


def _only(paths) -> str:
    found = messages(paths)
    assert len(found) == 1, found
    return found[0]


# --- depth -------------------------------------------------------------------------------------


def test_twenty_thousand_nested_brackets(app, tmp_path):
    path = tmp_path / "brackets.yaml"
    path.write_text(HEAD + "agenda: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    message = _only([path])
    assert message.startswith(f"{path}:4: agenda[0][0][0]")
    assert message.endswith(
        f"nested more than {MAX_DEPTH} levels (lists and mappings inside each other; "
        "a session file needs fewer than 10)"
    )
    with pytest.raises(SessionFileError) as caught:
        load_paths([path])
    assert [str(p) for p in caught.value.problems] == [message]


def test_block_lists_nested_three_thousand_levels(app, tmp_path):
    path = tmp_path / "block.yaml"
    path.write_text(HEAD + "agenda:\n  " + "- " * 3_000 + "x\n", encoding="utf-8")
    assert f"nested more than {MAX_DEPTH} levels" in _only([path])


def test_block_mappings_nested_three_thousand_levels_name_the_line_and_place(app, tmp_path):
    lines = [HEAD + "agenda:"] + [" " * depth + "a:" for depth in range(1, 3_001)]
    path = tmp_path / "block.yaml"
    path.write_text("\n".join(lines) + " 1\n", encoding="utf-8")
    # The root mapping is level 1, agenda's value (line 5) level 2: level 51 opens on line 54.
    message = _only([path])
    assert message.startswith(f"{path}:{MAX_DEPTH + 4}: agenda.a.a.a.")
    assert f"nested more than {MAX_DEPTH} levels" in message


def test_nesting_up_to_the_bound_is_read_as_usual(app, tmp_path):
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # with the root: MAX_DEPTH levels
    path = write(tmp_path, "ok.yaml", HEAD + f"agenda: {inner}\n")
    assert messages([path]) == [
        f"{path}:4: agenda[0]: attendu : une table de champs, reçu une liste",
    ]


# --- aliases -----------------------------------------------------------------------------------


def test_billion_laughs_in_plain_lists(app, tmp_path):
    lines = [HEAD.rstrip("\n"), "objective: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"method: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _only([path])
    assert f"the file stands for more than {MAX_VALUES} values (aliases repeat too much" in message


def test_billion_laughs_shaped_like_a_session_is_refused_before_it_is_read(app, tmp_path):
    """1000 sets of 1000 questions of 1000 options in 20 kB: reading it would walk 10**9."""
    options = ", ".join(f"o{i}" for i in range(1000))
    questions = ", ".join(["*q"] * 1000)
    sets = ", ".join(["*s"] * 1000)
    path = tmp_path / "laughs.yaml"
    path.write_text(
        HEAD + f"objective: &o [{options}]\n"
        "method: &q {key: q, prompt: Q, kind: choice, options: *o}\n"
        f"place: &s {{key: s, title: S, questions: [{questions}]}}\n"
        f"question_sets: [{sets}]\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    message = _only([path])
    assert time.monotonic() - started < 5
    line = 6  # the place of the thousand questions already stands for a million values
    assert message.startswith(f"{path}:{line}: place.questions[")
    assert f"more than {MAX_VALUES} values" in message


def test_a_few_aliases_are_fine(app, tmp_path):
    path = write(
        tmp_path,
        "alias.yaml",
        HEAD
        + """
        question_sets:
          - key: s
            title: S
            questions:
              - {key: a, prompt: A, kind: choice, options: &opts [oui, non, peut-être]}
              - {key: b, prompt: B, kind: rank, options: *opts}
        """.replace("\n        ", "\n"),
    )
    assert messages([path]) == []


# --- numbers -----------------------------------------------------------------------------------

HUGE = "99999999999999999999999999"

QUESTIONS = (
    HEAD
    + """question_sets:
  - key: s
    title: S
    questions:
      - {key: e, prompt: E, kind: scale, scale_min: 1, scale_max: SCALE_MAX}
      - {key: m, prompt: M, kind: multi, options: [a, b], max_choices: MAX_CHOICES}
      - {key: w, prompt: W, kind: words, max_words: MAX_WORDS}
agenda:
  - {kind: other, title: T, duration: DURATION}
"""
)


def _numbers(tmp_path, **values) -> object:
    text = QUESTIONS
    defaults = {"SCALE_MAX": "5", "MAX_CHOICES": "2", "MAX_WORDS": "3", "DURATION": "10"}
    for key, value in {**defaults, **values}.items():
        text = text.replace(key, value)
    path = tmp_path / "numbers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_numbers_file_is_valid_as_written(app, tmp_path):
    assert messages([_numbers(tmp_path)]) == []


@pytest.mark.parametrize(
    ("field", "place"),
    [
        ("SCALE_MAX", "question_sets[0].questions[0].scale_max"),
        ("MAX_CHOICES", "question_sets[0].questions[1].max_choices"),
        ("MAX_WORDS", "question_sets[0].questions[2].max_words"),
        ("DURATION", "agenda[0].duration"),
    ],
)
def test_a_number_the_database_cannot_store_is_a_problem_and_loads_nothing(
    app, tmp_path, field, place
):
    path = _numbers(tmp_path, **{field: HUGE})
    line = line_number(path, HUGE)
    expected = [f"{path}:{line}: {place}: {HUGE} est {RANGE}"]
    assert messages([path]) == expected
    with pytest.raises(SessionFileError) as caught:
        load_paths([path])
    assert [str(p) for p in caught.value.problems] == expected
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_the_database_bounds_themselves(app, tmp_path):
    path = _numbers(tmp_path, DURATION=str(DB_INT_MAX))
    assert messages([path]) == []
    path = _numbers(tmp_path, DURATION=str(DB_INT_MAX + 1))
    assert messages([path])[0].endswith(f"agenda[0].duration: {DB_INT_MAX + 1} est {RANGE}")
    path = _numbers(tmp_path, SCALE_MAX=str(DB_INT_MIN - 1))
    assert f"scale_max: {DB_INT_MIN - 1} est {RANGE}" in messages([path])[0]


def test_a_number_of_five_thousand_digits_is_cut_in_the_message(app, tmp_path):
    path = _numbers(tmp_path, DURATION="7" * 5000)  # more digits than Python converts
    assert messages([path]) == [
        f"{path}:{line_number(path, '7777')}: agenda[0].duration: {'7' * 39}… est {RANGE}"
    ]


def test_a_scale_has_a_bounded_number_of_values(app, tmp_path):
    """Results list every value of a scale: 1 to 10**18 fits the database but never renders."""
    path = _numbers(tmp_path, SCALE_MAX=str(DB_INT_MAX))
    line = line_number(path, "scale_max")
    assert messages([path]) == [
        f"{path}:{line}: question_sets[0].questions[0].scale_max: une échelle a au plus 101 "
        f"valeurs (par exemple de 0 à 100), reçu de 1 à {DB_INT_MAX}"
    ]
    assert messages([_numbers(tmp_path, SCALE_MAX="101")]) == []


def test_a_huge_theme_number(app, tmp_path):
    programme, namur = copy_seed(tmp_path)
    edit(namur, "theme: ", "theme: 999999999999999999999 #")
    line = line_number(namur, "theme: 999")
    expected = f"{namur}:{line}: theme: 999999999999999999999 est {RANGE}"
    assert expected in messages([programme, namur])
    assert expected in messages([namur])  # alone
    with pytest.raises(SessionFileError) as caught:
        load_paths([programme, namur])
    assert expected in [str(p) for p in caught.value.problems]


# --- the command line --------------------------------------------------------------------------


def test_validate_and_load_commands_report_deep_files(runner, tmp_path):
    path = tmp_path / "brackets.yaml"
    path.write_text(HEAD + "agenda: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    for command in ("validate", "load"):
        result = runner.invoke(args=[command, str(path)])
        assert result.exit_code == 1, result.output
        assert f"{path}:4: agenda[0][0]" in result.output
        assert f"nested more than {MAX_DEPTH} levels" in result.output
        assert "1 problem found" in result.output
        assert "Traceback" not in result.output


def test_load_command_refuses_a_huge_scale_max(runner, tmp_path):
    path = _numbers(tmp_path, SCALE_MAX=HUGE)
    result = runner.invoke(args=["load", str(path)])
    assert result.exit_code == 1, result.output
    assert f"scale_max: {HUGE} est {RANGE}" in result.output
    assert "nothing was loaded" in result.output


# --- participants' data (docs/privacy.md) ------------------------------------------------------


def test_privacy_fields_load_and_round_trip(app, tmp_path):
    path = write(
        tmp_path,
        "privee.yaml",
        HEAD + "privacy_contact: vie.privee@province.namur.be\nretention_days: 180\n",
    )
    load_paths([path])
    session = db.session.scalar(select(Session).where(Session.slug == "essai"))
    assert session.privacy_contact == "vie.privee@province.namur.be"
    assert session.retention_days == 180
    dumped = dump_session("essai")
    assert "privacy_contact: vie.privee@province.namur.be" in dumped
    assert "retention_days: 180" in dumped


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("retention_days: 0", "retention_days: 0 est trop petit (au moins 1)"),
        ("retention_days: 4000", "retention_days: 4000 est trop grand (au plus 3650)"),
        ("retention_days: un an", "retention_days: « un an » n'est pas un nombre entier"),
        (
            "privacy_contact: " + "x" * 201,
            "privacy_contact: est trop long (200 caractères au plus)",
        ),
    ],
)
def test_privacy_fields_are_bounded(app, tmp_path, line, problem):
    path = write(tmp_path, "privee.yaml", HEAD + line + "\n")
    assert _only([path]).endswith(problem)
