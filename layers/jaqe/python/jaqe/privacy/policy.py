"""The published privacy policy and the Art. 30 record, generated from the register.

What the site publishes (`web/politique-de-confidentialite.html`, written by `make site`) and
what the code does come from the same data: `jaqe.privacy.register` (purposes, legal bases, retention,
recipients) and `jaqe.platform.controller` (who we are, how to reach us, the CNIL). Commitments:
C1-01, C1-02, C3-*, C4-03, C4-04, C5-03, C6-01..C6-04, C7-01..C7-10.

    python -m jaqe.privacy.policy html     # the page's title and content; `make site` adds the site's layout
    python -m jaqe.privacy.policy csv > registre-art30.csv
    python -m jaqe.privacy.policy recipients-csv > registre-art30-destinataires.csv
    python -m jaqe.privacy.policy markdown > registre-art30.md
"""

from __future__ import annotations

import csv
import io
import re
import sys
from html import escape

from jaqe.platform import controller
from jaqe.privacy.inventory import store, where_for
from jaqe.privacy.register import (
    PURPOSES,
    RECIPIENTS,
    Purpose,
    PurposeId,
    Recipient,
    RecipientKind,
    policy_purposes,
)
from jaqe.privacy.trackers import CONSENT_LIFETIME, policy_rows

# The eight rights (policy section 7), keyed by the `type` of `POST /v1/rights-requests`.
RIGHTS: dict[str, tuple[str, str]] = {
    "withdraw_consent": (
        "Droit de retirer votre consentement",
        "à tout moment, pour chaque traitement fondé sur votre consentement, sans remettre en cause "
        "le traitement effectué avant ce retrait.",
    ),
    "access": (
        "Droit d'accès",
        "savoir si vos données personnelles sont traitées et, le cas échéant, en obtenir une copie et "
        "les informations requises par la loi sur leur traitement.",
    ),
    "rectification": (
        "Droit de rectification",
        "faire corriger dans les meilleurs délais toute donnée inexacte vous concernant.",
    ),
    "erasure": (
        "Droit à l'effacement",
        "obtenir dans les meilleurs délais l'effacement de vos données lorsque (i) leur conservation "
        "n'est plus nécessaire, (ii) vous vous êtes opposé au traitement, (iii) elles ont fait l'objet "
        "d'un traitement illicite ou (iv) une obligation légale l'impose.",
    ),
    "restriction": (
        "Droit à la limitation du traitement",
        "pendant la vérification de l'exactitude de vos données, à la place d'un effacement après un "
        "traitement illicite, lorsque vous en avez besoin pour un droit en justice, ou pendant l'examen "
        "de votre opposition.",
    ),
    "portability": (
        "Droit à la portabilité",
        "recevoir les données que vous nous avez fournies dans un format structuré, couramment utilisé "
        "et lisible par machine, ou les faire transmettre à un autre responsable de traitement, sans "
        "porter atteinte aux droits des tiers.",
    ),
    "objection": (
        "Droit d'opposition",
        "vous opposer au traitement pour des raisons tenant à votre situation particulière ; il y est "
        "mis fin sauf motifs légitimes et impérieux.",
    ),
    "post_mortem_directives": (
        "Droit de définir des directives",
        "relatives à la conservation, à l'effacement et à la communication de vos données après votre décès.",
    ),
}

COUNTRIES_FR = {"FR": "France", "UE": "Union européenne", "US": "États-Unis"}
EU = {"FR", "UE"}
RIGHTS_FORM = "droits.html"
OPT_OUT_URL = "http://www.youronlinechoices.com/fr/controler-ses-cookies/"
CNIL_COMPLAINT_URL = "https://www.cnil.fr/fr/plaintes"


def _recipients(purposes: list[Purpose]) -> list[Recipient]:
    wanted = {r for p in purposes for r in p.recipients}
    return [r for r in RECIPIENTS.values() if r.id in wanted]


def _transfer(recipient: Recipient) -> str:
    return f"{recipient.name_fr} ({COUNTRIES_FR[recipient.country]}) : {recipient.transfer_safeguard}"


def _provider_links(providers: list[Recipient]) -> str:
    links = [f'<a href="{escape(p.privacy_url or "")}">{escape(p.name_fr)}</a>' for p in providers]
    return ", ".join(links[:-1]) + " et " + links[-1] if len(links) > 1 else "".join(links)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _items(values: list[str] | tuple[str, ...]) -> str:
    return "".join(f"<li>{escape(v)}</li>" for v in values)


def _purpose_section(p: Purpose) -> str:
    recipients = [RECIPIENTS[r].name_fr for r in p.recipients]
    bases = " ; ".join(b.label_fr for b in p.legal_bases)
    return f"""
<section class="purpose" id="{p.id.value}">
<h3>{escape(p.name_fr)}</h3>
<dl>
<dt>Pourquoi</dt><dd>{escape(p.description_fr)}</dd>
<dt>Données collectées</dt><dd><ul>{_items(p.data_categories_fr)}</ul></dd>
<dt>Base légale</dt><dd>{escape(_capitalised(bases))}</dd>
<dt>Durée de conservation</dt><dd>{escape(_capitalised(p.retention.text_fr))}</dd>
<dt>Destinataires</dt><dd><ul>{_items(recipients)}</ul></dd>
</dl>
</section>"""


def _contact_list() -> str:
    email = escape(controller.CONTROLLER_EMAIL)
    return f"""<ul>
<li>par email : <a href="mailto:{email}">{email}</a></li>
<li>par courrier : {escape(controller.CONTROLLER_NAME)} – {escape(controller.CONTROLLER_ADDRESS)}</li>
</ul>"""


def render_policy() -> str:
    """The policy's content (the `<main>` of the page), in French."""
    purposes = policy_purposes()
    recipients = _recipients(purposes)
    consent_cookies = [p for p in purposes if p.is_cookie and p.needs_consent]
    providers = [r for r in recipients if r.kind is RecipientKind.COOKIE_PROVIDER]
    technical = PURPOSES[PurposeId.TECHNICAL_COOKIES]
    name = escape(controller.CONTROLLER_NAME)
    rights = "".join(
        f'<li id="droit-{key}"><strong>{escape(title)}</strong> : {escape(text)}</li>'
        for key, (title, text) in RIGHTS.items()
    )
    cookie_purposes = "".join(
        f"<li><strong>{escape(p.name_fr)}</strong> : {escape(p.description_fr[:1].lower() + p.description_fr[1:])} "
        f"Éditeurs : {_provider_links([r for r in _recipients([p]) if r in providers])}. "
        f"Conservation : {escape(p.retention.text_fr)}.</li>"
        for p in consent_cookies
    )
    recipient_rows = "".join(
        f"<tr><td>{escape(r.name_fr)}</td><td>{escape(COUNTRIES_FR[r.country])}</td>"
        f"<td>{escape(r.transfer_safeguard)}</td><td>{escape(r.kind.role_fr)}</td></tr>"
        for r in recipients
    )
    cookie_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in policy_rows()
    )
    transfers = [r for r in recipients if r.country not in EU]
    return _with_contents(f"""<h1>Politique de confidentialité</h1>
<p class="lead">Version {escape(controller.POLICY_VERSION)}. Cette page est générée à partir de notre registre des
traitements : ce qu'elle annonce est ce que nos systèmes appliquent.</p>

<h2 id="responsable">1. Responsable de traitement et contact</h2>
<p>Vos données personnelles sont traitées par la société {name}, {escape(controller.CONTROLLER_LEGAL_FORM)},
{escape(controller.CONTROLLER_RCS)}, dont le siège social est situé au {escape(controller.CONTROLLER_ADDRESS)},
responsable de traitement au sens du RGPD. Vous pouvez nous joindre :</p>
{_contact_list()}

<h2 id="collecte">2. Quand collectons-nous vos données ?</h2>
<ul>
<li>Lorsque vous remplissez nos formulaires en ligne (sur le Site ou sur des sites partenaires qui lui sont
rattachés) pour être mis en relation avec les professionnels référencés.</li>
<li>Lorsque vous demandez à être référencé en tant que professionnel, via notre formulaire ou notre application
destinée aux professionnels.</li>
<li>Lorsque vous vous inscrivez à nos actualités ou nous adressez une demande de contact.</li>
<li>Via les fichiers journaux de nos serveurs et, avec votre accord, via les cookies décrits en partie 6.</li>
</ul>

<h2 id="traitements">3. Finalités, données, bases légales et durées de conservation</h2>
{"".join(_purpose_section(p) for p in purposes)}

<h2 id="destinataires">4. Destinataires et transferts</h2>
<p>Seul le personnel habilité de {name} (service commercial, service technique) accède à vos données. Dans le
cadre de la mise en relation, votre demande est transmise en premier lieu aux partenaires référencés en mesure d'y
répondre ; si vous acceptez un devis, le partenaire concerné conserve vos données pendant la durée nécessaire à la
prestation. Les partenaires commerciaux ne reçoivent vos données qu'avec votre consentement spécifique. Chaque
destinataire les reçoit dans le cadre du contrat qui le lie à {name}, sans pouvoir déroger à la présente
politique.</p>
<table>
<caption>Destinataires, pays et garanties</caption>
<thead><tr><th scope="col">Destinataire</th><th scope="col">Pays</th><th scope="col">Garantie</th>\
<th scope="col">Rôle</th></tr></thead>
<tbody>{recipient_rows}</tbody>
</table>
<p>Transferts hors de l'Union européenne, uniquement si vous acceptez les cookies concernés :</p>
<ul>{_items([_transfer(r) for r in transfers])}</ul>

<h2 id="hebergement">5. Hébergement et sécurité</h2>
<p>L'ensemble des données personnelles que nous collectons sont hébergées dans l'Union européenne. Nous les
protégeons, et nos sous-traitants avec nous, afin qu'elles ne soient ni déformées, ni endommagées, ni
communiquées à des personnes non autorisées. Si leur intégrité, leur confidentialité ou leur sécurité était
compromise, nous vous en informerions dans les conditions prévues par la loi.</p>

<h2 id="cookies">6. Cookies et outils de suivi</h2>
<p>Un cookie est un traceur déposé sur votre terminal lors de votre navigation sur le Site.</p>
<p><strong>{escape(technical.name_fr)}</strong> : {escape(technical.description_fr)}</p>
<p>Les cookies suivants ne sont déposés qu'avec votre consentement, recueilli par un bandeau d'information lors
de votre première visite :</p>
<ul>{cookie_purposes}</ul>
<table>
<caption>Cookies déposés avec votre consentement, et leur durée de vie</caption>
<thead><tr><th scope="col">Cookie</th><th scope="col">Éditeur</th><th scope="col">Finalité</th>\
<th scope="col">Durée de vie</th></tr></thead>
<tbody>{cookie_rows}</tbody>
</table>
<p>Aucun de ces cookies ne vit plus de {escape(CONSENT_LIFETIME.describe_fr())} à compter de votre choix, même si vous
revenez sur le Site entre-temps. Si vous refusez ou retirez une finalité, ses cookies sont supprimés de votre
navigateur. Si votre navigateur transmet le signal Global Privacy Control (GPC), la publicité ciblée est refusée
sans que nous vous le demandions.</p>
<p>En les acceptant, vous acceptez que les données collectées soient transmises à ces éditeurs, dont certains sont
situés aux États-Unis. Ils peuvent les réutiliser pour leurs propres finalités : consultez leurs pratiques en
cliquant sur leur nom ({_provider_links(providers)}).</p>
<p>Vous pouvez modifier ou retirer vos choix à tout moment avec le lien « Gérer mes cookies » présent en bas de
chaque page : <button type="button" class="link" data-consent-open>Gérer mes cookies</button>. Vous pouvez aussi
paramétrer les cookies publicitaires sur <a href="{OPT_OUT_URL}">{OPT_OUT_URL}</a>.</p>

<h2 id="droits">7. Vos droits</h2>
<p>Conformément à la réglementation européenne, vous disposez des droits suivants :</p>
<ul class="rights">{rights}</ul>
<p>Pour les exercer, utilisez notre formulaire <a href="{RIGHTS_FORM}">« Mes données »</a> ou
écrivez-nous :</p>
{_contact_list()}
<p>Nous vous répondons dans un délai d'un mois, prolongeable de deux mois en cas de demande complexe (nous vous
en indiquerions alors la raison). Vous pouvez également adresser une réclamation à la
{escape(controller.CNIL_NAME)}, {escape(controller.CNIL_ADDRESS)}, ou en ligne sur
<a href="{CNIL_COMPLAINT_URL}">{CNIL_COMPLAINT_URL}</a>.</p>
""")


SECTION_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')


def _with_contents(policy: str) -> str:
    """The policy with its table of contents after the opening paragraph: a link to each section."""
    entries = "".join(
        f'<li><a href="#{anchor}">{title}</a></li>' for anchor, title in SECTION_HEADING.findall(policy)
    )
    contents = f'<nav class="toc" aria-labelledby="sommaire">\n<h2 id="sommaire">Sommaire</h2>\n<ol>{entries}</ol>\n</nav>\n'
    first_section = policy.index("<h2 ")
    return policy[:first_section] + contents + "\n" + policy[first_section:]


PAGE = """<title>Politique de confidentialité – JAQE</title>
<main id="contenu" class="wrap prose">
{main}</main>
"""


def render_html() -> str:
    """The page's title and content; `make site` (scripts/build_site.py) puts them in the site's
    layout (web/partials/layout.html) to write `web/politique-de-confidentialite.html`."""
    return PAGE.format(main=render_policy())


ART30_COLUMNS = (
    "finalité",
    "description",
    "catégories de données",
    "base légale",
    "durée de conservation",
    "destinataires",
    "transferts hors UE",
    "lieux de conservation",
)


def art30_rows() -> list[tuple[str, ...]]:
    """The record of processing activities (GDPR Art. 30): one row per purpose of the register,
    in the order of `ART30_COLUMNS`. Every rendering (CSV, markdown) reads these rows."""
    rows: list[tuple[str, ...]] = []
    for p in PURPOSES.values():
        recipients = [RECIPIENTS[r] for r in p.recipients]
        transfers = [_transfer(r) for r in recipients if r.country not in EU]
        rows.append(
            (
                p.name_fr,
                p.description_fr,
                " ; ".join(p.data_categories_fr),
                " ; ".join(b.label_fr for b in p.legal_bases),
                p.retention.text_fr,
                " ; ".join(r.name_fr for r in recipients),
                " ; ".join(transfers) or "aucun",
                " ; ".join(f"{place} ({store(place).kind.value})" for place in where_for(p.id))
                or "navigateur de la personne (cookies)",
            )
        )
    return rows


ART30_RECIPIENT_COLUMNS = (
    "destinataire",
    "rôle",
    "finalités",
    "catégories de données",
    "pays",
    "garantie",
    "contrat",
    "accord sur les données",
    "prochaine revue",
)


def art30_recipient_rows() -> list[tuple[str, ...]]:
    """Art. 30(1)(d)-(e): every recipient and processor of the register, in the order of
    `ART30_RECIPIENT_COLUMNS`, with its contract's dates and next review."""
    return [
        (
            r.name_fr,
            r.kind.role_fr,
            " ; ".join(p.name_fr for p in r.purposes),
            " ; ".join(r.data_categories_fr),
            COUNTRIES_FR[r.country],
            r.transfer_safeguard,
            *(
                (
                    r.contract.signed_on.isoformat(),
                    r.contract.dpa_signed_on.isoformat(),
                    r.contract.next_review_on.isoformat(),
                )
                if r.contract
                else ("sans objet", "sans objet", "sans objet")
            ),
        )
        for r in RECIPIENTS.values()
    ]


def _csv(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def art30_csv() -> str:
    """The Art. 30 record as CSV (a header row, then one row per purpose)."""
    return _csv(ART30_COLUMNS, art30_rows())


def art30_recipients_csv() -> str:
    """The record's recipients and processors as CSV (a header row, then one row per recipient)."""
    return _csv(ART30_RECIPIENT_COLUMNS, art30_recipient_rows())


def _markdown_cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _markdown_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in rows),
    ]


def art30_markdown() -> str:
    """The Art. 30 record as markdown: the purposes' table, then the recipients' (the same rows as
    the CSVs), with its controller."""
    lines = [
        f"# Registre des activités de traitement (art. 30 RGPD) – {controller.CONTROLLER_NAME}",
        "",
        f"Responsable de traitement : {controller.CONTROLLER_NAME}, {controller.CONTROLLER_ADDRESS} "
        f"({controller.CONTROLLER_EMAIL}). Politique version {controller.POLICY_VERSION}.",
        "",
        *_markdown_table(ART30_COLUMNS, art30_rows()),
        "",
        "## Destinataires et sous-traitants",
        "",
        *_markdown_table(ART30_RECIPIENT_COLUMNS, art30_recipient_rows()),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    outputs = {
        "html": render_html,
        "csv": art30_csv,
        "recipients-csv": art30_recipients_csv,
        "markdown": art30_markdown,
    }
    if len(argv) != 1 or argv[0] not in outputs:
        sys.exit("usage: python -m jaqe.privacy.policy html|csv|recipients-csv|markdown")
    sys.stdout.write(outputs[argv[0]]())


if __name__ == "__main__":
    main(sys.argv[1:])
