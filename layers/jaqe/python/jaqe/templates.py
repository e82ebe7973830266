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
