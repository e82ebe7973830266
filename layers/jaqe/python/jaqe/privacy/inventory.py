"""The data inventory (DESIGN: "personal data only where the subject index reaches"), as data.

Beside the register (why data is processed), the inventory says WHERE it can land: every table,
bucket, queue, state machine, user pool, log group and backup of the stacks, what each may hold,
for how long, and how access and erasure reach it. The privacy scan and the erasure proof walk
the stores it marks as reachable; the erasure answer takes "what remains" from it; the Art. 30
record takes its "where" from it; an infra test fails when a stack holds a data store it does not
name (each one carries the `jaqe:inventory` tag naming its entry).

The rule it encodes: personal data lives only in items and objects that carry the subject key and
a purpose, reached by `by_subject`; everything else (workflow inputs, queue messages, idempotency
records, logs) carries ids and subject keys only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jaqe.privacy.register import PurposeId, purpose

INVENTORY_TAG = "jaqe:inventory"


class StoreKind(StrEnum):
    TABLE = "AWS::DynamoDB::Table"
    BUCKET = "AWS::S3::Bucket"
    QUEUE = "AWS::SQS::Queue"
    STATE_MACHINE = "AWS::StepFunctions::StateMachine"
    USER_POOL = "AWS::Cognito::UserPool"
    LOG_GROUP = "AWS::Logs::LogGroup"
    BACKUP = "backup"  # point-in-time recovery of a table: no resource of its own


class Reach(StrEnum):
    """How access and erasure reach what a store holds about one person."""

    SUBJECT_INDEX = "subject_index"  # items: one Query on `by_subject`, erased item by item
    ITEM_POINTER = "item_pointer"  # objects named by an item on the subject index: every version erased
    PROFILE_LOGIN = "profile_login"  # a professional's login, named by the profile's address: deleted
    IDS_ONLY = "ids_only"  # ids, subject keys, digests: nothing personal to reach
    PSEUDONYMOUS = "pseudonymous"  # subject keys and technical data, kept for their retention
    WINDOW = "window"  # personal data out of reach by subject, gone when its window passes


@dataclass(frozen=True)
class DataStore:
    id: str
    kind: StoreKind
    holds: str
    retention: str
    reach: Reach
    # What an erasure leaves here and why, in the words of the answer (None: nothing remains).
    after_erasure_fr: str | None = None
    # ITEM_POINTER: the item types whose `s3_key` names an object of this store.
    item_types: tuple[str, ...] = ()
    # Purposes whose data it holds other than through the table's item families (the Art. 30 "where").
    serves: tuple[PurposeId, ...] = ()

    @property
    def reachable(self) -> bool:
        return self.reach in (Reach.SUBJECT_INDEX, Reach.ITEM_POINTER, Reach.PROFILE_LOGIN)


class AfterErasure(StrEnum):
    DELETED = "deleted"
    KEPT = "kept"  # subject key only, kept for its own legal purpose
    ARCHIVED = "archived"  # a delisted professional's profile: the listing archive rule applies
    NO_SUBJECT = "no_subject"  # no subject key: ids, or a company's own contact; nothing of a person


@dataclass(frozen=True)
class ItemFamily:
    """One `item_type` of the data table: the purpose it serves and what erasure does to it."""

    item_type: str
    purposes: tuple[PurposeId, ...]  # empty: ids only (index entries, workflow bookkeeping)
    holds: str
    after_erasure: AfterErasure = AfterErasure.DELETED
    after_erasure_fr: str | None = None


_REQUESTS_KEPT = (
    "la trace de vos demandes d'exercice de droits (type, dates, étapes), sans votre adresse ni vos "
    "coordonnées, sous un identifiant pseudonymisé, pendant cinq ans (délai de prescription)"
)
_SUPPRESSION_KEPT = (
    "une liste d'opposition qui ne contient que cet identifiant pseudonymisé, pour qu'aucun envoi ni "
    "import ne vous atteigne à nouveau"
)

_CONSENT_PROOFS_KEPT = (
    "la preuve des consentements que vous nous aviez donnés ou retirés (finalité, date, canal, version "
    "de la politique et empreinte du texte présenté), sous cet identifiant pseudonymisé et sans aucune "
    "coordonnée, car nous devons pouvoir démontrer votre consentement (article 7.1 du RGPD) : chacune "
    "est conservée cinq ans à compter du consentement ou du retrait (délai de prescription), puis supprimée"
)

# The purposes that send email (the stored message carries the one it serves).
_MAILING_PURPOSES = (
    PurposeId.QUOTE_MATCHING,
    PurposeId.PROFESSIONAL_LISTING,
    PurposeId.SIMILAR_SERVICES_EMAILS,
    PurposeId.NEWSLETTER,
    PurposeId.CONTACT_REQUESTS,
    PurposeId.RIGHTS_REQUESTS,
    PurposeId.INCIDENT_RECORDS,
    PurposeId.POST_MORTEM_DIRECTIVES,
)

ITEM_FAMILIES: dict[str, ItemFamily] = {
    f.item_type: f
    for f in (
        ItemFamily(
            "lead",
            (PurposeId.QUOTE_MATCHING,),
            "demande de devis : identité, coordonnées, projet, empreinte du lien d'acceptation d'un devis",
        ),
        ItemFamily(
            "disclosure",
            (PurposeId.QUOTE_MATCHING, PurposeId.COMMERCIAL_PARTNERS),
            "ce qui a été transmis à un professionnel ou à un partenaire commercial, et quand",
        ),
        ItemFamily("consent_event", (PurposeId.CONSENT_PROOFS,), "consentement ou retrait, version, canal"),
        ItemFamily(
            "consent_proof",
            (PurposeId.CONSENT_PROOFS,),
            "ce qu'un effacement laisse d'un consentement ou d'un retrait : finalité, date, canal, "
            "version, empreinte du texte (identifiant pseudonymisé seul)",
            AfterErasure.KEPT,
            _CONSENT_PROOFS_KEPT,
        ),
        ItemFamily(
            "cookie_consent",
            (PurposeId.TECHNICAL_COOKIES, PurposeId.AUDIENCE_MEASUREMENT, PurposeId.ADVERTISING),
            "choix du bandeau cookies",
        ),
        ItemFamily("newsletter_subscription", (PurposeId.NEWSLETTER,), "adresse abonnée"),
        ItemFamily("contact_message", (PurposeId.CONTACT_REQUESTS,), "message, nom, adresse"),
        ItemFamily(
            "token",
            (
                PurposeId.NEWSLETTER,
                PurposeId.SIMILAR_SERVICES_EMAILS,
                PurposeId.COMMERCIAL_PARTNERS,
                PurposeId.POST_MORTEM_DIRECTIVES,
            ),
            "lien envoyé par email (confirmation, désinscription)",
        ),
        ItemFamily(
            "professional", (PurposeId.PROFESSIONAL_LISTING,), "fiche du professionnel", AfterErasure.ARCHIVED
        ),
        ItemFamily("professional_document", (PurposeId.PROFESSIONAL_LISTING,), "justificatif déposé"),
        ItemFamily("intervention", (PurposeId.PROFESSIONAL_LISTING,), "prestation d'un professionnel"),
        ItemFamily("listing_entry", (PurposeId.PROFESSIONAL_LISTING,), "entrée de l'annuaire (entreprise)"),
        ItemFamily("siret_claim", (PurposeId.PROFESSIONAL_LISTING,), "SIRET réservé par une fiche"),
        ItemFamily("insurance_watch", (PurposeId.PROFESSIONAL_LISTING,), "échéance d'assurance à surveiller"),
        ItemFamily("subject_flags", (PurposeId.SUPPRESSION_LIST,), "limitation, oppositions"),
        ItemFamily("mail_block", (PurposeId.SUPPRESSION_LIST,), "adresse en échec ou plainte (clé seule)"),
        ItemFamily(
            "suppression",
            (PurposeId.SUPPRESSION_LIST,),
            "identifiant pseudonymisé seul",
            AfterErasure.KEPT,
            _SUPPRESSION_KEPT,
        ),
        ItemFamily(
            "rights_request",
            (PurposeId.RIGHTS_REQUESTS,),
            "type, dates et étapes de la demande, sans coordonnées",
            AfterErasure.KEPT,
            _REQUESTS_KEPT,
        ),
        ItemFamily(
            "rights_request_contact",
            (PurposeId.RIGHTS_REQUESTS,),
            "adresse du demandeur et champs de sa demande (effacés juste après la réponse à un effacement)",
        ),
        ItemFamily(
            "rights_export", (PurposeId.RIGHTS_REQUESTS,), "export d'accès ou de portabilité (7 jours)"
        ),
        ItemFamily(
            "rights_request_open",
            (PurposeId.RIGHTS_REQUESTS,),
            "votre demande en cours de chaque type (identifiant), pour joindre à elle une demande identique",
        ),
        ItemFamily(
            "post_mortem_directives",
            (PurposeId.POST_MORTEM_DIRECTIVES, PurposeId.RIGHTS_REQUESTS),
            "directives post mortem et personne désignée, puis ce qui en a été fait (gardées jusqu'à "
            "leur exécution ou leur révocation ; exécutées, elles deviennent la trace d'une demande)",
        ),
        ItemFamily(
            "portability_transmission",
            (PurposeId.RIGHTS_REQUESTS,),
            "transmission de vos données à un autre responsable à votre demande : destinataire, champs, date",
        ),
        ItemFamily("outgoing_mail", _MAILING_PURPOSES, "email en attente d'envoi (supprimé à l'envoi)"),
        ItemFamily(
            "mail_rate",
            (PurposeId.SERVER_LOGS,),
            "heures des derniers emails de vérification ou de confirmation envoyés (une heure, contre l'envoi en masse)",
        ),
        ItemFamily(
            "partner_export", (PurposeId.COMMERCIAL_PARTNERS,), "export à un partenaire (compte, date)"
        ),
        ItemFamily(
            "rights_request_index",
            (),
            "index des demandes par échéance (identifiants)",
            AfterErasure.NO_SUBJECT,
        ),
        ItemFamily(
            "rights_review", (), "jeton d'attente d'une décision d'opérateur", AfterErasure.NO_SUBJECT
        ),
        ItemFamily(
            "rights_recipient_notice",
            (PurposeId.RIGHTS_REQUESTS,),
            "avis de l'article 19 envoyé à un destinataire (identifiants)",
            AfterErasure.NO_SUBJECT,
        ),
        ItemFamily(
            "partner_notice_task",
            (PurposeId.RIGHTS_REQUESTS,),
            "avis à un partenaire sans contact, laissé à un opérateur (identifiants)",
            AfterErasure.NO_SUBJECT,
        ),
        ItemFamily(
            "commercial_partner",
            (PurposeId.COMMERCIAL_PARTNERS,),
            "annuaire des partenaires commerciaux : nom, adresse de contact de l'entreprise",
            AfterErasure.NO_SUBJECT,
        ),
        ItemFamily("incident", (PurposeId.INCIDENT_RECORDS,), "description d'une violation de données"),
        ItemFamily("incident_batch", (PurposeId.INCIDENT_RECORDS,), "personnes à informer (clés seules)"),
        ItemFamily("incident_deadline", (PurposeId.INCIDENT_RECORDS,), "échéance de notification"),
        ItemFamily("incident_decision", (PurposeId.INCIDENT_RECORDS,), "décision du DPO sur un incident"),
        ItemFamily(
            "reconciliation_run",
            (),
            "passage de la purge quotidienne : éléments supprimés par finalité, jours couverts (comptes)",
            AfterErasure.NO_SUBJECT,
        ),
        ItemFamily(
            "legal_hold",
            (PurposeId.LEGAL_HOLDS,),
            "mesure de conservation pour un litige : motif, dates, origine (identifiant pseudonymisé)",
            # The operator's record of the hold (its own purpose): an erasure answer names it when present.
            AfterErasure.KEPT,
        ),
    )
}

# Partner export files expire this many days after they are written (the exports bucket's lifecycle).
PARTNER_EXPORT_DAYS = 3

_LOGS_KEPT = (
    "les journaux techniques de nos serveurs, qui ne contiennent ni votre adresse ni vos coordonnées "
    "(un identifiant pseudonymisé au plus), pendant douze mois au maximum"
)

INVENTORY: dict[str, DataStore] = {
    s.id: s
    for s in (
        DataStore(
            "data_table",
            StoreKind.TABLE,
            "every item family of ITEM_FAMILIES, each with its subject key and purpose",
            "each item's purpose in the register (TTL on expires_at, reconciliation after it)",
            Reach.SUBJECT_INDEX,
        ),
        DataStore(
            "idempotency_table",
            StoreKind.TABLE,
            "idempotency keys, HMAC digests of payloads (keyed with the subject-key secret), answers (ids)",
            "24 hours",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "access_trail_table",
            StoreKind.TABLE,
            "operators' actions and reads of personal data: operator's identity, route, ids, subject "
            "key, reason (append-only: no function may update or delete an entry)",
            "5 years (the register's access_trail purpose, TTL on expires_at)",
            Reach.PSEUDONYMOUS,
            serves=(PurposeId.ACCESS_TRAIL,),
        ),
        DataStore(
            "point_in_time_recovery",
            StoreKind.BACKUP,
            "continuous backup of the data table",
            "35 days",
            Reach.WINDOW,
            "les sauvegardes de sécurité de nos bases, qui ne sont jamais restaurées pour vous recontacter "
            "et s'effacent d'elles-mêmes après trente-cinq jours",
        ),
        DataStore(
            "documents",
            StoreKind.BUCKET,
            "professionals' certificates and insurance documents",
            "the professional listing rule (listing + 5 years); old versions 1 day",
            Reach.ITEM_POINTER,
            item_types=("professional_document",),
        ),
        DataStore(
            "exports",
            StoreKind.BUCKET,
            "access and portability exports",
            "7 days (+1)",
            Reach.ITEM_POINTER,
            item_types=("rights_export",),
        ),
        DataStore(
            "partner_exports",
            StoreKind.BUCKET,
            "commercial-partner export files (reference, name, email, phone of people who consented)",
            f"{PARTNER_EXPORT_DAYS} days (+1); an erasure deletes every file the person is in",
            Reach.ITEM_POINTER,
            item_types=(
                "disclosure",
            ),  # a partner disclosure names its export's file (`s3_key`, `s3_bucket`)
        ),
        DataStore(
            "partner_exports_queue",
            StoreKind.QUEUE,
            "ids of commercial-partner exports to write (never a person's data)",
            "4 days",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "raw_mail",
            StoreKind.BUCKET,
            "raw messages received at support@ / privacy@, until their intake has stored what it needs",
            "deleted with every version once the intake succeeded; otherwise 30 days (+1 day)",
            Reach.WINDOW,
        ),
        DataStore(
            "mail_outbox",
            StoreKind.QUEUE,
            "ids of stored outgoing emails, or of the records a quote request's emails are rendered from "
            "when sent (lead, professionals): never an address or a text",
            "4 days",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "mail_dlq",
            StoreKind.QUEUE,
            "ids of outgoing emails (or of their records) that failed 5 times; a redrive after an erasure "
            "sends nothing",
            "14 days",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "reconciliation_queue",
            StoreKind.QUEUE,
            "where a reconciliation run goes on: dates, one item's keys (ids), counts by purpose",
            "until the next invocation takes it; 4 days at most",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "ids_dlq",
            StoreKind.QUEUE,
            "failed stream batches (shard and sequence numbers), schedule events, S3 keys, "
            "reconciliation positions, export ids",
            "14 days",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "feedback_dlq",
            StoreKind.QUEUE,
            "SES bounce and complaint notifications whose processing failed (bounced address)",
            "14 days, alarmed: an operator redrives or deletes them",
            Reach.WINDOW,
        ),
        DataStore(
            "inbound_dlq",
            StoreKind.QUEUE,
            "SES receipt notifications whose intake failed (sender address and subject in the headers)",
            "14 days, alarmed: an operator replays or deletes them",
            Reach.WINDOW,
        ),
        DataStore(
            "rights_executions",
            StoreKind.STATE_MACHINE,
            "rights workflow inputs, states, history: request id, subject key, type and counts only",
            "90 days after closing (AWS, not deletable)",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "breach_executions",
            StoreKind.STATE_MACHINE,
            "breach workflow inputs, states, history: incident and batch ids only",
            "90 days after closing (AWS, not deletable)",
            Reach.IDS_ONLY,
        ),
        DataStore(
            "professional_logins",
            StoreKind.USER_POOL,
            "professionals' logins: address, professional id, password hash (Cognito)",
            "while the account lives; deleted with the professional's erasure or delisting, or with "
            "a registration no operator approved within 30 days",
            Reach.PROFILE_LOGIN,
            serves=(PurposeId.PROFESSIONAL_LISTING,),
        ),
        DataStore(
            "function_logs",
            StoreKind.LOG_GROUP,
            "functions', API access and workflows' logs: ids, subject keys, counts (redacting formatter)",
            "12 months",
            Reach.PSEUDONYMOUS,
            _LOGS_KEPT,
            serves=(PurposeId.SERVER_LOGS,),
        ),
        DataStore(
            "s3_access_logs",
            StoreKind.BUCKET,
            "S3 server access logs: object keys (ids), requesters, source addresses of uploads",
            "12 months (30 days for the raw-mail bucket's)",
            Reach.PSEUDONYMOUS,
            serves=(PurposeId.SERVER_LOGS,),
        ),
    )
}


def store(store_id: str) -> DataStore:
    return INVENTORY[store_id]


def reachable_buckets() -> list[DataStore]:
    return [s for s in INVENTORY.values() if s.reach is Reach.ITEM_POINTER]


def bucket_of(item_type: str) -> str | None:
    """The inventory store whose objects an item of this type points at (`s3_key`)."""
    return next((s.id for s in reachable_buckets() if item_type in s.item_types), None)


def erasure_keeps() -> set[str]:
    """Item types an erasure leaves in place (subject key only, their own legal purpose)."""
    return {f.item_type for f in ITEM_FAMILIES.values() if f.after_erasure is AfterErasure.KEPT}


def what_remains_after_erasure(archived_profile: bool = False) -> list[str]:
    """The answer's list of what remains and why: every kept item family and every store that
    keeps something, from this inventory (the answer says nothing the inventory does not)."""
    remains = [
        f.after_erasure_fr
        for f in ITEM_FAMILIES.values()
        if f.after_erasure_fr and f.after_erasure is AfterErasure.KEPT
    ]
    if archived_profile:
        remains.append(
            "l'archive de votre fiche de professionnel déréférencé, car nous y sommes tenus : elle est "
            f"conservée {purpose(PurposeId.PROFESSIONAL_LISTING).retention.text_fr}"
        )
    remains += [s.after_erasure_fr for s in INVENTORY.values() if s.after_erasure_fr]
    return remains


def where_for(purpose_id: PurposeId) -> list[str]:
    """The Art. 30 "where": the stores holding this purpose's data (table families, the buckets they
    point at, the stores that serve it directly, and the backups of the table)."""
    types = {f.item_type for f in ITEM_FAMILIES.values() if purpose_id in f.purposes}
    places = ["data_table"] if types else []
    places += [s.id for s in reachable_buckets() if types & set(s.item_types)]
    places += [s.id for s in INVENTORY.values() if purpose_id in s.serves]
    if types:
        places.append("point_in_time_recovery")
    return places
