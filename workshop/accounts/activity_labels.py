"""Readable labels of the activity log's action codes (services/activity.py), for its pages.
A code without a label here is shown as it is."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..services.accounts import REHEARSAL_USERNAME
from ..services.activity import parse_facts

ACTION_LABELS = {
    # accounts (services/accounts.py)
    "account.invited": _l("a invité le compte"),
    "account.invitation_accepted": _l("a choisi son mot de passe (invitation)"),
    "account.created": _l("a créé le compte"),
    "account.password_reset": _l("a réinitialisé le mot de passe du compte"),
    "account.password_changed": _l("a changé son mot de passe"),
    "account.deactivated": _l("a désactivé le compte"),
    "account.reactivated": _l("a réactivé le compte"),
    "account.assigned": _l("a attribué l'atelier au compte"),
    "account.unassigned": _l("a retiré l'atelier au compte"),
    # the console (services/live/control.py, services/conclusions.py)
    "agenda.started": _l("a démarré un point de l'ordre du jour"),
    "agenda.ended": _l("a terminé l'ordre du jour"),
    "set.opened": _l("a ouvert un questionnaire"),
    "set.closed": _l("a fermé un questionnaire"),
    "set.revealed": _l("a affiché les résultats d'un questionnaire"),
    "set.hidden": _l("a masqué les résultats d'un questionnaire"),
    "set.focused": _l("a mis une question en avant à l'écran"),
    "timer.paused": _l("a mis le minuteur en pause"),
    "timer.resumed": _l("a relancé le minuteur"),
    "timer.reset": _l("a remis le minuteur à zéro"),
    "timer.extended": _l("a prolongé le point en cours"),
    "screen.changed": _l("a changé l'affichage du projecteur"),
    "conclusion.put": _l("a soumis une conclusion à la salle"),
    "conclusion.closed": _l("a clos le vote sur une conclusion"),
    "conclusion.revealed": _l("a affiché le résultat d'une conclusion"),
    "conclusion.hidden": _l("a masqué le résultat d'une conclusion"),
    # the debate (services/debate/)
    "floor.added": _l("a inscrit quelqu'un de la salle sur la liste des orateurs"),
    "floor.given": _l("a donné la parole"),
    "floor.ended": _l("a clos un tour de parole"),
    "floor.removed": _l("a retiré une demande de parole"),
    "floor.moved": _l("a déplacé une demande de parole"),
    "floor.limit": _l("a changé la durée des tours de parole"),
    "qa.approved": _l("a approuvé une question de la salle"),
    "qa.hidden": _l("a masqué une question de la salle"),
    "qa.answered": _l("a marqué une question de la salle comme traitée"),
    "qa.reopened": _l("a rouvert une question de la salle"),
    "qa.merged": _l("a fusionné deux questions de la salle"),
    "qa.shown": _l("a projeté une question de la salle"),
    "qa.unshown": _l("a retiré la question projetée"),
    "qa.settings": _l("a changé la modération des questions de la salle"),
    # sessions and programmes (services/authoring/, privacy, rehearsals, exports, purge)
    "session.created": _l("a créé l'atelier"),
    "session.copied": _l("a copié l'atelier"),
    "session.changed": _l("a modifié l'atelier"),
    "session.reset": _l("a remis l'atelier à zéro"),
    "session.archived": _l("a archivé l'atelier"),
    "session.unarchived": _l("a désarchivé l'atelier"),
    "session.deleted": _l("a supprimé l'atelier"),
    "session.purged": _l("a effacé les contributions"),
    "privacy.changed": _l("a changé les réglages des données personnelles"),
    "rehearsal.started": _l("a lancé une répétition"),
    "export": _l("a exporté la synthèse"),
    "agenda.created": _l("a ajouté un point à l'ordre du jour"),
    "agenda.changed": _l("a modifié un point de l'ordre du jour"),
    "agenda.moved": _l("a déplacé un point de l'ordre du jour"),
    "agenda.deleted": _l("a supprimé un point de l'ordre du jour"),
    "set.created": _l("a créé un questionnaire"),
    "set.changed": _l("a modifié un questionnaire"),
    "set.copied": _l("a copié un questionnaire"),
    "set.moved": _l("a déplacé un questionnaire"),
    "set.deleted": _l("a supprimé un questionnaire"),
    "question.created": _l("a ajouté une question"),
    "question.changed": _l("a modifié une question"),
    "question.moved": _l("a déplacé une question"),
    "question.deleted": _l("a supprimé une question"),
    "speaker.created": _l("a ajouté un intervenant"),
    "speaker.changed": _l("a modifié un intervenant"),
    "speaker.copied": _l("a repris un intervenant"),
    "speaker.moved": _l("a déplacé un intervenant"),
    "speaker.deleted": _l("a retiré un intervenant"),
    "programme.created": _l("a créé le programme"),
    "programme.changed": _l("a modifié le programme"),
    "theme.created": _l("a ajouté un thème"),
    "theme.changed": _l("a modifié un thème"),
    "theme.moved": _l("a déplacé un thème"),
    "theme.deleted": _l("a supprimé un thème"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def actor_label(entry: Any) -> str:
    """Who did it: the account's name; the rehearsals' simulated console said as such."""
    if entry.actor == REHEARSAL_USERNAME and entry.action != "account.created":
        return _("répétition (console simulée)")
    return entry.actor or _("(inconnu)")


def _role(facts: dict[str, str]) -> str:
    from .forms import ROLE_LABELS

    return str(ROLE_LABELS.get(facts.get("role", ""), facts.get("role", "")))


def _export(facts: dict[str, str]) -> str:
    text = _("format %(format)s", format=facts.get("format", "?"))
    if facts.get("identify") == "1":
        text += _(", avec les pseudonymes")
    if facts.get("include_rehearsal") == "1":
        text += _(", répétition comprise")
    return text


def _copied(facts: dict[str, str]) -> str:
    if facts.get("with_sets") == "1":
        return _("copie de %(slug)s, avec ses questions", slug=facts.get("source", "?"))
    return _("copie de %(slug)s", slug=facts.get("source", "?"))


def _retention(facts: dict[str, str]) -> str:
    days = facts.get("retention_days", "")
    if not days.isdigit():
        return _("conservation : la durée par défaut")
    return _("conservation : %(days)s jours", days=days)


def _screen(facts: dict[str, str]) -> str:
    themes = {"dark": _("sombre"), "light": _("clair"), "contrast": _("contraste élevé")}
    theme = themes.get(facts.get("theme", ""), facts.get("theme", ""))
    seconds = facts.get("autopage_s", "0")
    if seconds in ("", "0"):
        return _("thème %(theme)s, pages à la main", theme=theme)
    return _("thème %(theme)s, page suivante toutes les %(s)s s", theme=theme, s=seconds)


_DETAILS = {
    "rehearsal.started": lambda f: _("%(n)s téléphones simulés", n=f["participants"]),
    "session.reset": lambda f: _(
        "%(n)s participant(s) effacé(s), dont %(r)s simulé(s) ; %(a)s réponse(s)",
        n=f["participants"],
        r=f["rehearsal"],
        a=f["answers"],
    ),
    "session.purged": lambda f: _(
        "%(n)s participant(s) et %(a)s réponse(s) effacés", n=f["participants"], a=f["answers"]
    ),
    "privacy.changed": _retention,
    "screen.changed": _screen,
    "export": _export,
    "session.copied": _copied,
    "account.created": _role,
    "account.invited": _role,
}


def detail_text(entry: Any) -> str:
    """The line's detail: figures and codes (services/activity.py's ``facts``) as a sentence in
    the reader's language; a title or a key as it was written."""
    facts = parse_facts(entry.detail or "")
    describe = _DETAILS.get(entry.action)
    if facts is None or describe is None:
        return entry.detail or ""
    try:
        return describe(facts)
    except KeyError:
        return entry.detail
