"""Every outgoing email's wording, in French, in one place. Each ends with the controller footer.

Each names the register purpose it serves (a `jaqe.privacy.register.PurposeId` value: this layer
cannot import the register, tests/unit/test_mail_outbox.py checks them) and, when the mail is about
someone other than its recipient, that person's subject key (`about`)."""

from __future__ import annotations

from jaqe.platform.controller import EMAIL_FOOTER_FR
from jaqe.platform.mail import OutgoingEmail


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
        limited_per_address=True,
        purpose="contact_requests",
    )


RIGHTS_HOWTO = (
    "Vous pouvez à tout moment retirer votre consentement, accéder à vos données, les rectifier, les "
    "effacer, en limiter le traitement, en demander la portabilité, vous opposer à leur traitement ou "
    "définir des directives post mortem : écrivez à support@jaqe.fr ou utilisez le formulaire "
    "« Mes données » du site."
)


def newsletter_confirmation(to: str, confirm_url: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Confirmez votre inscription à la newsletter JAQE",
        text=_body(
            "Pour recevoir notre newsletter et nos offres, confirmez votre inscription : ouvrez ce lien "
            "(valable 7 jours), puis cliquez sur « Confirmer mon inscription » :",
            confirm_url,
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : aucune inscription "
            "ne sera enregistrée.",
        ),
        tags={"template": "newsletter_confirmation"},
        limited_per_address=True,
        purpose="newsletter",
    )


def newsletter_welcome(to: str, unsubscribe_url: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject="Votre inscription à la newsletter JAQE est confirmée",
        text=_body(
            "Votre inscription est confirmée. Nous conservons votre adresse jusqu'à votre désinscription.",
            f"Pour vous désinscrire à tout moment : {unsubscribe_url}",
        ),
        unsubscribe_url=unsubscribe_url,
        tags={"template": "newsletter_welcome"},
        purpose="newsletter",
    )


def quote_confirmation(
    to: str,
    request_id: str,
    trade_label: str,
    companies: list[str],
    *,
    restricted: bool = False,
    acceptance_url: str | None = None,
    partners_confirm_url: str | None = None,
) -> OutgoingEmail:
    """What happened to the request, as it happened: shared with `companies` (with the link where the
    consumer says which quote they accept), or shared with no one because the person's data is
    restricted or no professional is available. `partners_confirm_url`: the person ticked the
    commercial partners box; it counts once confirmed."""
    if companies:
        outcome: tuple[str, ...] = (
            f"Votre demande de devis ({trade_label}) a été transmise à {len(companies)} professionnel(s), "
            "qui vont vous contacter : " + ", ".join(companies) + ". Ils ont reçu votre nom, vos coordonnées "
            "et la description de votre projet, uniquement pour vous répondre.",
        )
        if acceptance_url:
            outcome += (
                "Quand vous aurez choisi un devis, dites-le nous : ouvrez ce lien (valable tant que nous "
                "conservons votre demande), puis cliquez sur le bouton du professionnel retenu. Ce "
                "professionnel conservera alors vos données le temps nécessaire à la prestation :",
                acceptance_url,
            )
    elif restricted:
        outcome = (
            f"Nous avons bien enregistré votre demande de devis ({trade_label}), mais nous ne l'avons "
            "transmise à aucun professionnel : vous avez demandé la limitation du traitement de vos "
            "données, et elle est en cours. Votre demande ne sera pas transmise plus tard ; une fois la "
            "limitation levée, vous pourrez en déposer une nouvelle.",
        )
    else:
        outcome = (
            f"Nous avons bien enregistré votre demande de devis ({trade_label}), mais aucun professionnel "
            "référencé n'est disponible pour le moment dans votre secteur. Votre demande n'a été transmise "
            "à personne et ne le sera pas plus tard : vous pourrez en déposer une nouvelle quand vous le "
            "souhaiterez.",
        )
    return OutgoingEmail(
        to=to,
        subject="Votre demande de devis JAQE",
        text=_body(
            *outcome,
            f"Référence : {request_id}",
            *(_partners_confirmation(partners_confirm_url) if partners_confirm_url else ()),
            "Nous conservons vos données trois ans au plus à compter de votre dernière prise de contact avec nous.",
            RIGHTS_HOWTO,
        ),
        tags={"template": "quote_confirmation"},
        limited_per_address=True,
        purpose="quote_matching",
    )


def _partners_confirmation(confirm_url: str) -> tuple[str, ...]:
    return (
        "Vous avez accepté que vos coordonnées soient transmises à des partenaires commerciaux de JAQE. "
        "Cet accord ne prendra effet que lorsque vous aurez confirmé votre adresse email : ouvrez ce lien "
        "(valable 30 jours), puis cliquez sur « Confirmer mon accord » :",
        confirm_url,
        "Sans confirmation de votre part, vos coordonnées ne seront transmises à aucun partenaire "
        "commercial. Vous pouvez retirer cet accord à tout moment.",
    )


def lead_for_professional(to: str, company: str, lead: dict[str, str], *, about: str) -> OutgoingEmail:
    """`about`: the consumer's subject key (the mail carries their contact details)."""
    return OutgoingEmail(
        to=to,
        subject=f"Nouvelle demande de devis : {lead['trade_label']} à {lead['city']}",
        text=_body(
            f"{company}, un particulier vous a été mis en relation par JAQE.",
            f"Projet : {lead['description']}\nLieu : {lead['postcode']} {lead['city']}\nDélai : {lead['timeframe']}",
            f"Contact : {lead['first_name']} {lead['last_name']}, {lead['phone']}, {lead['email']}",
            "Ces données vous sont transmises pour répondre à cette demande de devis uniquement "
            "(conditions générales de service JAQE). Retrouvez vos demandes dans votre application JAQE Pro.",
        ),
        tags={"template": "lead_for_professional"},
        purpose="quote_matching",
        about=about,
    )


def similar_services(to: str, trade_label: str, unsubscribe_url: str) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject=f"Des services complémentaires à votre projet de {trade_label.lower()}",
        text=_body(
            f"Vous avez comparé des devis de {trade_label.lower()} sur JAQE. D'autres professionnels "
            "référencés proposent des services complémentaires : comparez-les sur https://jaqe.fr.",
            "Vous recevez ce message au titre de notre intérêt légitime à vous informer sur des services "
            f"analogues. Pour ne plus recevoir ces emails : {unsubscribe_url}",
        ),
        unsubscribe_url=unsubscribe_url,
        tags={"template": "similar_services"},
        purpose="similar_services_emails",
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
            "Votre attestation d'assurance et vos certifications sont examinées par notre équipe avant "
            "de compter pour votre référencement. Une inscription qui n'est pas validée dans les 30 jours "
            "est supprimée avec ses données : vous pourrez alors vous inscrire de nouveau.",
            "Vos données sont traitées pour vous référencer (exécution de nos conditions générales de "
            "service) pendant toute la durée de votre référencement, puis archivées cinq ans à compter "
            "de votre déréférencement.",
        ),
        tags={"template": "professional_invitation"},
        limited_per_address=True,
        purpose="professional_listing",
    )


def professional_account_exists(to: str, login_url: str) -> OutgoingEmail:
    """A registration for an address that already has an account: the site answers as for any
    registration, and only the address's owner learns that the account exists."""
    return OutgoingEmail(
        to=to,
        subject="Votre inscription sur JAQE : vous avez déjà un compte",
        text=_body(
            "Nous avons reçu une demande d'inscription comme professionnel sur JAQE avec cette adresse "
            "email. Un compte professionnel existe déjà pour cette adresse : aucune nouvelle inscription "
            "n'a été enregistrée.",
            f"Connectez-vous à l'application professionnels : {login_url} (en cas d'oubli, choisissez "
            "« Mot de passe oublié » pour en recevoir un nouveau à cette adresse).",
            "Si vous n'êtes pas à l'origine de cette demande, vous pouvez ignorer ce message.",
        ),
        tags={"template": "professional_account_exists"},
        purpose="professional_listing",
        limited_per_address=True,  # anyone can have it sent by typing an address in the form
    )


DOCUMENT_KIND_FR = {
    "insurance": "attestation d'assurance",
    "certification": "certification",
    "kbis": "extrait Kbis",
}


def professional_document_decided(
    to: str, company_name: str, kind: str, accepted: bool, *, expires_on: str | None, reason: str | None
) -> OutgoingEmail:
    """An operator's decision on a document the professional uploaded."""
    label = DOCUMENT_KIND_FR.get(kind, "justificatif")
    if accepted:
        paragraphs = [f"Notre équipe a accepté le justificatif déposé pour {company_name} ({label})."]
        if expires_on:
            paragraphs.append(f"Il est retenu comme valable jusqu'au {expires_on}.")
    else:
        paragraphs = [f"Notre équipe n'a pas accepté le justificatif déposé pour {company_name} ({label})."]
        if reason:
            paragraphs.append(f"Motif : {reason}")
        paragraphs.append("Vous pouvez en déposer un nouveau depuis l'application professionnels.")
    return OutgoingEmail(
        to=to,
        subject=f"Votre justificatif JAQE ({label}) est {'accepté' if accepted else 'refusé'}",
        text=_body(*paragraphs),
        tags={"template": "professional_document_decided"},
        purpose="professional_listing",
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
        purpose="professional_listing",
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
        purpose="professional_listing",
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
        purpose="professional_listing",
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
        purpose="professional_listing",
    )


# -- Rights requests (policy section 7) -----------------------------------------------------


def _rights_controller_line() -> str:
    from jaqe.platform.controller import CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_NAME, CONTROLLER_RCS

    return (
        f"Responsable du traitement : {CONTROLLER_NAME} SARL, {CONTROLLER_RCS}, {CONTROLLER_ADDRESS} "
        f"({CONTROLLER_EMAIL})."
    )


def _cnil_line() -> str:
    from jaqe.platform.controller import CNIL_ADDRESS, CNIL_NAME

    return (
        "Si vous estimez que votre demande n'a pas été satisfaite, vous pouvez introduire une réclamation "
        f"auprès de la {CNIL_NAME}, {CNIL_ADDRESS} (www.cnil.fr)."
    )


def rights_verification(
    to: str,
    request_id: str,
    type_label: str,
    link: str,
    valid_days: int,
    *,
    due_at: str = "",
    status_link: str = "",
) -> OutgoingEmail:
    """The acknowledgement of receipt, sent first: it asks the person to confirm the request, and gives
    its due date and its status link (the mailbox's: it also opens an export, once there is one)."""
    follow = [f"Pour suivre votre demande à tout moment :\n{status_link}"] if status_link else []
    due = (
        [
            f"Nous vous répondrons au plus tard le {due_at[:10]} (un mois après réception, article 12.3 du RGPD)."
        ]
        if due_at
        else []
    )
    return OutgoingEmail(
        to=to,
        subject="Confirmez votre demande d'exercice de vos droits",
        text=_body(
            f"Nous avons bien reçu une demande d'exercice de vos droits ({type_label}) pour cette adresse "
            "email.",
            "Pour confirmer qu'elle vient bien de vous, ouvrez ce lien dans les "
            f"{valid_days} jours, puis cliquez sur « Confirmer ma demande » :\n{link}",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera fait.",
            *due,
            *follow,
            f"Référence : {request_id}",
            _rights_controller_line(),
        ),
        tags={"template": "rights_verification"},
        limited_per_address=True,
        purpose="rights_requests",
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
        purpose="rights_requests",
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
        purpose="rights_requests",
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
        purpose="rights_requests",
    )


_ART19_ASKS = {
    "erasure": "La personne concernée a exercé son droit à l'effacement. Supprimez de vos systèmes toutes les "
    "données la concernant que vous avez reçues {where}.",
    "rectification": "La personne concernée a fait rectifier ses données. Mettez à jour vos dossiers.",
    "restriction": "La personne concernée a demandé la limitation du traitement de ses données : "
    "conservez-les sans les utiliser jusqu'à nouvel avis.",
}


def _art19_lines(heading: str, kind: str, where: str, corrected: dict[str, str] | None) -> list[str]:
    """What a recipient is told of a person's erasure, rectification or restriction (Art. 19)."""
    lines = [f"{heading} (article 19 du RGPD).", _ART19_ASKS[kind].format(where=where)]
    if corrected:
        lines.append(
            "Données rectifiées :\n" + "\n".join(f"- {k} : {v}" for k, v in sorted(corrected.items()))
        )
    return lines


def _art19_subject(kind: str) -> str:
    return "effacement" if kind == "erasure" else kind


def rights_recipient_notice(
    to: str, kind: str, lead_id: str, corrected: dict[str, str] | None = None, *, about: str
) -> OutgoingEmail:
    """Art. 19: a professional who received a lead is told of its erasure, rectification or restriction.
    `about`: the subject key of the person who exercised the right."""
    return OutgoingEmail(
        to=to,
        subject=f"Données d'une demande de devis : {_art19_subject(kind)}",
        text=_body(
            *_art19_lines(
                f"Demande de devis {lead_id}",
                kind,
                "par notre intermédiaire pour cette demande de devis",
                corrected,
            ),
            "Ces données vous ont été transmises dans le cadre de notre contrat et de la politique de confidentialité de JAQE.",
        ),
        tags={"template": f"rights_recipient_{kind}"},
        purpose="rights_requests",
        about=about,
    )


def breach_notice(to: str, nature: str, consequences: str, measures: str, *, about: str) -> OutgoingEmail:
    """`about`: the subject key of the person concerned, as the incident's batch holds it."""
    return OutgoingEmail(
        to=to,
        subject="Information importante concernant la sécurité de vos données",
        text=_body(
            "Nous devons vous informer qu'un incident de sécurité a touché des données vous concernant "
            "(article 34 du RGPD).",
            f"Nature de l'incident : {nature}",
            f"Conséquences probables : {consequences}",
            f"Mesures prises : {measures}",
            "Pour toute question, écrivez à support@jaqe.fr. Vous pouvez aussi adresser une réclamation "
            "à la CNIL.",
        ),
        tags={"template": "breach_notice"},
        purpose="incident_records",
        about=about,
    )


def rights_partner_notice(
    to: str,
    kind: str,
    export_id: str,
    person: str,
    fields: list[str],
    corrected: dict[str, str] | None = None,
    *,
    about: str,
) -> OutgoingEmail:
    """Art. 19: a commercial partner who received a person in an export is told of their erasure,
    rectification or restriction. `person` is the person's reference in that export (or, for an
    export made before references, the address the partner received); `about`: their subject key."""
    lines = _art19_lines(f"Export {export_id}, personne {person}", kind, "dans cet export", corrected)
    if fields and not corrected:
        lines.append(f"Données concernées : {', '.join(fields)}.")
    return OutgoingEmail(
        to=to,
        subject=f"Données d'un export partenaire : {_art19_subject(kind)}",
        text=_body(
            *lines,
            "Ces données vous ont été transmises avec le consentement de la personne, dans le cadre de "
            "notre contrat et de la politique de confidentialité de JAQE.",
        ),
        tags={"template": f"rights_partner_{kind}"},
        purpose="rights_requests",
        about=about,
    )


def unsubscribe_by_link(to: str, unsubscribe_url: str) -> OutgoingEmail:
    """An unsubscribe asked by an email whose sender could not be authenticated: the address itself
    confirms, through the link."""
    return OutgoingEmail(
        to=to,
        subject="Confirmez votre désinscription de la newsletter JAQE",
        text=_body(
            "Nous avons reçu par email une demande de désinscription de la newsletter pour cette adresse.",
            "Pour la confirmer, ouvrez ce lien puis validez : vous ne recevrez plus la newsletter ni nos "
            f"offres.\n{unsubscribe_url}",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne change.",
        ),
        tags={"template": "unsubscribe_by_link"},
        limited_per_address=True,
        purpose="newsletter",
    )


def rights_closed(to: str, request_id: str, answer: str) -> OutgoingEmail:
    """An operator's answer to a message first taken for a rights request, which it closes."""
    return OutgoingEmail(
        to=to,
        subject="Réponse à votre message",
        text=_body(
            answer,
            f"Nous avions enregistré votre message comme une demande d'exercice de vos droits (référence "
            f"{request_id}) : elle est close. {RIGHTS_HOWTO}",
            _rights_controller_line(),
        ),
        tags={"template": "rights_closed"},
        purpose="rights_requests",
    )


def post_mortem_designated_person_link(to: str, link: str, valid_days: int, *, about: str) -> OutgoingEmail:
    """To the person someone designated in their post-mortem directives, once an operator has recorded
    the death: a link to confirm the address before the directives and the data are sent to it.
    `about`: the deceased's subject key (nothing of theirs is in this email)."""
    return OutgoingEmail(
        to=to,
        subject="Directives post mortem : confirmez votre adresse",
        text=_body(
            "Une personne vous a désigné(e), dans les directives qu'elle avait confiées à JAQE, pour recevoir "
            "ses données après son décès (loi Informatique et Libertés, article 85). Notre équipe a "
            "enregistré son décès.",
            f"Pour recevoir ses directives et ses données, ouvrez ce lien dans les {valid_days} jours, puis "
            f"cliquez sur « Confirmer et recevoir les données » :\n{link}",
            "Si ce message ne vous concerne pas, ignorez-le : rien ne vous sera envoyé.",
            _rights_controller_line(),
        ),
        tags={"template": "post_mortem_designated_person_link"},
        purpose="post_mortem_directives",
        about=about,
    )


def portability_transmission(
    to: str, requester: str, request_id: str, links: dict[str, str], *, about: str
) -> OutgoingEmail:
    """To the controller a person asked their portability export to be sent to (Art. 20(2)).
    `about`: the requester's subject key."""
    files = "\n".join(f"{fmt.upper()} : {url}" for fmt, url in sorted(links.items()) if fmt != "expires_at")
    return OutgoingEmail(
        to=to,
        subject="Données transmises à la demande d'une personne (portabilité)",
        text=_body(
            f"{requester} nous a demandé de vous transmettre les données qu'elle a fournies à JAQE, dans un "
            "format structuré et lisible par machine (droit à la portabilité, article 20.2 du RGPD).",
            f"{files}\nCes liens expirent le {str(links.get('expires_at', ''))[:10]}.",
            f"Référence : {request_id}. Si vous n'attendiez pas cette transmission, ignorez ce message : "
            "les liens expirent d'eux-mêmes.",
            _rights_controller_line(),
        ),
        tags={"template": "portability_transmission"},
        purpose="rights_requests",
        about=about,
    )


def rights_new_address_verification(
    to: str, request_id: str, link: str, valid_days: int, *, about: str
) -> OutgoingEmail:
    """Sent to the new address of an email rectification: the change waits for its click too.
    `about`: the requester's subject key (the request is theirs until the address moves)."""
    return OutgoingEmail(
        to=to,
        subject="Confirmez votre nouvelle adresse email",
        text=_body(
            "Une demande de rectification reçue par JAQE indique cette adresse comme la nouvelle adresse "
            "email de la personne qui l'a faite.",
            f"Si c'est bien la vôtre, ouvrez ce lien dans les {valid_days} jours, puis cliquez sur "
            f"« Confirmer ma nouvelle adresse » :\n{link}",
            "Sans cette confirmation, rien ne change : vos données restent rattachées à l'ancienne adresse.",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
            f"Référence : {request_id}",
            _rights_controller_line(),
        ),
        tags={"template": "rights_new_address_verification"},
        limited_per_address=True,
        purpose="rights_requests",
        about=about,
    )


def rights_answer_to_previous_address(
    to: str, request_id: str, type_label: str, paragraphs: list[str], *, about: str
) -> OutgoingEmail:
    """The answer to an email rectification, also sent to the address it replaced. `about`: the
    person's new subject key (nothing is left under the old one)."""
    return OutgoingEmail(
        to=to,
        subject=f"Réponse à votre demande : {type_label} (ancienne adresse)",
        text=_body(
            f"Voici notre réponse à votre demande ({type_label}), référence {request_id}. Nous l'envoyons "
            "aussi à cette adresse, que vous nous avez demandé de remplacer.",
            *paragraphs,
            _rights_controller_line(),
        ),
        tags={"template": "rights_answer_to_previous_address"},
        purpose="rights_requests",
        about=about,
    )


def dpo_monthly_report(to: str, month: str, report: str) -> OutgoingEmail:
    """The DPO's monthly report (counts, ids, reasons, incident facts: no personal data)."""
    return OutgoingEmail(
        to=to,
        subject=f"Rapport mensuel du DPO : {month}",
        text=_body(
            f"Voici le rapport du mois {month}. Le même rapport en CSV : "
            f"jaqe-ops report --month {month} --format csv",
            report,
        ),
        tags={"template": "dpo_monthly_report"},
        # Demonstrating how rights requests, consents and breaches were handled (accountability).
        purpose="rights_requests",
    )
