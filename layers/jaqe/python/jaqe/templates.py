"""Every outgoing email's wording, in French, in one place. Each ends with the controller footer."""

from __future__ import annotations

from jaqe.controller import EMAIL_FOOTER_FR
from jaqe.mail import OutgoingEmail


def _body(*paragraphs: str) -> str:
    return "\n\n".join(["Bonjour,", *paragraphs, "L'équipe JAQE", "--", EMAIL_FOOTER_FR]) + "\n"


def contact_acknowledgement(to: str, message_id: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Nous avons bien reçu votre message",
        text=_body(
            "Nous avons bien reçu votre message et nous vous répondrons dans les meilleurs délais.",
            f"Référence de votre demande : {message_id}",
            "Nous conservons votre message pour la durée nécessaire à la gestion de votre demande "
            "(un an au plus après votre dernier message).",
        ),
        tags={"template": "contact_acknowledgement"},
    )


# -- Rights requests (policy section 7) -----------------------------------------------------


def _rights_controller_line() -> str:
    from jaqe.controller import CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_NAME, CONTROLLER_RCS

    return (
        f"Responsable du traitement : {CONTROLLER_NAME} SARL, {CONTROLLER_RCS}, {CONTROLLER_ADDRESS} "
        f"({CONTROLLER_EMAIL})."
    )


def _cnil_line() -> str:
    from jaqe.controller import CNIL_ADDRESS, CNIL_NAME

    return (
        "Si vous estimez que votre demande n'a pas été satisfaite, vous pouvez introduire une réclamation "
        f"auprès de la {CNIL_NAME}, {CNIL_ADDRESS} (www.cnil.fr)."
    )


def rights_verification(
    to: str, request_id: str, type_label: str, link: str, valid_days: int
) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Confirmez votre demande d'exercice de vos droits",
        text=_body(
            f"Nous avons reçu une demande d'exercice de vos droits ({type_label}) pour cette adresse email.",
            f"Pour confirmer qu'elle vient bien de vous, ouvrez ce lien dans les {valid_days} jours :\n{link}",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera fait.",
            f"Référence : {request_id}",
            _rights_controller_line(),
        ),
        tags={"template": "rights_verification"},
    )


def rights_answer(
    to: str, request_id: str, type_label: str, paragraphs: list[str], *, no_action: bool = False
) -> OutgoingEmail:
    closing = [_cnil_line()] if no_action else []
    return OutgoingEmail(
        to=to,
        subject=f"Réponse à votre demande : {type_label}",
        text=_body(
            f"Voici notre réponse à votre demande ({type_label}), référence {request_id}.",
            *paragraphs,
            *closing,
            _rights_controller_line(),
        ),
        tags={"template": "rights_answer"},
    )


def rights_extension(to: str, request_id: str, type_label: str, due_at: str, reason: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Votre demande d'exercice de vos droits : délai prolongé",
        text=_body(
            f"Le traitement de votre demande ({type_label}, référence {request_id}) nécessite un délai "
            "supplémentaire, comme le permet l'article 12.3 du RGPD.",
            f"Motif : {reason}",
            f"Nouvelle date limite de réponse : {due_at[:10]}.",
            _cnil_line(),
            _rights_controller_line(),
        ),
        tags={"template": "rights_extension"},
    )


def rights_restriction_lifted(to: str, request_id: str, reason: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Levée de la limitation du traitement de vos données",
        text=_body(
            f"Comme l'exige l'article 18.3 du RGPD, nous vous informons avant de lever la limitation du "
            f"traitement de vos données demandée dans le cadre de la demande {request_id}.",
            f"Motif : {reason}",
            _cnil_line(),
            _rights_controller_line(),
        ),
        tags={"template": "rights_restriction_lifted"},
    )


def rights_recipient_notice(
    to: str, kind: str, lead_id: str, corrected: dict[str, str] | None = None
) -> OutgoingEmail:
    """Art. 19: a professional who received a lead is told of its erasure, rectification or restriction."""
    what = {
        "erasure": (
            "La personne concernée a exercé son droit à l'effacement. Supprimez de vos systèmes toutes les "
            "données de cette demande de devis que vous avez reçues par notre intermédiaire."
        ),
        "rectification": "La personne concernée a fait rectifier ses données. Mettez à jour vos dossiers.",
        "restriction": (
            "La personne concernée a demandé la limitation du traitement de ses données : conservez-les "
            "sans les utiliser jusqu'à nouvel avis."
        ),
    }[kind]
    lines = [f"Demande de devis {lead_id} (article 19 du RGPD).", what]
    if corrected:
        lines.append(
            "Données rectifiées :\n" + "\n".join(f"- {k} : {v}" for k, v in sorted(corrected.items()))
        )
    return OutgoingEmail(
        to=to,
        subject=f"Données d'une demande de devis : {'effacement' if kind == 'erasure' else kind}",
        text=_body(
            *lines,
            "Ces données vous ont été transmises dans le cadre de notre contrat et de la politique de confidentialité de JAQE.",
        ),
        tags={"template": f"rights_recipient_{kind}"},
    )
