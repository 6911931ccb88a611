"""Readable labels of the activity log's action codes (services/activity.py), for its pages.
A code without a label here is shown as it is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # accounts (services/accounts.py)
    "account.invited": _l("a invité le compte"),
    "account.invitation_accepted": _l("a choisi son mot de passe (invitation)"),
    "account.created": _l("a créé le compte (mot de passe temporaire)"),
    "account.password_reset": _l("a réinitialisé le mot de passe du compte"),
    "account.password_changed": _l("a changé son mot de passe"),
    "account.deactivated": _l("a désactivé le compte"),
    "account.reactivated": _l("a réactivé le compte"),
    "account.assigned": _l("a attribué l'atelier au compte"),
    "account.unassigned": _l("a retiré l'atelier au compte"),
    # the console (services/live/control.py, services/conclusions.py)
    "agenda.moved": _l("a changé le point en cours de l'ordre du jour"),
    "agenda.ended": _l("a terminé l'ordre du jour"),
    "set.opened": _l("a ouvert un questionnaire"),
    "set.closed": _l("a fermé un questionnaire"),
    "set.revealed": _l("a affiché les résultats d'un questionnaire"),
    "set.hidden": _l("a masqué les résultats d'un questionnaire"),
    "set.focused": _l("a mis une question en avant à l'écran"),
    "conclusion.put": _l("a soumis une conclusion à la salle"),
    "conclusion.closed": _l("a clos le vote sur une conclusion"),
    "conclusion.revealed": _l("a affiché le résultat d'une conclusion"),
    "conclusion.hidden": _l("a masqué le résultat d'une conclusion"),
    # sessions (authoring, privacy, exports, purge)
    "session.created": _l("a créé l'atelier"),
    "session.changed": _l("a modifié l'atelier"),
    "session.opened": _l("a ouvert l'atelier"),
    "session.closed": _l("a clos l'atelier"),
    "session.reset": _l("a remis l'atelier à zéro"),
    "session.archived": _l("a archivé l'atelier"),
    "session.purged": _l("a effacé les contributions"),
    "privacy.changed": _l("a changé les réglages des données personnelles"),
    "export": _l("a exporté la synthèse"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
