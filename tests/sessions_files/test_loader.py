"""Loading: the seed lands as transcribed, loads are idempotent upserts, live data is safe."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import (
    AgendaItem,
    Answer,
    Participant,
    Programme,
    Question,
    QuestionSet,
    Session,
    Speaker,
    StakeholderGroup,
    Theme,
)
from workshop.models.enums import QuestionKind
from workshop.models.session import CODE_ALPHABET, DEFAULT_STAKEHOLDER_GROUPS
from workshop.sessions_files import SessionFileError, load_paths

from .helpers import NAMUR, SEED_FILES, copy_seed, edit, line_number, remove_question, write

DURATIONS = ["moins de 6 mois", "6 à 12 mois", "1 à 2 ans", "plus de 2 ans"]

#: Every question of the seed, in order, with its kind (and options for choices).
SEED_QUESTIONS = {
    "elaboration": [
        ("Comment le partenariat a-t-il été élaboré ?", "open"),
        (
            "De quelle manière les négociations ont-elles été organisées pour définir les droits "
            "et obligations des parties (ex. Comité de coordination) ?",
            "open",
        ),
        (
            "Quelle a été la durée nécessaire à l’élaboration de l’accord de partenariat ?",
            "choice",
        ),
        ("Le montage du partenariat a-t-il nécessité l’intervention d’un tiers ?", "yesno"),
        (
            "Comment ont-été évalué a priori les apports, les bénéfices et risques respectifs ?",
            "open",
        ),
        ("Un système d'arbitrage est-il prévu en cas de conflit ?", "yesno"),
    ],
    "suivi-evaluation": [
        ("Comment sont organisés le suivi et l’évaluation du partenariat?", "open"),
        ("Qui est impliqué dans le suivi ?", "open"),
        (
            "Sur quel aspect met-on l'accent dans le suivi (avancement, réalisations, résultats) ?",
            "choice",
        ),
        ("Une évaluation intermédiaire et une évaluation finale ont-elles été prévues ?", "yesno"),
        ("Quelles peuvent en être les conséquences ?", "open"),
        ("Quelles sont les éventuelles difficultés rencontrées et comment les surmonter?", "open"),
    ],
    "articulation-valeur-ajoutee": [
        ("Comment l'accord de partenariat s'articule-t-il avec d'autres outils ?", "open"),
        (
            "Comment est-il articulé avec d'autres plans ou outils des cocontractants (ex. plan "
            "stratégique, plan d'entreprise, tableaux de bord internes, etc.)?",
            "open",
        ),
        ("Quelle est la valeur ajoutée et quelles sont les limites?", "open"),
        (
            "Quel est l'apport du partenariat par rapport une relation de délégation plus "
            "classique ?",
            "open",
        ),
        ("Cette plus-value a-t-elle été chiffrée ?", "yesno"),
        ("Quelles sont les limites du partenariat ?", "open"),
    ],
}

TABLES = (Programme, Theme, Session, AgendaItem, Speaker, StakeholderGroup, QuestionSet, Question)


def snapshot() -> dict[str, list]:
    """Every row id and its main values, table by table."""
    db.session.expire_all()
    return {
        model.__tablename__: sorted(
            tuple(
                (c.key, getattr(row, c.key))
                for c in model.__table__.columns
                if c.key not in ("created_at", "updated_at")
            )
            for row in db.session.scalars(select(model))
        )
        for model in TABLES
    }


def namur() -> Session:
    return db.session.scalar(select(Session).where(Session.slug == NAMUR))


def question(prompt_start: str) -> Question:
    return db.session.scalar(select(Question).where(Question.prompt.startswith(prompt_start)))


def answer(question: Question, session: Session, value="yes") -> Answer:
    participant = Participant(session=session, token=f"t-{question.id}-{value}")
    row = Answer(participant=participant, question=question, client_id="c1", value=value)
    db.session.add(row)
    db.session.commit()
    return row


# --- the seed --------------------------------------------------------------------------------


def test_seed_programme_has_three_themes_and_seven_workshops(app):
    report = load_paths(SEED_FILES)
    assert str(report) == "1 programme (1 created), 7 sessions (7 created)"
    programme = db.session.scalar(select(Programme))
    assert (programme.slug, programme.title, programme.organiser) == (
        "gouvernance-2008",
        "Cycle de la gouvernance",
        "Province de Namur",
    )
    assert programme.description.startswith(
        "La gouvernance est une manière d’exercer le pouvoir qui consiste à mobiliser et piloter "
        "les acteurs publics, privés et associatifs concernés de façon efficace, efficiente et "
        "durable. Il s’agit non plus de « diriger » mais de « piloter »,"
    )
    assert programme.description.endswith("avec toutes les parties prenantes.")
    assert programme.objective == (
        "identifier des moyens concrets pour améliorer la gouvernance dans les organismes publics"
    )
    assert programme.method.splitlines() == [
        "Réunir des responsables des administrations et des services publics",
        "Apporter le témoignage de responsables sur différentes pratiques et les leçons qu’ils "
        "en tirent",
        "Débattre et conclure avec les participants",
    ]
    assert [(t.title, [s.title for s in t.sessions]) for t in programme.themes] == [
        (
            "Bien gérer les politiques",
            ["Conception des politiques publiques", "Mise en œuvre des politiques publiques"],
        ),
        (
            "Mobiliser acteurs et citoyens",
            ["Contractualisation et partenariat", "Participation citoyenne"],
        ),
        (
            "Maîtriser la performance",
            [
                "L’éthique, la performance et le contrôle interne",
                "Performance et évaluation",
                "Changement de culture et culture du changement",
            ],
        ),
    ]
    light = [s for t in programme.themes for s in t.sessions if s.slug != NAMUR]
    assert {s.theme_statement for s in light} == {"à compléter"}
    assert all(not s.question_sets and not s.agenda for s in light)


def test_seed_session_is_transcribed(app):
    load_paths(SEED_FILES)
    session = namur()
    assert (session.title, session.place, session.organiser, session.date.isoformat()) == (
        "Contractualisation et partenariat",
        "Namur",
        "Province de Namur",
        "2008-12-03",
    )
    assert session.theme.title == "Mobiliser acteurs et citoyens"
    assert len(session.code) == 6
    assert set(session.code) <= set(CODE_ALPHABET)
    assert [(g.key, g.label) for g in session.stakeholder_groups] == list(
        DEFAULT_STAKEHOLDER_GROUPS
    )
    assert [(s.name, s.role, s.organisation) for s in session.speakers] == [
        (f"Intervenant·e {n} (à compléter)", "à compléter", "à compléter") for n in (1, 2, 3)
    ]
    assert [(i.kind.value, i.title) for i in session.agenda] == [
        ("welcome", "Le cycle de la gouvernance"),
        ("presentation", "Le partenariat dans le cycle de la politique publique"),
        ("presentation", "Qu’est-ce que le partenariat ?"),
        ("testimony", "Témoignage 1 (à compléter)"),
        ("testimony", "Témoignage 2 (à compléter)"),
        ("testimony", "Témoignage 3 (à compléter)"),
        ("debate", "Débat avec les participants"),
        ("conclusions", "Conclusions"),
    ]
    assert all(i.planned_start is None and i.duration_min is None for i in session.agenda)
    assert session.agenda[2].text.startswith(
        "Le partenariat est une notion récente qui apparaît dans le Larousse en "
        "[année à compléter]\n\nLa définition du Larousse s’inscrit dans une approche systémique"
    )
    testimonies = session.agenda[3:6]
    assert [(i.speakers[0].key, i.question_set.key) for i in testimonies] == [
        ("intervenant-1", "elaboration"),
        ("intervenant-2", "suivi-evaluation"),
        ("intervenant-3", "articulation-valeur-ajoutee"),
    ]


def test_seed_question_sets_have_every_question_with_its_kind(app):
    load_paths(SEED_FILES)
    sets = namur().question_sets
    assert [s.key for s in sets] == list(SEED_QUESTIONS)
    assert all(s.title.startswith("Les questions posées aux intervenants — ") for s in sets)
    assert len({s.title for s in sets}) == 3
    for qset in sets:
        assert [(q.prompt, q.kind.value) for q in qset.questions] == SEED_QUESTIONS[qset.key]
    aspect = question("Sur quel aspect")
    assert aspect.kind is QuestionKind.CHOICE
    assert aspect.options == ["avancement", "réalisations", "résultats"]
    assert question("Quelle a été la durée").options == DURATIONS
    yesno = [q for s in sets for q in s.questions if q.kind is QuestionKind.YESNO]
    assert len(yesno) == 4
    assert all(q.allow_comment and q.options == [] for q in yesno)


# --- idempotence and updates -----------------------------------------------------------------


def test_loading_twice_changes_nothing(app):
    load_paths(SEED_FILES)
    before = snapshot()
    report = load_paths(SEED_FILES)
    assert str(report) == "1 programme (1 unchanged), 7 sessions (7 unchanged)"
    assert not report.changed
    assert snapshot() == before


def test_code_is_generated_once_and_kept(app, tmp_path):
    load_paths(SEED_FILES)
    code = namur().code
    load_paths(SEED_FILES)
    assert namur().code == code


def test_edited_file_updates_in_place(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    ids = {q.key: q.id for q in namur().question_sets[1].questions}
    set_ids = [s.id for s in namur().question_sets]
    edit(files[1], "prompt: Qui est impliqué dans le suivi ?", "prompt: Qui suit le partenariat ?")
    edit(files[1], "place: Namur", "place: Namur, Palais provincial")
    edit(
        files[1],
        "      - key: consequences\n",
        "      - key: confiance\n"
        "        prompt: Quel est votre niveau de confiance ?\n"
        "        kind: scale\n"
        "        min_label: faible\n"
        "        max_label: élevé\n"
        "      - key: consequences\n",
    )
    report = load_paths(files)
    assert str(report) == "1 programme (1 unchanged), 7 sessions (1 updated, 6 unchanged)"
    session = namur()
    assert session.place == "Namur, Palais provincial"
    assert [s.id for s in session.question_sets] == set_ids
    questions = {q.key: q for q in session.question_sets[1].questions}
    assert {k: questions[k].id for k in ids} == ids
    assert questions["acteurs-suivi"].prompt == "Qui suit le partenariat ?"
    scale = questions["confiance"]
    assert (scale.position, scale.scale_min, scale.scale_max, scale.max_label) == (4, 1, 5, "élevé")
    assert questions["consequences"].position == 5


def test_removing_a_question_without_answers_deletes_it(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    remove_question(files[1], "limites")
    load_paths(files)
    assert [q.key for q in namur().question_sets[2].questions][-1] == "plus-value-chiffree"
    assert question("Quelles sont les limites du partenariat") is None


def test_a_code_in_the_file_is_used(app, tmp_path):
    files = copy_seed(tmp_path)
    edit(files[1], "place: Namur\n", "place: Namur\ncode: NAM4UR\n")
    load_paths(files)
    assert namur().code == "NAM4UR"


# --- live data is never destroyed ------------------------------------------------------------


def test_refuses_to_remove_a_question_that_has_answers(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    answer(question("Cette plus-value"), namur())
    before = snapshot()
    remove_question(files[1], "plus-value-chiffree")
    edit(files[1], "place: Namur", "place: Ailleurs")
    line = line_number(files[1], "- key: articulation-valeur-ajoutee")
    with pytest.raises(SessionFileError) as caught:
        load_paths(files)
    assert [str(p) for p in caught.value.problems] == [
        f"{files[1]}:{line}: question_sets[2].questions: la question « plus-value-chiffree » "
        "(« Cette plus-value a-t-elle été chiffrée ? ») a été retirée du fichier mais elle a "
        "1 réponse : remettez-la (un chargement n'efface jamais ce que la salle a répondu)"
    ]
    assert snapshot() == before  # nothing written, not even the place
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_refuses_to_change_the_kind_of_a_question_that_has_answers(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    answer(question("Un système d'arbitrage"), namur())
    edit(files[1], "prompt: Un système d'arbitrage est-il prévu en cas de conflit ?\n"
         "        kind: yesno\n        allow_comment: true",
         "prompt: Un système d'arbitrage est-il prévu en cas de conflit ?\n"
         "        kind: open")  # fmt: skip
    line = line_number(files[1], "prompt: Un système d'arbitrage") + 1
    with pytest.raises(SessionFileError) as caught:
        load_paths(files)
    assert [str(p) for p in caught.value.problems] == [
        f"{files[1]}:{line}: question_sets[0].questions[5].kind: le type ne peut plus passer "
        "de yesno à open : la question a 1 réponse"
    ]
    assert question("Un système d'arbitrage").kind is QuestionKind.YESNO


def test_refuses_to_remove_a_set_that_has_answers(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    answer(question("Qui est impliqué"), namur())
    text = files[1].read_text(encoding="utf-8")
    start = text.index("  - key: suivi-evaluation")
    end = text.index("  - key: articulation-valeur-ajoutee")
    files[1].write_text(text[:start] + text[end:], encoding="utf-8")
    edit(files[1], "    question_set: suivi-evaluation\n", "")
    line = line_number(files[1], "question_sets:")
    with pytest.raises(SessionFileError) as caught:
        load_paths(files)
    assert [str(p) for p in caught.value.problems] == [
        f"{files[1]}:{line}: question_sets: la série « suivi-evaluation » a été retirée du "
        "fichier mais elle a 1 réponse : remettez-la (un chargement n'efface jamais ce que la "
        "salle a répondu)"
    ]


def test_nothing_is_written_when_one_file_is_invalid(app, tmp_path):
    files = copy_seed(tmp_path)
    broken = write(tmp_path, "broken.yaml", "kind: session\nslug: x\n")
    with pytest.raises(SessionFileError) as caught:
        load_paths([*files, broken])
    assert [str(p) for p in caught.value.problems] == [
        f"{broken}:1: title: champ obligatoire absent"
    ]
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_removed_stakeholder_group_leaves_participants_without_group(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    session = namur()
    citizen = session.stakeholder_groups[3]
    participant = Participant(session=session, token="tok", group=citizen)
    db.session.add(participant)
    db.session.commit()
    edit(files[1], "place: Namur\n", "place: Namur\nstakeholder_groups:\n"
         "  - {key: public, label: Acteur public}\n")  # fmt: skip
    load_paths(files)
    db.session.expire_all()
    assert [g.key for g in namur().stakeholder_groups] == ["public"]
    assert db.session.get(Participant, participant.id).group_id is None


def test_session_file_alone_keeps_its_place_in_the_programme(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    before = snapshot()
    report = load_paths([files[1]])
    assert str(report) == "0 programmes, 1 session (1 unchanged)"
    assert snapshot() == before


def test_the_documented_example_loads(app, tmp_path):
    doc = (SEED_FILES[0].parents[1] / "docs" / "session-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    assert len(blocks) == 2
    paths = [write(tmp_path, f"example-{n}.yaml", block) for n, block in enumerate(blocks)]
    report = load_paths(paths)
    assert str(report) == "1 programme (1 created), 2 sessions (2 created)"
    session = db.session.scalar(select(Session).where(Session.slug == "atelier-exemple"))
    assert session.code == "NAM4UR"
    assert [q.kind.value for q in session.question_sets[0].questions] == [
        "choice", "yesno", "multi", "rank", "scale", "words", "open",
    ]  # fmt: skip


def test_light_entry_never_overwrites_a_prepared_session(app, tmp_path):
    files = copy_seed(tmp_path)
    load_paths(files)
    title = namur().title
    edit(
        files[0],
        "      - namur-2008-12-03-contractualisation",
        f"      - slug: {NAMUR}\n        title: Titre provisoire",
    )
    load_paths([files[0]])
    db.session.expire_all()
    assert namur().title == title
    assert len(namur().question_sets) == 3
