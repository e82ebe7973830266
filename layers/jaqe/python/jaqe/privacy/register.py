"""The processing register (GDPR Art. 30): section 3 of the privacy policy, as data.

Everything else reads it: retention (`expires_at` of every item), consent checks,
what a rights request covers, the generated policy and the Art. 30 export. A change of
purpose, legal basis, retention or recipient is made here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jaqe.platform.controller import SITE_URL
from jaqe.privacy.periods import Period, add_period


class LegalBasis(StrEnum):
    CONSENT = "consent"  # Art. 6(1)(a)
    CONTRACT = "contract"  # Art. 6(1)(b), performance of a contract
    PRE_CONTRACTUAL = "pre_contractual"  # Art. 6(1)(b), steps before a contract
    LEGAL_OBLIGATION = "legal_obligation"  # Art. 6(1)(c)
    LEGITIMATE_INTEREST = "legitimate_interest"  # Art. 6(1)(f)

    @property
    def label_fr(self) -> str:
        return _BASIS_LABELS_FR[self]


_BASIS_LABELS_FR = {
    LegalBasis.CONSENT: "consentement",
    LegalBasis.CONTRACT: "exécution du contrat (conditions générales de service)",
    LegalBasis.PRE_CONTRACTUAL: "exécution de mesures précontractuelles",
    LegalBasis.LEGAL_OBLIGATION: "obligation légale",
    LegalBasis.LEGITIMATE_INTEREST: "intérêt légitime",
}


class Anchor(StrEnum):
    """The event a retention period runs from."""

    LAST_CONTACT = "last_contact"
    DELISTING = "delisting"
    UNSUBSCRIBE = "unsubscribe"
    COOKIE_PLACEMENT = "cookie_placement"
    LAST_MESSAGE = "last_message"
    RECEIPT = "receipt"
    EVENT = "event"
    NONE = "none"


@dataclass(frozen=True)
class Retention:
    anchor: Anchor
    period: Period | None
    # True when nothing expires while the relationship lasts (listed, subscribed): the
    # clock only starts at the anchor event (delisting) or deletion is immediate (unsubscribe).
    open_ended_until_anchor: bool
    text_fr: str

    def expires_at(self, anchor_time: datetime) -> int | None:
        """Epoch seconds at which data anchored at `anchor_time` must be gone."""
        if self.period is None:
            return None
        return int(add_period(anchor_time, self.period).timestamp())


class RecipientKind(StrEnum):
    INTERNAL = "internal"
    PARTNER = "partner"
    PROCESSOR = "processor"
    COOKIE_PROVIDER = "cookie_provider"
    COMMERCIAL_PARTNER = "commercial_partner"
    CHOSEN_BY_PERSON = "chosen_by_person"  # someone the person named: data goes there at their request

    @property
    def role_fr(self) -> str:
        return _ROLE_LABELS_FR[self]


_ROLE_LABELS_FR = {
    RecipientKind.INTERNAL: "personnel de JAQE",
    RecipientKind.PARTNER: "destinataire (partenaire référencé, responsable de ses propres traitements)",
    RecipientKind.PROCESSOR: "sous-traitant (article 28 du RGPD)",
    RecipientKind.COOKIE_PROVIDER: "destinataire (éditeur de cookies, responsable de ses propres finalités)",
    RecipientKind.COMMERCIAL_PARTNER: "destinataire (partenaire commercial, responsable de ses propres traitements)",
    RecipientKind.CHOSEN_BY_PERSON: "destinataire que vous désignez",
}


@dataclass(frozen=True)
class Contract:
    """What binds a recipient to JAQE: the contract, its data-processing agreement (Art. 28, a
    processor's; the data-sharing terms of another controller's) and when the DPO reviews them next."""

    signed_on: date
    dpa_signed_on: date
    next_review_on: date


@dataclass(frozen=True)
class Recipient:
    id: str
    name_fr: str
    kind: RecipientKind
    country: str
    transfer_safeguard: str
    privacy_url: str | None = None
    # None: JAQE's own staff, or someone the person designates (no contract of JAQE's to review).
    contract: Contract | None = None

    @property
    def purposes(self) -> list[Purpose]:
        """The purposes whose data this recipient receives (the register's purposes name it)."""
        return [p for p in PURPOSES.values() if self.id in p.recipients]

    @property
    def data_categories_fr(self) -> list[str]:
        """What it receives: the data categories of those purposes, each once, in register order."""
        return list(dict.fromkeys(c for p in self.purposes for c in p.data_categories_fr))

    def review_overdue(self, on: date) -> bool:
        return self.contract is not None and self.contract.next_review_on < on


# The dates are the DPO's to keep true: each review updates them here (one commit, reviewed like code),
# and the monthly report lists the reviews that are overdue.
# AWS Customer Agreement with its GDPR Data Processing Addendum (hosting and SES alike).
AWS_AGREEMENT = Contract(date(2025, 1, 6), date(2025, 1, 6), date(2027, 1, 6))
# The professionals' listing terms (conditions générales de référencement) and their data clause.
LISTING_TERMS = Contract(date(2025, 1, 15), date(2025, 1, 15), date(2027, 1, 15))
# The framework every commercial partner signs before an export (each partner in the directory).
PARTNERSHIP_TERMS = Contract(date(2025, 4, 1), date(2025, 4, 1), date(2027, 4, 1))

RECIPIENTS: dict[str, Recipient] = {
    r.id: r
    for r in (
        Recipient(
            "jaqe_staff",
            "Personnel habilité de JAQE (service commercial, service technique)",
            RecipientKind.INTERNAL,
            "FR",
            "aucun transfert",
        ),
        Recipient(
            "listed_professionals",
            "Partenaires professionnels référencés sur le Site, en mesure de répondre à la demande de devis",
            RecipientKind.PARTNER,
            "FR",
            "aucun transfert hors UE",
            contract=LISTING_TERMS,
        ),
        Recipient(
            "hosting",
            "Hébergeur : Amazon Web Services EMEA SARL (régions de l'Union européenne)",
            RecipientKind.PROCESSOR,
            "UE",
            "hébergement dans l'Union européenne",
            contract=AWS_AGREEMENT,
        ),
        Recipient(
            "crm",
            "Prestataire de CRM",
            RecipientKind.PROCESSOR,
            "UE",
            "contrat de sous-traitance (art. 28 RGPD)",
            contract=Contract(date(2025, 2, 3), date(2025, 2, 3), date(2027, 2, 3)),
        ),
        Recipient(
            "email_routing",
            "Prestataire de routage d'emails : Amazon SES (région de l'Union européenne)",
            RecipientKind.PROCESSOR,
            "UE",
            "contrat de sous-traitance (art. 28 RGPD)",
            contract=AWS_AGREEMENT,
        ),
        Recipient(
            "google",
            "Google",
            RecipientKind.COOKIE_PROVIDER,
            "US",
            "Data Privacy Framework UE-États-Unis et clauses contractuelles types",
            "https://policies.google.com/privacy",
            contract=Contract(date(2025, 3, 10), date(2025, 3, 10), date(2027, 3, 10)),
        ),
        Recipient(
            "meta",
            "Meta",
            RecipientKind.COOKIE_PROVIDER,
            "US",
            "Data Privacy Framework UE-États-Unis et clauses contractuelles types",
            "https://www.facebook.com/privacy/policy",
            contract=Contract(date(2025, 3, 10), date(2025, 3, 10), date(2027, 3, 10)),
        ),
        Recipient(
            "microsoft",
            "Microsoft",
            RecipientKind.COOKIE_PROVIDER,
            "US",
            "Data Privacy Framework UE-États-Unis et clauses contractuelles types",
            "https://privacy.microsoft.com/",
            contract=Contract(date(2025, 3, 17), date(2025, 3, 17), date(2027, 3, 17)),
        ),
        Recipient(
            "hubspot",
            "Hubspot",
            RecipientKind.COOKIE_PROVIDER,
            "US",
            "Data Privacy Framework UE-États-Unis et clauses contractuelles types",
            "https://legal.hubspot.com/privacy-policy",
            contract=Contract(date(2025, 3, 17), date(2025, 3, 17), date(2027, 3, 17)),
        ),
        Recipient(
            "cloudflare",
            "Cloudflare",
            RecipientKind.COOKIE_PROVIDER,
            "US",
            "Data Privacy Framework UE-États-Unis et clauses contractuelles types",
            "https://www.cloudflare.com/privacypolicy/",
            contract=Contract(date(2025, 3, 24), date(2025, 3, 24), date(2027, 3, 24)),
        ),
        Recipient(
            "commercial_partners",
            "Partenaires commerciaux fournissant des services complémentaires (avec votre consentement spécifique)",
            RecipientKind.COMMERCIAL_PARTNER,
            "FR",
            "aucun transfert hors UE",
            contract=PARTNERSHIP_TERMS,
        ),
        Recipient(
            "requested_controller",
            "Responsable de traitement auquel vous avez demandé que vos données soient transmises "
            "(portabilité, article 20.2 du RGPD)",
            RecipientKind.CHOSEN_BY_PERSON,
            "UE",
            "transmission à votre demande, à l'adresse que vous avez indiquée",
        ),
        Recipient(
            "designated_person",
            "Personne que vous avez désignée dans vos directives post mortem",
            RecipientKind.CHOSEN_BY_PERSON,
            "UE",
            "communication selon vos directives, après vérification de son adresse",
        ),
    )
}

# Every cookie, technical or not: 13 months at most from its placement (policy section 3).
COOKIE_RETENTION = Retention(
    Anchor.COOKIE_PLACEMENT,
    Period(months=13),
    False,
    "treize (13) mois au maximum à compter du placement initial du cookie",
)
_CORE_PROCESSORS = ("jaqe_staff", "hosting", "crm", "email_routing")


@dataclass(frozen=True)
class RightEffect:
    """What an objection (Art. 21) or a withdrawal of consent (Art. 7(3)) does to one purpose: the
    answer to the person is this text, and tests hold the processing to it."""

    applies: bool
    text_fr: str


# Where a right does not apply, the reason follows from the legal basis (first listed basis).
_OBJECTION_BY_BASIS = {
    LegalBasis.CONSENT: "ce traitement ne repose pas sur notre intérêt légitime mais sur votre consentement : "
    "le droit d'opposition (article 21 du RGPD) ne s'y applique pas ; vous pouvez en revanche retirer votre "
    "consentement à tout moment, ce qui y met fin",
    LegalBasis.CONTRACT: "ce traitement est nécessaire à l'exécution du contrat qui nous lie (article 6.1.b du "
    "RGPD) : le droit d'opposition ne s'y applique pas ; vous pouvez demander l'effacement des données dont "
    "nous n'avons plus besoin",
    LegalBasis.LEGAL_OBLIGATION: "ce traitement répond à une obligation légale (article 6.1.c du RGPD) : le droit "
    "d'opposition ne s'y applique pas",
}
_OBJECTION_BY_BASIS[LegalBasis.PRE_CONTRACTUAL] = _OBJECTION_BY_BASIS[LegalBasis.CONTRACT]


# The banner's choices are kept per browser (a visitor id), never tied to an email address: a
# request by email finds them only if it gives that id; otherwise the person withdraws them where they live.
COOKIE_CHOICES_IN_THE_BROWSER = RightEffect(
    False,
    "vos choix en matière de cookies sont enregistrés pour votre navigateur, sous un identifiant de visiteur "
    "que nous ne relions pas à votre adresse email : pour retirer votre consentement, cliquez sur « Gérer mes "
    f"cookies » en bas de n'importe quelle page du Site ({SITE_URL}) puis sur « Tout refuser » (les cookies "
    "de cette finalité sont alors supprimés et ses traceurs ne sont plus chargés), ou écrivez-nous en indiquant "
    "l'identifiant de visiteur affiché dans « Gérer mes cookies »",
)
# The request gave the visitor id of a recorded choice: that choice now refuses the purpose.
COOKIE_CHOICE_WITHDRAWN = RightEffect(
    True,
    "le choix enregistré pour l'identifiant de visiteur que vous avez indiqué refuse désormais cette finalité : "
    "à votre prochaine visite avec ce navigateur, le Site supprime ses cookies et ne charge plus ses traceurs",
)


class PurposeId(StrEnum):
    QUOTE_MATCHING = "quote_matching"
    PROFESSIONAL_LISTING = "professional_listing"
    SIMILAR_SERVICES_EMAILS = "similar_services_emails"
    NEWSLETTER = "newsletter"
    CONTACT_REQUESTS = "contact_requests"
    AUDIENCE_MEASUREMENT = "audience_measurement"
    ADVERTISING = "advertising"
    COMMERCIAL_PARTNERS = "commercial_partners"
    TECHNICAL_COOKIES = "technical_cookies"
    SERVER_LOGS = "server_logs"
    RIGHTS_REQUESTS = "rights_requests"
    CONSENT_PROOFS = "consent_proofs"
    SUPPRESSION_LIST = "suppression_list"
    INCIDENT_RECORDS = "incident_records"
    LEGAL_HOLDS = "legal_holds"
    POST_MORTEM_DIRECTIVES = "post_mortem_directives"
    ACCESS_TRAIL = "access_trail"


@dataclass(frozen=True)
class Purpose:
    id: PurposeId
    name_fr: str
    description_fr: str
    data_categories_fr: tuple[str, ...]
    legal_bases: tuple[LegalBasis, ...]
    retention: Retention
    recipients: tuple[str, ...]
    # Purposes the policy itself lists (section 3 or 6); the others exist for the system's own duties.
    in_policy: bool = True
    # Cookie-based purposes are read by the consent banner.
    is_cookie: bool = False
    # The consent counts only once the person has confirmed the address it was given for (a link
    # sent there): anyone can type anyone's address in a form, and this data leaves for third parties.
    needs_confirmed_address: bool = False
    # What an objection or a withdrawal does here, where the legal basis alone does not say it: every
    # legitimate-interest purpose states its objection, every consent purpose its withdrawal.
    on_objection: RightEffect | None = None
    on_withdrawal: RightEffect | None = None

    @property
    def needs_consent(self) -> bool:
        """Processing refuses to run without a live consent record."""
        return self.legal_bases[0] is LegalBasis.CONSENT

    @property
    def portability_applies(self) -> bool:
        """Art. 20: only for processing based on consent or on a contract."""
        return any(
            b in (LegalBasis.CONSENT, LegalBasis.CONTRACT, LegalBasis.PRE_CONTRACTUAL)
            for b in self.legal_bases
        )

    @property
    def objection(self) -> RightEffect:
        """Art. 21: stops legitimate-interest processing, unless compelling legitimate grounds."""
        if self.on_objection is not None:
            return self.on_objection
        basis = self.legal_bases[0]
        if basis is LegalBasis.LEGITIMATE_INTEREST:
            raise LookupError(f"{self.id}: a legitimate-interest purpose says what an objection does")
        return RightEffect(False, _OBJECTION_BY_BASIS[basis])

    @property
    def withdrawal(self) -> RightEffect:
        """Art. 7(3): a consent may be withdrawn at any time; it ends what rests on it."""
        if self.on_withdrawal is not None:
            return self.on_withdrawal
        if self.needs_consent:
            raise LookupError(f"{self.id}: a consent purpose says what a withdrawal does")
        bases = ", ".join(b.label_fr for b in self.legal_bases)
        return RightEffect(
            False,
            f"ce traitement ne repose pas sur votre consentement mais sur : {bases} ; il n'y a pas de "
            "consentement à retirer",
        )

    def expires_at(self, anchor_time: datetime) -> int | None:
        return self.retention.expires_at(anchor_time)


THREE_YEARS_FROM_LAST_CONTACT = Retention(
    Anchor.LAST_CONTACT,
    Period(years=3),
    False,
    "trois (3) ans au maximum à compter de votre dernière prise de contact avec nous",
)

# "Durée appropriée à la gestion de votre demande": our documented default is one year
# after the last message of the exchange, long enough to answer follow-ups.
CONTACT_HANDLING_PERIOD = Period(years=1)
# A professional's registration that no operator approved: it goes with its data and login.
PENDING_REGISTRATION_PERIOD = Period(days=30)

PURPOSES: dict[PurposeId, Purpose] = {
    p.id: p
    for p in (
        Purpose(
            PurposeId.QUOTE_MATCHING,
            "Mise en relation pour un devis en ligne",
            "Donner suite à votre demande de mise en relation pour un devis en ligne avec les "
            "partenaires professionnels référencés sur le Site.",
            ("données d'identification", "données liées à votre projet"),
            (LegalBasis.CONSENT, LegalBasis.PRE_CONTRACTUAL),
            THREE_YEARS_FROM_LAST_CONTACT,
            ("listed_professionals", *_CORE_PROCESSORS),
            on_withdrawal=RightEffect(
                True,
                "les professionnels qui ont reçu vos demandes de devis n'y ont plus accès dans leur espace, "
                "sauf celui dont vous avez accepté le devis, et aucune mise en relation n'est plus faite sans "
                "une nouvelle demande de votre part ; nous gardons la trace de vos demandes trois (3) ans au "
                "maximum après votre dernière prise de contact, sauf si vous en demandez l'effacement",
            ),
        ),
        Purpose(
            PurposeId.PROFESSIONAL_LISTING,
            "Référencement des professionnels",
            "Vous référencer en tant que professionnel sur notre service de comparaison et de mise en relation.",
            (
                "données d'identification",
                "compétences professionnelles et domaines d'intervention",
                "interventions et prestations auprès des utilisateurs du Site",
                "documents justifiant vos certifications et assurances professionnelles",
            ),
            (LegalBasis.CONTRACT,),
            Retention(
                Anchor.DELISTING,
                Period(years=5),
                True,
                "pendant la durée de votre référencement sur notre Site et pendant cinq (5) ans à "
                "compter de votre déréférencement, à des fins d'archivage",
            ),
            _CORE_PROCESSORS,
        ),
        Purpose(
            PurposeId.SIMILAR_SERVICES_EMAILS,
            "Courriels sur des services analogues",
            "Vous adresser des courriels d'informations sur des services analogues et/ou complémentaires "
            "à des services pour lesquels vous avez fait une demande de devis dans le passé.",
            ("adresse email", "informations liées à vos précédentes demandes"),
            (LegalBasis.LEGITIMATE_INTEREST,),
            THREE_YEARS_FROM_LAST_CONTACT,
            _CORE_PROCESSORS,
            on_objection=RightEffect(
                True,
                "nous ne vous adressons plus aucun courriel sur des services analogues à vos demandes passées",
            ),
        ),
        Purpose(
            PurposeId.NEWSLETTER,
            "Newsletter et emails promotionnels",
            "Vous adresser notre newsletter et des emails de nature promotionnelle.",
            ("données d'identification (adresse email)",),
            (LegalBasis.CONSENT,),
            Retention(
                Anchor.UNSUBSCRIBE,
                None,
                True,
                "jusqu'à ce que vous décidiez de vous désinscrire de nos listes d'abonnés",
            ),
            _CORE_PROCESSORS,
            on_withdrawal=RightEffect(
                True,
                "vous êtes désinscrit(e) : votre abonnement est supprimé et plus aucune newsletter ni aucun "
                "email promotionnel ne vous est adressé",
            ),
        ),
        Purpose(
            PurposeId.CONTACT_REQUESTS,
            "Demandes de contact",
            "Répondre à votre demande adressée via le formulaire de contact sur notre Site ou via email.",
            ("données d'identification", "objet de votre message"),
            (LegalBasis.CONTRACT,),
            Retention(
                Anchor.LAST_MESSAGE,
                CONTACT_HANDLING_PERIOD,
                False,
                "pour la durée appropriée à la gestion de votre demande (par défaut un (1) an à compter "
                "de votre dernier message)",
            ),
            _CORE_PROCESSORS,
        ),
        Purpose(
            PurposeId.AUDIENCE_MEASUREMENT,
            "Cookies de mesure d'audience",
            "Améliorer et optimiser notre Site internet en réalisant des statistiques de mesures d'audience.",
            (
                "données de connexion (notamment lieu de connexion)",
                "données de navigation (pages visitées, temps passé sur chaque page, positionnement de la souris)",
            ),
            (LegalBasis.CONSENT,),
            COOKIE_RETENTION,
            ("hosting", "google", "meta", "microsoft", "hubspot", "cloudflare"),
            is_cookie=True,
            on_withdrawal=COOKIE_CHOICES_IN_THE_BROWSER,
        ),
        Purpose(
            PurposeId.ADVERTISING,
            "Cookies publicitaires",
            "Afficher de la publicité ciblée.",
            ("profil utilisateur basé sur votre historique de navigation",),
            (LegalBasis.CONSENT,),
            COOKIE_RETENTION,
            ("hosting", "google", "meta", "microsoft"),
            is_cookie=True,
            on_withdrawal=COOKIE_CHOICES_IN_THE_BROWSER,
        ),
        Purpose(
            PurposeId.COMMERCIAL_PARTNERS,
            "Transmission à des partenaires commerciaux",
            "Transmettre vos données à des partenaires commerciaux pouvant vous fournir des services "
            "complémentaires à nos services, sous réserve de votre consentement spécifique.",
            ("données d'identification",),
            (LegalBasis.CONSENT,),
            THREE_YEARS_FROM_LAST_CONTACT,
            ("commercial_partners", *_CORE_PROCESSORS),
            needs_confirmed_address=True,
            on_withdrawal=RightEffect(
                True,
                "vos données ne figurent plus dans aucune transmission à nos partenaires commerciaux ; ceux qui "
                "les ont déjà reçues en sont responsables : vous pouvez vous adresser à eux, ou nous demander "
                "l'effacement, que nous leur transmettrons",
            ),
        ),
        Purpose(
            PurposeId.TECHNICAL_COOKIES,
            "Cookies techniques",
            "Cookies strictement nécessaires à la navigation et au fonctionnement du Site (préférences "
            "d'affichage, mémorisation de vos choix en matière de cookies, chat, sécurité). Exemptés de "
            "consentement ; jamais utilisés à des fins de suivi.",
            ("préférences d'affichage", "choix en matière de cookies"),
            (LegalBasis.LEGITIMATE_INTEREST,),
            COOKIE_RETENTION,
            ("hosting",),
            is_cookie=True,
            on_objection=RightEffect(
                False,
                "ces cookies sont strictement nécessaires au fonctionnement du Site et à la mémorisation de vos "
                "choix (article 82 de la loi Informatique et Libertés) et ne servent à aucun suivi : l'opposition "
                "ne s'y applique pas ; vous pouvez les bloquer dans les réglages de votre navigateur, au risque "
                "que le Site ne fonctionne plus correctement",
            ),
        ),
        Purpose(
            PurposeId.SERVER_LOGS,
            "Journaux des serveurs",
            "Assurer la sécurité et le bon fonctionnement du Site (fichiers journaux, sans adresse IP en clair "
            "ni contenu des formulaires).",
            ("données techniques de connexion",),
            (LegalBasis.LEGITIMATE_INTEREST,),
            Retention(
                Anchor.EVENT,
                Period(months=12),
                False,
                "douze (12) mois au maximum à compter de l'événement journalisé",
            ),
            ("jaqe_staff", "hosting"),
            on_objection=RightEffect(
                False,
                "nous avons des motifs légitimes et impérieux de poursuivre ce traitement (article 21.1 du RGPD) : "
                "ces journaux servent à la sécurité du Site et à la détection des abus ; ils ne contiennent ni "
                "adresse IP en clair ni contenu de formulaire et sont effacés au plus tard douze (12) mois après "
                "l'événement",
            ),
        ),
        Purpose(
            PurposeId.RIGHTS_REQUESTS,
            "Gestion des demandes d'exercice des droits",
            "Traiter vos demandes d'exercice de droits et pouvoir prouver qu'elles ont été traitées. "
            "La trace de la demande ne contient que votre identifiant pseudonymisé ; l'adresse à laquelle "
            "vous répondre et les précisions de la demande sont gardées à part, et effacées dès la réponse "
            "à une demande d'effacement.",
            (
                "identifiant pseudonymisé",
                "type et historique de la demande",
                "adresse de réponse et précisions de la demande",
            ),
            (LegalBasis.LEGAL_OBLIGATION,),
            Retention(
                Anchor.RECEIPT,
                Period(years=5, months=3),
                False,
                "cinq (5) ans à compter de la clôture de la demande (délai de prescription)",
            ),
            ("jaqe_staff", "hosting", "requested_controller"),
            in_policy=False,
        ),
        Purpose(
            PurposeId.POST_MORTEM_DIRECTIVES,
            "Directives post mortem",
            "Conserver vos directives relatives au sort de vos données après votre décès (loi Informatique "
            "et Libertés, article 85) et les exécuter : effacer, conserver ou communiquer vos données à la "
            "personne que vous avez désignée. Une fois exécutées, leur trace suit la durée de conservation "
            "des demandes d'exercice des droits.",
            ("identifiant pseudonymisé", "vos directives", "personne désignée (nom, adresse email)"),
            (LegalBasis.LEGAL_OBLIGATION,),
            Retention(
                Anchor.NONE,
                None,
                True,
                "jusqu'à leur exécution après votre décès ou jusqu'à ce que vous les révoquiez",
            ),
            ("jaqe_staff", "hosting", "designated_person"),
            in_policy=False,
        ),
        Purpose(
            PurposeId.CONSENT_PROOFS,
            "Preuves du consentement",
            "Démontrer que vous avez consenti (art. 7.1 RGPD) : finalité, version de la politique, "
            "date, canal et texte présenté. Après un effacement, cette preuve reste, sans aucune "
            "coordonnée, sous un identifiant pseudonymisé, jusqu'au terme de sa durée.",
            ("identifiant pseudonymisé", "historique des consentements"),
            (LegalBasis.LEGAL_OBLIGATION,),
            Retention(
                Anchor.EVENT,
                Period(years=5),
                False,
                "cinq (5) ans à compter de chaque consentement ou retrait (délai de prescription)",
            ),
            ("jaqe_staff", "hosting"),
            in_policy=False,
        ),
        Purpose(
            PurposeId.SUPPRESSION_LIST,
            "Liste d'opposition",
            "Garantir qu'après un effacement ou une opposition, aucun envoi ni import ne vous atteigne "
            "à nouveau (seul un identifiant pseudonymisé est conservé).",
            ("identifiant pseudonymisé",),
            (LegalBasis.LEGAL_OBLIGATION,),
            Retention(Anchor.NONE, None, True, "tant que l'effacement ou l'opposition doit être respecté"),
            ("jaqe_staff", "hosting"),
            in_policy=False,
        ),
        Purpose(
            PurposeId.INCIDENT_RECORDS,
            "Documentation des violations de données",
            "Documenter chaque violation de données (art. 33.5 RGPD), notifier la CNIL et informer les "
            "personnes concernées ; la liste des personnes à informer (identifiants pseudonymisés) "
            "n'est gardée que le temps de l'information.",
            ("identifiant pseudonymisé", "description de l'incident", "suivi des notifications"),
            (LegalBasis.LEGAL_OBLIGATION,),
            Retention(Anchor.EVENT, Period(years=5), False, "cinq (5) ans à compter de la déclaration"),
            ("jaqe_staff", "hosting"),
            in_policy=False,
        ),
        Purpose(
            PurposeId.LEGAL_HOLDS,
            "Conservation pour un litige",
            "Suspendre l'effacement de vos données tant qu'elles sont nécessaires à la constatation, à "
            "l'exercice ou à la défense de droits en justice (à votre demande de limitation, art. 18.1.c "
            "RGPD, ou lors d'un litige), et pouvoir prouver pourquoi et combien de temps elles l'ont été.",
            ("identifiant pseudonymisé", "motif, dates de la mesure et de sa levée"),
            (LegalBasis.LEGAL_OBLIGATION,),
            # The record outlives its lifting by the limitation period: it proves why data outlived its own.
            Retention(
                Anchor.EVENT,
                Period(years=5),
                True,
                "tant que la mesure est active, puis cinq (5) ans à compter de sa levée (délai de prescription)",
            ),
            ("jaqe_staff", "hosting"),
            in_policy=False,
        ),
        Purpose(
            PurposeId.ACCESS_TRAIL,
            "Traçabilité des accès du personnel",
            "Garder la trace de chaque action des opérateurs et de chaque consultation de données "
            "personnelles (qui, quand, quoi, à propos de qui, pour quel motif), pour pouvoir démontrer "
            "que les données ne sont consultées que par le personnel habilité et pour un motif (art. 5.2 "
            "et 32 RGPD).",
            ("identité de l'opérateur", "identifiant pseudonymisé", "action, date et motif"),
            (LegalBasis.LEGAL_OBLIGATION,),
            Retention(Anchor.EVENT, Period(years=5), False, "cinq (5) ans à compter de l'accès"),
            ("jaqe_staff", "hosting"),
            in_policy=False,
        ),
    )
}


def overdue_reviews(on: date) -> list[Recipient]:
    """Recipients whose contract review date has passed (the DPO's monthly report lists them)."""
    return [r for r in RECIPIENTS.values() if r.review_overdue(on)]


def purpose(purpose_id: PurposeId | str) -> Purpose:
    return PURPOSES[PurposeId(purpose_id)]


def policy_purposes() -> list[Purpose]:
    return [p for p in PURPOSES.values() if p.in_policy]


def consent_purposes() -> list[Purpose]:
    return [p for p in PURPOSES.values() if p.needs_consent]
