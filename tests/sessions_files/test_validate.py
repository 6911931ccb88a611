"""Validation: every problem of every file, each with its file, line, place and allowed values."""

from __future__ import annotations

from workshop.sessions_files import validate_paths

from .helpers import SEED_FILES, copy_seed, edit, line_number, write

SESSION_HEAD = """
    kind: session
    slug: essai
    title: Essai
"""


def messages(paths) -> list[str]:
    return [str(p) for p in validate_paths(paths)]


def test_seed_files_are_valid(app):
    assert validate_paths(SEED_FILES) == []


def test_seed_files_are_valid_without_database():
    assert validate_paths(SEED_FILES) == []


def test_bad_question_kind_names_file_line_place_value_and_allowed(app, tmp_path):
    files = copy_seed(tmp_path)
    namur = files[1]
    edit(namur, "prompt: Qui est impliqué dans le suivi ?\n        kind: open",
         "prompt: Qui est impliqué dans le suivi ?\n        kind: multiple")  # fmt: skip
    line = line_number(namur, "kind: multiple")
    assert messages(files) == [
        f"{namur}:{line}: question_sets[1].questions[1].kind: « multiple » n'est pas un type "
        "de question (permis : choice, multi, yesno, scale, rank, open, words)"
    ]


def test_missing_title(app, tmp_path):
    files = copy_seed(tmp_path)
    namur = files[1]
    edit(namur, "  - kind: debate\n    title: Débat avec les participants\n", "  - kind: debate\n")
    line = line_number(namur, "- kind: debate")
    assert messages(files) == [f"{namur}:{line}: agenda[6].title: champ obligatoire absent"]


def test_unknown_key_suggests_the_close_one(app, tmp_path):
    files = copy_seed(tmp_path)
    namur = files[1]
    edit(namur, "prompt: Cette plus-value", "promt: Cette plus-value")
    line = line_number(namur, "promt:")
    assert messages(files) == [
        f"{namur}:{line - 1}: question_sets[2].questions[4].prompt: champ obligatoire absent",
        f"{namur}:{line}: question_sets[2].questions[4].promt: champ inconnu (vouliez-vous "
        "dire « prompt » ? permis : key, prompt, kind, options, scale_min, scale_max, min_label, "
        "max_label, max_choices, max_words, max_length, allow_comment)",
    ]


def test_bad_date(app, tmp_path):
    files = copy_seed(tmp_path)
    namur = files[1]
    edit(namur, "date: 2008-12-03", "date: 2008-13-03")
    assert messages(files) == [
        f"{namur}:10: date: « 2008-13-03 » n'est pas une date valide (attendu : AAAA-MM-JJ)"
    ]


def test_unknown_speaker_reference(app, tmp_path):
    files = copy_seed(tmp_path)
    namur = files[1]
    edit(namur, "speakers: [intervenant-2]", "speakers: [intervenant-9]")
    line = line_number(namur, "intervenant-9")
    assert messages(files) == [
        f"{namur}:{line}: agenda[4].speakers[0]: « intervenant-9 » n'est pas une clé "
        "d'intervenant de cet atelier (connues : intervenant-1, intervenant-2, intervenant-3)"
    ]


def test_unknown_question_set_reference(app, tmp_path):
    files = copy_seed(tmp_path)
    namur = files[1]
    edit(namur, "question_set: elaboration", "question_set: elaboraton")
    line = line_number(namur, "question_set: elaboraton")
    assert messages(files) == [
        f"{namur}:{line}: agenda[3].question_set: « elaboraton » n'est pas une clé de "
        "série de questions de cet atelier (connues : elaboration, suivi-evaluation, "
        "articulation-valeur-ajoutee)"
    ]


def test_yaml_syntax_error_has_its_line_and_no_traceback(app, tmp_path):
    path = write(
        tmp_path,
        "broken.yaml",
        """
        kind: session
        slug: essai
        title: Essai
          place: Namur
        """,
    )
    assert messages([path]) == [
        f"{path}:4: erreur de syntaxe YAML : mapping values are not allowed here"
    ]


def test_unclosed_list_is_a_syntax_error(app, tmp_path):
    path = write(tmp_path, "broken.yaml", SESSION_HEAD + "    speakers: [a, b\n")
    [problem] = validate_paths([path])
    assert problem.file == str(path)
    assert problem.line == 5
    assert problem.message.startswith("erreur de syntaxe YAML : ")


def test_problems_of_several_files_are_all_reported(app, tmp_path):
    first = write(
        tmp_path,
        "first.yaml",
        SESSION_HEAD
        + """\
    date: 3 décembre 2008
    question_sets:
      - key: s1
        title: Questions
        questions:
          - key: q1
            prompt: Le montage a-t-il nécessité un tiers ?
            kind: yesno
            options: [oui, non]
    """,
    )
    second = write(
        tmp_path,
        "second.yaml",
        """
        kind: session
        slug: Essai 2
        title: Essai 2
        """,
    )
    assert messages([first, second]) == [
        f"{first}:4: date: « 3 décembre 2008 » n'est pas une date valide (attendu : AAAA-MM-JJ)",
        f"{first}:12: question_sets[0].questions[0].options: les questions yesno ont des "
        "options fixes (yes, no, dontknow) : retirez options",
        f"{second}:2: slug: « Essai 2 » n'est pas un identifiant valide (lettres minuscules, "
        "chiffres et tirets simples, 80 caractères au plus, par exemple "
        "namur-2008-12-03-contractualisation)",
    ]


def test_question_kind_rules(app, tmp_path):
    path = write(
        tmp_path,
        "kinds.yaml",
        SESSION_HEAD
        + """\
    question_sets:
      - key: s1
        title: Règles
        questions:
          - key: choice
            prompt: Un seul choix ?
            kind: choice
            options: [seul]
          - key: scale
            prompt: Échelle ?
            kind: scale
            scale_min: 5
            scale_max: 1
            max_words: 2
          - key: open
            prompt: Ouverte ?
            kind: open
            options: [a, b]
          - key: multi
            prompt: Plusieurs ?
            kind: multi
            options: [a, b, a]
            max_choices: 4
          - key: words
            prompt: En trois mots ?
            kind: words
            max_words: many
          - key: choice
            prompt: Doublon ?
            kind: yesno
            allow_comment: oui
    """,
    )
    assert messages([path]) == [
        f"{path}:11: question_sets[0].questions[0].options: une question choice demande au "
        "moins 2 options (1 donnée)",
        f"{path}:16: question_sets[0].questions[1].scale_max: doit être plus grand que le "
        "minimum (5), reçu 1",
        f"{path}:17: question_sets[0].questions[1].max_words: seulement pour les questions "
        "words (celle-ci est scale)",
        f"{path}:21: question_sets[0].questions[2].options: seulement pour les questions "
        "choice / multi / rank (celle-ci est open)",
        f"{path}:25: question_sets[0].questions[3].options[2]: option en double « a »",
        f"{path}:26: question_sets[0].questions[3].max_choices: 4 dépasse le nombre d'options (3)",
        f"{path}:30: question_sets[0].questions[4].max_words: « many » n'est pas un nombre entier",
        f"{path}:31: question_sets[0].questions[5].key: la clé « choice » est déjà utilisée "
        "(ligne 8)",
        f"{path}:34: question_sets[0].questions[5].allow_comment: « oui » n'est ni true ni false",
    ]


def test_duplicate_keys_slugs_and_unknown_programme(app, tmp_path):
    first = write(
        tmp_path,
        "a.yaml",
        SESSION_HEAD
        + """\
    title: Encore
    programme: inconnu
    speakers:
      - {key: s1, name: A}
      - {key: s1, name: B}
    """,
    )
    second = write(tmp_path, "b.yaml", SESSION_HEAD)
    assert messages([first, second]) == [
        f"{first}:4: title: champ donné deux fois (la première fois ligne 3)",
        f"{first}:8: speakers[1].key: la clé « s1 » est déjà utilisée (ligne 7)",
        f"{second}:1: slug: identifiant « essai » en double (aussi dans {first})",
    ]
    fixed = write(tmp_path, "a.yaml", SESSION_HEAD + "    programme: inconnu\n")
    assert messages([fixed]) == [
        f"{fixed}:4: programme: programme inconnu « inconnu » : chargez son fichier avec celui-ci"
    ]


def test_missing_kind_and_empty_file(app, tmp_path):
    nokind = write(tmp_path, "nokind.yaml", "slug: essai\ntitle: Essai\n")
    empty = write(tmp_path, "empty.yaml", "# nothing yet\n")
    badkind = write(tmp_path, "badkind.yaml", "kind: atelier\nslug: essai\n")
    assert messages([nokind, empty, badkind]) == [
        f"{nokind}:1: kind: champ obligatoire absent (permis : programme, session)",
        f"{empty}: le fichier est vide (il doit commencer par kind: session)",
        f"{badkind}:1: kind: « atelier » n'est pas un type de fichier (permis : programme, "
        "session)",
    ]


def test_bad_times_durations_and_codes(app, tmp_path):
    path = write(
        tmp_path,
        "times.yaml",
        SESSION_HEAD
        + """\
    code: ABC123
    agenda:
      - kind: welcome
        title: Accueil
        start: "25:00"
        duration: une heure
      - kind: break
        title: Pause
        start: 10:30
        duration: 15
    """,
    )
    assert messages([path]) == [
        f"{path}:4: code: « ABC123 » n'est pas un code d'accès (6 caractères parmi "
        "ACDEFGHJKMNPQRTUVWXY34679 ; laissez-le vide pour qu'il soit créé)",
        f"{path}:8: agenda[0].start: « 25:00 » n'est pas une heure valide (attendu : HH:MM, par "
        "exemple 09:30)",
        f"{path}:9: agenda[0].duration: « une heure » n'est pas un nombre entier",
    ]


def test_programme_and_session_must_agree(app, tmp_path):
    files = copy_seed(tmp_path)
    programme, namur = files
    edit(namur, "theme: Mobiliser acteurs et citoyens", "theme: 3")
    assert messages(files) == [
        f"{namur}:9: theme: « 3 » ne correspond pas au fichier du programme, qui donne cet "
        "atelier dans le thème 2 (« Mobiliser acteurs et citoyens »)"
    ]
    edit(programme, "      - namur-2008-12-03-contractualisation  #", "      #")
    assert messages(files) == [
        f"{namur}:8: programme: cet atelier n'est pas dans les thèmes du programme "
        f"« gouvernance-2008 » ({programme}) : ajoutez « - namur-2008-12-03-contractualisation » "
        "à son thème"
    ]


def test_programme_references_an_unknown_session(app, tmp_path):
    files = copy_seed(tmp_path)
    programme = files[0]
    line = line_number(programme, "- namur-2008-12-03-contractualisation")
    assert messages([programme]) == [
        f"{programme}:{line}: themes[1].sessions[0]: atelier inconnu "
        "« namur-2008-12-03-contractualisation » : donnez son fichier en même temps, ou écrivez "
        "une entrée légère (slug et title)"
    ]
