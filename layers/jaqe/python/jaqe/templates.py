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


def professional_invitation(
    to: str, company_name: str, professional_id: str, temporary_password: str
) -> OutgoingEmail:
    """The login invitation of a newly registered professional (sent by us, not by Cognito)."""
    return OutgoingEmail(
        to=to,
        subject="Votre inscription sur JAQE : vos identifiants",
        text=_body(
            f"Nous avons bien reçu l'inscription de {company_name} comme professionnel référencé sur JAQE. "
            "Notre équipe vérifie votre dossier (SIRET, assurances, certifications) avant de vous "
            "référencer.",
            f"Votre identifiant de connexion à l'application professionnels est cette adresse email. "
            f"Mot de passe temporaire : {temporary_password}",
            "Il est valable 7 jours ; vous choisirez votre mot de passe à la première connexion. "
            "Déposez ensuite vos justificatifs (attestation d'assurance décennale, Kbis, certifications) "
            "depuis l'application.",
            f"Référence de votre dossier : {professional_id}",
            "Vos données sont traitées pour vous référencer (exécution de nos conditions générales de "
            "service) pendant toute la durée de votre référencement, puis archivées cinq ans à compter "
            "de votre déréférencement.",
        ),
        tags={"template": "professional_invitation"},
    )


def professional_approved(to: str, company_name: str, listed: bool) -> OutgoingEmail:
    listing = (
        "Vous êtes désormais référencé : vous recevrez les demandes de devis correspondant à vos "
        "métiers et à vos départements d'intervention."
        if listed
        else "Vous serez référencé dès qu'une attestation d'assurance en cours de validité aura été acceptée."
    )
    return OutgoingEmail(
        to=to,
        subject="Votre dossier JAQE est validé",
        text=_body(f"Le dossier de {company_name} a été validé par notre équipe.", listing),
        tags={"template": "professional_approved"},
    )


def professional_rejected(to: str, company_name: str, reason: str | None) -> OutgoingEmail:
    paragraphs = [f"Après examen, le dossier de {company_name} n'a pas pu être validé."]
    if reason:
        paragraphs.append(f"Motif : {reason}")
    paragraphs.append(
        "Vous n'êtes pas référencé sur JAQE. Les données de votre dossier sont archivées cinq ans, puis "
        "supprimées. Vous pouvez nous écrire pour toute question."
    )
    return OutgoingEmail(
        to=to,
        subject="Votre dossier JAQE n'a pas été validé",
        text=_body(*paragraphs),
        tags={"template": "professional_rejected"},
    )


def professional_insurance_expired(to: str, company_name: str, valid_until: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Votre assurance a expiré : vous n'êtes plus référencé",
        text=_body(
            f"L'attestation d'assurance de {company_name} était valable jusqu'au {valid_until}.",
            "Vous n'êtes plus référencé et ne recevez plus de demandes de devis. Déposez une attestation "
            "en cours de validité depuis l'application professionnels : votre référencement reprendra "
            "dès qu'elle aura été acceptée.",
        ),
        tags={"template": "professional_insurance_expired"},
    )


def professional_delisted(to: str, company_name: str, archive_until: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Votre déréférencement de JAQE est confirmé",
        text=_body(
            f"{company_name} n'est plus référencé sur JAQE et ne recevra plus de demandes de devis.",
            "Conformément à notre politique de confidentialité, les données de votre référencement "
            f"(profil, justificatifs, interventions) sont archivées jusqu'au {archive_until}, puis "
            "supprimées.",
        ),
        tags={"template": "professional_delisted"},
    )
