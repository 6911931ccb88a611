"""Pages of the live session (participant, projector, console).

Endpoint names are a contract used by other templates: ``live.join``, ``live.participant``,
``live.screen``, ``live.console``, ``live.handout`` (and ``live.qr``, the QR code as SVG).

The pages render what does not change (title, agenda, QR code) and hand the rest to the small
scripts in ``static/js/``, which follow docs/protocol.md over Socket.IO. Every string those scripts
show comes from :func:`js_strings`, rendered into the page as JSON.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from .. import limits
from ..auth.access import facilitator_required
from ..extensions import csrf, db
from ..models.session import Session, normalise_code
from ..services import privacy
from ..services.live import tokens
from .qr import is_local_only, join_url, public_url, qr_svg

bp = Blueprint("live", __name__)

#: A normalised code longer than this is not worth a query.
_MAX_CODE_INPUT = 16
QR_MAX_AGE = 60 * 60 * 24  # the QR of a code never changes, but PUBLIC_URL might


def find_session(raw_code: str | None) -> Session | None:
    code = normalise_code(raw_code or "")
    if not code or len(code) > _MAX_CODE_INPUT:
        return None
    return db.session.scalar(select(Session).where(Session.code == code))


def _join_form(error: str | None = None, code: str = "", status: int = 200):
    return (
        render_template("live/join.html", error=error, code=code, privacy=privacy.generic_notice()),
        status,
    )


@bp.route("/join", methods=["GET", "POST"])
@csrf.exempt  # changes nothing: it only looks a code up and redirects
def join():
    """Type the code shown in the room; GET ``?code=`` or POST ``code``."""
    raw = request.form.get("code") if request.method == "POST" else request.args.get("code")
    if raw is None:
        return _join_form()
    if not normalise_code(raw):
        return _join_form(_("Saisissez le code affiché à l'écran."), raw, 400)
    wait = limits.retry_after(limits.join_check())
    if wait:
        return _join_form(limits.too_many_codes(wait), raw, 429)
    session = find_session(raw)
    if session is None:
        limits.count(limits.join_check())
        return _join_form(
            _(
                "Aucun atelier en cours ne porte le code « %(code)s ». Vérifiez-le et réessayez.",
                code=normalise_code(raw)[:_MAX_CODE_INPUT],
            ),
            raw,
            404,
        )
    return redirect(url_for(".participant", code=session.code))


@bp.route("/j/<code>")
def participant(code: str):
    """The phone page. Sets the signed participant cookie if absent (no database row: the
    participant is created when its socket first connects)."""
    wait = limits.retry_after(limits.join_check())
    if wait:
        return _join_form(limits.too_many_codes(wait), code[:_MAX_CODE_INPUT], 429)
    session = find_session(code)
    if session is None:
        limits.count(limits.join_check())
        return _join_form(
            _(
                "Aucun atelier ne porte le code « %(code)s ». Vérifiez-le et réessayez.",
                code=code[:_MAX_CODE_INPUT],
            ),
            code[:_MAX_CODE_INPUT],
            404,
        )
    redirection = _canonical(".participant", code, session)
    if redirection is not None:
        return redirection
    response = make_response(
        render_template(
            "live/phone.html",
            session=session,
            join_url=join_url(session.code),
            strings=js_strings("participant"),
            live_config=_live_config(session, "participant"),
            privacy=privacy.notice(session),  # the participants' data notice (privacy_notice)
        )
    )
    if tokens.unsign(request.cookies.get(tokens.COOKIE_NAME)) is None:
        response.set_cookie(
            tokens.COOKIE_NAME,
            tokens.sign(tokens.new_token()),
            max_age=tokens.COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/j/sw.js")
def service_worker():
    """The phone page's service worker (static/js/sw.js), served under ``/j/`` so that its
    scope is the participant pages only. ``no-cache``: a phone checks for a new one on every
    visit. Its default scope (``/j/``, the script's folder) is the one it needs: no
    ``Service-Worker-Allowed``. The worker keeps only the phone page and its versioned files."""
    from flask import current_app, send_from_directory

    response = send_from_directory(
        current_app.static_folder or "static",
        "js/sw.js",
        mimetype="text/javascript",
        max_age=None,
    )
    response.cache_control.no_cache = True
    response.cache_control.max_age = None
    response.cache_control.public = None
    return response


@bp.route("/j/<code>/qr.svg")
def qr(code: str):
    session = find_session(code)
    if session is None or code != session.code:
        return Response(status=404)
    response = Response(qr_svg(join_url(session.code)), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


def _session_or_404(code: str) -> Session:
    session = find_session(code)
    if session is None:
        abort(404)
    return session


def _join(session: Session, qr: bool = True) -> dict[str, Any]:
    """What a page showing the join URL needs: the URL, whether phones can open it, its QR."""
    url = join_url(session.code)
    context: dict[str, Any] = {"join_url": url, "local_only": is_local_only(url)}
    if qr:
        context["qr"] = qr_svg(url, _("QR code pour rejoindre l'atelier"))
    return context


def _canonical(endpoint: str, code: str, session: Session):
    """A redirect to the page under the session's own code (typed in lower case, with spaces…),
    or None when ``code`` is that code already."""
    if code != session.code:
        return redirect(url_for(endpoint, code=session.code))
    return None


@bp.route("/screen/<code>")
def screen(code: str):
    """The projector: public and read-only."""
    session = _session_or_404(code)
    return _canonical(".screen", code, session) or render_template(
        "live/screen.html",
        session=session,
        strings=js_strings("screen"),
        live_config=_live_config(session, "screen"),
        **_join(session),
    )


@bp.route("/screen/<code>/handout")
def handout(code: str):
    """An A4 sheet to print and pin at the door."""
    session = _session_or_404(code)
    return _canonical(".handout", code, session) or render_template(
        "live/handout.html",
        session=session,
        join_page_url=public_url("join"),
        **_join(session),
    )


@bp.route("/host/<code>")
@facilitator_required
def console(code: str):
    """The facilitator's console."""
    session = _session_or_404(code)
    return _canonical(".console", code, session) or render_template(
        "live/console.html",
        session=session,
        strings=js_strings("console"),
        live_config=_live_config(session, "console"),
        **_join(session, qr=False),
    )


def _live_config(session: Session, role: str) -> dict[str, Any]:
    """The page's settings for its scripts (the ``live-config`` block): the limits are the
    server's own (``MAX_*`` settings), so a phone refuses what the server would."""
    from flask import current_app  # here: the module's imports are edited elsewhere

    from ..services.debate.qa import MAX_QUESTION_LENGTH

    limits = current_app.config
    config: dict[str, Any] = {
        "code": session.code,
        "role": role,
        "maxComment": limits["MAX_COMMENT_LENGTH"],
        "maxPseudonym": limits["MAX_PSEUDONYM_LENGTH"],
        "maxWordLength": limits["MAX_WORD_LENGTH"],
        "maxQuestion": MAX_QUESTION_LENGTH,
    }
    if role == "console":
        # Conclusions are written on the summary page; ``0`` stands for a conclusion's id.
        config["editConclusionUrl"] = url_for(
            "summary.edit_conclusion", code=session.code, conclusion_id=0
        )
    return config


def js_strings(role: str) -> dict[str, str]:
    """Every string the live scripts may show, translated for the request's language.

    Placeholders are ``%(name)s``, filled in by ``Live.t`` in live-common.js.
    """
    strings = {
        "connecting": _("Connexion…"),
        "online": _("Connecté"),
        "offline": _("Hors ligne"),
        "reconnecting": _("Reconnexion…"),
        "unknown_session": _("Cet atelier n'existe pas (ou plus)."),
        "forbidden": _("Accès refusé : reconnectez-vous comme animateur."),
        "error": _("Une erreur est survenue ; réessayez."),
        "no_item": _("L'atelier n'a pas encore commencé."),
        "timer": _("%(elapsed)s sur %(planned)s"),
        "timer_open": _("depuis %(elapsed)s"),
        "timer_over": _("dépassement de %(over)s"),
        "yes": _("Oui"),
        "no": _("Non"),
        "dontknow": _("Je ne sais pas"),
        "highlighted": _("Mis en avant"),
        "upvotes": _("%(n)s soutien(s)"),
        # Long comment lists (phones, console moderation) are drawn a page at a time.
        "comments_shown": _("%(shown)s commentaires sur %(total)s, les plus soutenus d'abord."),
        "more_comments": _("Afficher plus de commentaires"),
        "anonymous": _("Anonyme"),
        "respondents": _("Réponses : %(n)s"),
        # Conclusions put to the room.
        "agree": _("D'accord"),
        "amend": _("À amender"),
        "disagree": _("Pas d'accord"),
        "concludes": _("Conclusion : %(title)s"),
        "whole_session": _("Conclusion de tout l'atelier"),
        # Punctuation the languages write differently (Live.pair, Live.minutes).
        "label_value": _("%(label)s : %(value)s"),
        "label_colon": _("%(label)s :"),
        "minutes": _("%(n)s min"),
    }
    if role == "participant":
        strings.update(
            offline_phone=_("Hors ligne : vos réponses seront envoyées au retour du réseau."),
            waiting=_("En attente de l'animateur : les questions s'afficheront ici."),
            set_closed=_("Ce questionnaire est clos. Merci pour vos réponses !"),
            sending=_("Envoi…"),
            saved=_("Enregistré ✓"),
            queued=_("Pas de réseau : sera envoyé dès le retour de la connexion."),
            not_saved=_("Non enregistré : %(message)s"),
            open_label=_("Votre réponse"),
            comment_label=_("Votre commentaire (facultatif)"),
            chars=_("%(n)s / %(max)s caractères"),
            send=_("Envoyer"),
            send_comment=_("Envoyer le commentaire"),
            answer_first=_("Choisissez d'abord une réponse."),
            text_required=_("Écrivez votre réponse."),
            comments=_("Commentaires de la salle"),
            no_comments=_("Aucun commentaire pour l'instant."),
            upvote=_("Soutenir"),
            upvote_of=_("Soutenir le commentaire de %(who)s"),
            mine=_("Votre commentaire"),
            max_choices=_("Jusqu'à %(n)s choix."),
            too_many=_("Pas plus de %(n)s choix."),
            at_least_one=_("Choisissez au moins une réponse."),
            rank_help=_("Classez du plus important (en haut) au moins important."),
            move_up=_("Monter « %(label)s »"),
            move_down=_("Descendre « %(label)s »"),
            send_rank=_("Envoyer ce classement"),
            # n: the question's words; chars: the live-config's maxWordLength (phone.js).
            words_help=_("Jusqu'à %(n)s mots (%(chars)s caractères chacun)."),
            word_n=_("Mot %(n)s"),
            current_item=_("En cours : %(title)s"),
            profile_saved=_("Profil enregistré ✓"),
            offline_action=_("Hors ligne : réessayez au retour du réseau."),
            conclusion_kicker=_("Conclusion soumise à la salle"),
            endorse_legend=_("Êtes-vous d'accord avec cette conclusion ?"),
            amendment_label=_("Votre amendement"),
            send_amendment=_("Envoyer l'amendement"),
            amendment_required=_("Écrivez votre amendement."),
            vote_closed=_("Le vote sur cette conclusion est clos. Merci !"),
            your_choice=_("Votre avis : %(choice)s"),
        )
    else:
        strings.update(
            mean=_("Moyenne : %(value)s"),
            median=_("médiane %(value)s"),
            average_rank=_("rang moyen %(value)s"),
            no_answers=_("Pas encore de réponses."),
            comments=_("Commentaires"),
            results_hidden=_("Répondez sur votre téléphone."),
            waiting_screen=_("Les questions apparaîtront ici."),
            set_closed_screen=_("Questionnaire clos."),
            count_percent=_("%(count)s (%(percent)s %%)"),
            words_count=_("%(word)s : %(n)s"),
            endorsements=_("Avis exprimés : %(n)s"),
            amendments_count=_("Amendements proposés : %(n)s"),
            vote_hint=_("Donnez votre avis sur votre téléphone."),
            zero_answers=_("0 réponse"),
            question_of=_("Question %(n)s sur %(total)s"),
        )
    if role == "console":
        strings.update(
            state_ready=_("Prêt"),
            state_open=_("Ouvert sur les téléphones"),
            state_closed=_("Clos"),
            revealed=_("Résultats à l'écran"),
            open=_("Ouvrir"),
            close=_("Fermer"),
            reveal=_("Afficher les résultats"),
            unreveal=_("Masquer les résultats"),
            start_item=_("Démarrer"),
            current=_("En cours"),
            phones=_("Téléphones connectés : %(n)s"),
            answers=_("%(n)s réponse(s)"),
            hide=_("Masquer"),
            unhide=_("Réafficher"),
            highlight=_("Mettre en avant"),
            unhighlight=_("Ne plus mettre en avant"),
            hidden=_("Masqué"),
            done=_("Fait ✓"),
            results=_("Résultats"),
            no_comments=_("Aucun commentaire."),
            put_to_room=_("Soumettre à la salle"),
            close_vote=_("Clore le vote"),
            show_result=_("Afficher le résultat"),
            hide_result=_("Masquer le résultat"),
            vote_none=_("Pas encore soumise à la salle"),
            vote_open=_("Vote en cours"),
            vote_closed_state=_("Vote clos"),
            result_shown=_("Résultat à l'écran"),
            edit=_("Modifier"),
            amendments=_("Amendements"),
            no_conclusions=_("Aucune conclusion rédigée pour l'instant."),
            projector=_("Projecteur"),
            project=_("Projeter"),
            whole_set=_("Tout le questionnaire"),
            on_screen=_("À l'écran"),
        )
    return strings
