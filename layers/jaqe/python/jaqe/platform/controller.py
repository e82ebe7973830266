"""Who the controller is and how to reach it (policy sections 1 and 7, C1-01, C1-02, C7-10)."""

CONTROLLER_NAME = "JAQE"
CONTROLLER_LEGAL_FORM = "société à responsabilité limitée au capital social de 3.000 euros"
CONTROLLER_RCS = "RCS Montpellier 883 536 195"
CONTROLLER_ADDRESS = "418 rue du Mas de Verchant, 34000 Montpellier"
CONTROLLER_EMAIL = "support@jaqe.fr"
SITE_URL = "https://jaqe.fr"

CNIL_NAME = "Commission Nationale de l'Informatique et des Libertés (CNIL)"
CNIL_ADDRESS = "3 Place de Fontenoy - TSA 80715 - 75334 PARIS CEDEX"

POLICY_VERSION = "2023-09"
# Every published version of the privacy policy and of the terms (published together), the current
# one last. A consent or an acceptance must name one of them to prove what the person agreed to; a
# version stays listed as long as proofs made under it are kept.
PUBLISHED_VERSIONS: tuple[str, ...] = (POLICY_VERSION,)

EMAIL_FOOTER_FR = (
    f"{CONTROLLER_NAME} SARL au capital de 3 000 euros, {CONTROLLER_RCS}, "
    f"{CONTROLLER_ADDRESS}. Responsable du traitement de vos données : "
    f"{CONTROLLER_NAME}. Vos droits (accès, rectification, effacement, limitation, portabilité, "
    f"opposition, retrait du consentement, directives post mortem) : écrivez à {CONTROLLER_EMAIL} "
    f"ou à {CONTROLLER_NAME} – {CONTROLLER_ADDRESS}. Réclamation possible auprès de la "
    f"{CNIL_NAME}, {CNIL_ADDRESS}."
)
