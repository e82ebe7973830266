"""A labelled corpus of emails to support@ / privacy@, as people write them (issue 18 part 5).

Models: the CNIL's template letters (droit d'accès, de rectification, d'effacement, de limitation, à la
portabilité, d'opposition; directives post mortem), consumer associations' letters (UFC-Que Choisir's
style), and short support emails, with and without accents, with typos, in English, with quoted replies,
signatures and disclaimers whose words must not count.

Each entry: (label, subject, body). The label is what the message asks for: one of the eight rights,
"unsubscribe", or "contact" for anything else.

Decisions the labels document:
- "Comment supprimer ma demande de devis ?" is a contact message: it asks how to cancel a quote
  request (a service the person manages from their space), not that we erase their personal data;
  support answers it, and a reply asking to erase the data then is an erasure request.
  "Comment supprimer mon compte ?" is an erasure request: the account is the person's data.
- A question about our practices ("combien de temps gardez-vous...", "qui a accès...") is a contact
  message: it is answered by the policy; a request to know what we hold *about the sender* is access.
- Changing one's own phone number or email with us is rectification; changing a quote or the address
  of a worksite is a contact message.
- Asking where our data is stored is a contact message; asking where we got *the sender's* data is access.

The first round was written together with the rules. Each later round was written before running it and
measured as it came (the comment above each says what the rules then missed), then the rules were fixed:
those first-sight figures, not the 100 % on the whole corpus, say how the rules do on new phrasings.
"""

from __future__ import annotations

from jaqe.rights.model import RequestType

RIGHTS = tuple(kind.value for kind in RequestType)

CNIL_CLOSING = (
    "\n\nJe vous remercie de me faire parvenir votre réponse dans les meilleurs délais et au plus tard dans "
    "un délai d'un mois à compter de la réception de ma demande (article 12.3 du RGPD).\n\nÀ défaut de "
    "réponse de votre part dans les délais impartis ou en cas de réponse incomplète, je me réserve la "
    "possibilité de saisir la Commission nationale de l'informatique et des libertés (CNIL) d'une "
    "réclamation.\n\nJe vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées."
    "\n\nSophie Bernard\n12 rue des Lilas\n34000 Montpellier"
)

CORPUS: list[tuple[str, str, str]] = [
    # --- erasure ---
    (
        "erasure",
        "Demande de suppression de mes données personnelles",
        "Madame, Monsieur,\n\nEn application de l'article 17 du Règlement général sur la protection des "
        "données (RGPD), je vous prie d'effacer de vos fichiers les données personnelles suivantes me "
        "concernant : nom, prénom, adresse électronique, numéro de téléphone." + CNIL_CLOSING,
    ),
    ("erasure", "", "Bonjour, je souhaite que vous supprimiez toutes les données me concernant."),
    ("erasure", "", "Bonjour, supprimez-moi de votre base svp. Merci"),
    ("erasure", "grr", "Rayez-moi de vos fichiers, je ne veux plus entendre parler de vous."),
    ("erasure", "", "bonjour je voudrais que mon compte soit supprime ainsi que toutes mes donnees merci"),
    ("erasure", "", "Bonjour, merci de suprimer mon compte et mes donées.\nCdt"),
    (
        "erasure",
        "Account",
        "Hi, please delete my account and all the personal information you have on me.\n\nThanks,\nJohn",
    ),
    (
        "erasure",
        "Right to erasure request",
        "Dear Sir or Madam,\n\nUnder Article 17 of the GDPR I request that you erase all personal data you "
        "hold about me without undue delay.\n\nYours faithfully,\nEmily Clarke",
    ),
    (
        "erasure",
        "Demande d'effacement de données personnelles",
        "Madame, Monsieur,\nJe constate que mes coordonnées figurent toujours dans votre fichier clients. "
        "Conformément aux dispositions de l'article 17 du RGPD, je vous demande de procéder à "
        "l'effacement de l'ensemble des données me concernant et de m'en confirmer la réalisation par "
        "retour de courrier.\nVeuillez agréer mes salutations distinguées.",
    ),
    ("erasure", "", "Effacez mes infos SVP"),
    (
        "erasure",
        "Re: votre compte",
        "Oui, allez-y, effacez tout.\n\nLe 23/11/2026 à 10:12, JAQE <support@jaqe.fr> a écrit :\n"
        "> Souhaitez-vous que nous supprimions votre compte ?\n> L'équipe JAQE",
    ),
    ("erasure", "", "Je veux fermer mon compte et que vous effaciez mes coordonnées."),
    (
        "erasure",
        "Droit à l'oubli",
        "Bonjour, je ne veux plus apparaître sur votre site, merci d'enlever mon nom et mon numéro.",
    ),
    ("erasure", "", "Can you remove my details from your database please?"),
    ("erasure", "Comment supprimer mon compte ?", "Je n'utilise plus le site."),
    ("erasure", "", "I'd like my account deleted, thanks."),
    # --- access ---
    (
        "access",
        "Exercice du droit d'accès",
        "Madame, Monsieur,\n\nEn application de l'article 15 du Règlement général sur la protection des "
        "données (RGPD), je vous prie de bien vouloir m'indiquer si des données me concernant figurent "
        "dans vos fichiers. Dans l'affirmative, je souhaiterais obtenir une copie, en langage clair, de "
        "l'ensemble de ces données (y compris celles figurant dans les zones « bloc-notes » ou "
        "« commentaires »), ainsi que toute information disponible sur leur origine, les finalités du "
        "traitement, les destinataires et la durée de conservation." + CNIL_CLOSING,
    ),
    (
        "access",
        "Accès à mes données",
        "Madame, Monsieur,\n\nJe vous prie de m'adresser une copie de l'ensemble des données me "
        "concernant que vous détenez.\n\nRené Lévesque",
    ),
    ("access", "", "Bonjour, quelles infos avez-vous sur moi ?"),
    (
        "access",
        "",
        "Hello, I'd like to know what personal data you have about me and who you shared it with.",
    ),
    (
        "access",
        "Data Subject Access Request",
        "Please provide me with all personal data concerning me that you process, pursuant to Article 15 "
        "GDPR, within one month.",
    ),
    ("access", "", "je voudrais savoir quelles donnees vous avez sur moi"),
    (
        "access",
        "",
        "Pouvez-vous m'envoyer tout ce que vous avez enregistré sur moi (mes demandes de devis, mes "
        "échanges avec les artisans) ?",
    ),
    (
        "access",
        "Droit d'accès RGPD",
        "Bonjour, merci de me communiquer les informations personnelles que vous conservez à mon sujet.\n"
        "Bien à vous, Karim",
    ),
    (
        "access",
        "",
        "Je souhaite obtenir une copie de mes données personnelles.\n\n--\nJulie Moreau\n"
        "Chargée de suppression des nuisibles - Dératisation Moreau\n06 11 22 33 44",
    ),
    ("access", "", "Could you send me a copy of the data you hold on me?"),
    # --- rectification ---
    (
        "rectification",
        "Demande de rectification",
        "Madame, Monsieur,\n\nEn application de l'article 16 du RGPD, je vous prie de rectifier les "
        "données me concernant figurant dans vos fichiers : mon adresse est erronée, la bonne adresse est "
        "8 avenue Foch, 34000 Montpellier. Je vous remercie de me transmettre une copie des données ainsi "
        "modifiées." + CNIL_CLOSING,
    ),
    (
        "rectification",
        "Rectification",
        'Bonjour, mon prénom est mal orthographié : merci de rectifier "Paull" en "Paul".',
    ),
    (
        "rectification",
        "",
        "Bonjour, j'ai changé de numéro, pouvez-vous mettre à jour mon téléphone : 06 98 76 54 32 ?",
    ),
    ("rectification", "", "Mon nom est mal écrit sur mon profil, c'est Lefèvre et pas Lefevre."),
    ("rectification", "", "Please update my email address to new.me@example.com, the old one is wrong."),
    ("rectification", "", "Corrigez mon adresse mail svp, il y a une faute : jean.dupond et non jean.dupont"),
    ("rectification", "", "Ma date de naissance est fausse dans mon compte, merci de la modifier."),
    ("rectification", "", "My surname is misspelled in your records, please correct it to O'Neill."),
    (
        "rectification",
        "rectification de mes coordonnees",
        "voir ci-dessous : nouvelle adresse 5 place Carnot 69002 Lyon",
    ),
    # --- restriction ---
    (
        "restriction",
        "Demande de limitation du traitement",
        "Madame, Monsieur,\n\nEn application de l'article 18 du RGPD, je vous demande de limiter le "
        "traitement de mes données personnelles le temps que vous vérifiiez l'exactitude des informations "
        "que je conteste." + CNIL_CLOSING,
    ),
    ("restriction", "", "Merci de geler l'utilisation de mes données le temps de traiter ma réclamation."),
    ("restriction", "", "Please restrict the processing of my data until my complaint is resolved."),
    (
        "restriction",
        "",
        "Je conteste l'exactitude de mes données : en attendant, je demande que leur traitement soit suspendu.",
    ),
    (
        "restriction",
        "",
        "Ne supprimez pas mes données mais cessez de les utiliser le temps de la procédure, j'en ai besoin "
        "pour mon litige avec l'artisan.",
    ),
    # --- portability ---
    (
        "portability",
        "Droit à la portabilité",
        "Madame, Monsieur,\n\nEn application de l'article 20 du RGPD, je souhaite recevoir les données "
        "personnelles me concernant que je vous ai fournies, dans un format structuré, couramment utilisé "
        "et lisible par machine." + CNIL_CLOSING,
    ),
    (
        "portability",
        "",
        "Pouvez-vous m'exporter toutes mes demandes et mes infos en CSV ? Je change de plateforme.",
    ),
    (
        "portability",
        "",
        "I want to exercise my right to data portability: please send my data in JSON so I can move it to "
        "another service.",
    ),
    (
        "portability",
        "",
        "Je souhaite récupérer mes données dans un format ouvert pour les transférer à un autre service.",
    ),
    (
        "portability",
        "Portabilité des données",
        "Merci de transmettre directement mes données à la société Habitat Pro, conformément à mon droit.",
    ),
    # --- objection ---
    (
        "objection",
        "Opposition à la prospection commerciale",
        "Madame, Monsieur,\n\nEn application de l'article 21 du RGPD, je m'oppose au traitement de mes "
        "données personnelles à des fins de prospection commerciale. Je vous remercie de bien vouloir "
        "supprimer les données me concernant de vos fichiers de prospection." + CNIL_CLOSING,
    ),
    ("objection", "", "Arrêtez de m'appeler pour me proposer des artisans, je n'ai rien demandé !"),
    ("objection", "", "Je ne veux plus être démarché par téléphone par vos partenaires."),
    ("objection", "", "I object to my data being used for marketing and profiling."),
    ("objection", "Calls", "Stop contacting me. I never asked for a quote."),
    ("objection", "", "Je refuse que mes coordonnées soient transmises à des professionnels."),
    (
        "objection",
        "Opposition au traitement",
        "Bonjour, je ne souhaite plus que mes donnees soient utilisees a des fins commerciales.",
    ),
    ("objection", "", "je ne veux plus recevoir de sms ni d'appels de vos artisans partenaires"),
    # --- withdraw_consent ---
    (
        "withdraw_consent",
        "",
        "Je retire mon consentement à l'utilisation de mes données pour la mise en relation avec des "
        "professionnels.",
    ),
    (
        "withdraw_consent",
        "",
        "Je reviens sur mon accord : je ne consens plus au partage de mes coordonnées avec les artisans.",
    ),
    ("withdraw_consent", "", "I withdraw my consent to receive offers from your partners."),
    (
        "withdraw_consent",
        "Retrait du consentement",
        "Bonjour, j'avais coché la case pour le partage de mes données avec vos partenaires, je souhaite "
        "annuler ce consentement.",
    ),
    ("withdraw_consent", "", "Please revoke the consent I gave for cookies and tracking."),
    # --- post_mortem_directives ---
    (
        "post_mortem_directives",
        "Directives relatives à mes données",
        "Je souhaite définir des directives relatives à la conservation, à l'effacement et à la "
        "communication de mes données après mon décès (article 85 de la loi Informatique et Libertés).",
    ),
    (
        "post_mortem_directives",
        "",
        "En cas de décès, je veux que mon compte soit supprimé et que ma fille Léa soit prévenue.",
    ),
    (
        "post_mortem_directives",
        "",
        "What happens to my account when I die? I'd like my son to be able to close it.",
    ),
    (
        "post_mortem_directives",
        "Directives post-mortem",
        "Bonjour, je désigne mon frère pour exécuter mes directives concernant mes données après ma mort.",
    ),
    # --- unsubscribe ---
    ("unsubscribe", "Désinscription", "Merci de me désinscrire de la newsletter."),
    ("unsubscribe", "", "desabonnez moi svp"),
    ("unsubscribe", "STOP", "Je ne veux plus recevoir vos mails."),
    ("unsubscribe", "", "Unsubscribe me from your emails please."),
    ("unsubscribe", "", "Désinscrivez-moi de votre lettre d'information, merci."),
    ("unsubscribe", "", "Please take me off your mailing list."),
    ("unsubscribe", "", "Arrêtez de m'envoyer votre newsletter !!"),
    # --- ordinary questions: contact messages ---
    ("contact", "Devis plomberie", "Bonjour, quand le plombier doit-il me rappeler ? Merci."),
    ("contact", "Question", "Comment supprimer ma demande de devis ?"),
    ("contact", "", "Je voudrais modifier mon devis : la surface est de 45 m² et pas 40."),
    (
        "contact",
        "Compte pro",
        "Bonjour, je suis artisan électricien. Comment mettre à jour mes zones d'intervention et ajouter "
        "ma certification Qualifelec ?",
    ),
    ("contact", "Facture", "Je n'ai pas reçu la facture du professionnel, pouvez-vous me la renvoyer ?"),
    (
        "contact",
        "Problème de connexion",
        "Je n'arrive pas à accéder à mon compte, le mot de passe ne fonctionne pas.",
    ),
    ("contact", "Question", "Do you have professionals in Lyon for roof repairs?"),
    (
        "contact",
        "",
        "Bonjour, l'artisan a annulé le rendez-vous sans prévenir. Pouvez-vous limiter les artisans à ceux "
        "qui sont disponibles cette semaine ?",
    ),
    (
        "contact",
        "Double prélèvement",
        "Mon abonnement professionnel a été prélevé deux fois ce mois-ci, pouvez-vous corriger la facture ?",
    ),
    ("contact", "", "Est-ce que vos artisans sont assurés en décennale ?"),
    (
        "contact",
        "Re: votre demande",
        "Merci, c'est bien noté.\n\nCordialement,\nCamille\n06 12 34 56 78\n\n"
        "Le lun. 3 nov. 2026 à 10:00, JAQE <support@jaqe.fr> a écrit :\n> Souhaitez-vous supprimer vos données ?",
    ),
    (
        "contact",
        "Toiture",
        "Bonjour, pouvez-vous me dire où en est ma demande de devis pour la toiture ?\n\nMerci\nPaul Martin\n\n"
        "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de "
        "ses destinataires. Si vous avez reçu ce message par erreur, merci de le supprimer et d'en avertir "
        "immédiatement l'expéditeur.",
    ),
    (
        "contact",
        "Visit on Friday",
        "Hi, can you confirm the plumber's visit for Friday?\n\nThis email and any attachments are "
        "confidential. If you are not the intended recipient, please delete it and notify the sender "
        "immediately.",
    ),
    ("contact", "", "Comment modifier l'adresse du chantier sur ma demande ?"),
    (
        "contact",
        "",
        "Quel est le délai moyen pour recevoir un devis ? Et combien de temps gardez-vous les demandes ?",
    ),
    ("contact", "", "Pourquoi me demandez-vous mon numéro de téléphone ? Est-ce obligatoire ?"),
    (
        "contact",
        "Peintre Nantes",
        "Bonjour, je cherche un peintre pour mon salon à Nantes.\n\nBien à vous,\nMarie Leroy\n"
        "Service Opposition & Recouvrement - Banque Exemple",
    ),
    ("contact", "", "What are your opening hours? I'd like to call about my bathroom renovation quote."),
    ("contact", "Photo", "Je suis couvreur, comment supprimer une photo de mon profil professionnel ?"),
    ("contact", "", "Le montant du devis est inexact, l'artisan a oublié la TVA."),
    ("contact", "Hébergement", "Vos données sont-elles hébergées en France ?"),
    ("contact", "", "How do I cancel my quote request?"),
    (
        "contact",
        "RE: Votre demande de devis n° 4521",
        "Parfait, le mardi me convient.\n\n-----Message d'origine-----\nDe : JAQE <support@jaqe.fr>\n"
        "Envoyé : lundi 23 novembre 2026 17:02\nObjet : Votre demande de devis\n\nVous pouvez à tout moment "
        "exercer vos droits d'accès, de rectification et d'effacement ou vous désinscrire.",
    ),
    (
        "contact",
        "",
        "Bonjour, j'ai bien reçu le devis, mais l'artisan ne répond plus. Pouvez-vous le relancer ?\n\n"
        "Envoyé de mon iPhone",
    ),
    # --- second round: written after the rules above, missed by them at first (18 of 38), then fixed ---
    ("erasure", "", "Je vous demande de détruire l'ensemble des informations que vous possédez à mon sujet."),
    ("erasure", "", "Veuillez procéder à la suppression de mon compte client."),
    ("erasure", "RGPD", "merci d'effacer toute trace de mon passage sur votre site"),
    ("erasure", "", "Je ne souhaite plus figurer dans votre base de données, merci de faire le nécessaire."),
    ("erasure", "", "Please wipe my data."),
    ("erasure", "", "Could you please get rid of all my personal data?"),
    ("erasure", "Suppression compte", "Bonjour, pouvez vous supprimer mon compte svp"),
    ("access", "", "Je voudrais consulter les données que vous avez collectées sur moi."),
    ("access", "", "J'aimerais obtenir la liste des informations personnelles stockées me concernant."),
    ("access", "", "Do you have any data about me? If so I want a copy."),
    ("access", "", "Pouvez-vous me dire ce que vous savez sur moi ?"),
    ("rectification", "", "Mon adresse a changé : 3 rue Haute, 75001 Paris. Merci de mettre à jour."),
    ("rectification", "", "Il y a une erreur dans mon nom de famille, c'est Durand avec un d."),
    ("rectification", "", "Can you fix my phone number? It should be 07 12 34 56 78."),
    ("objection", "", "Je ne veux pas que mes données servent à de la publicité."),
    ("objection", "", "Cessez toute utilisation de mes données à des fins commerciales."),
    ("objection", "", "Stop using my data for advertising."),
    ("unsubscribe", "", "Je ne souhaite plus recevoir votre lettre d'information."),
    ("unsubscribe", "", "Retirez-moi de votre liste de diffusion."),
    ("unsubscribe", "Newsletter", "stop"),
    ("withdraw_consent", "", "Je retire mon consentement."),
    ("portability", "", "Je voudrais récupérer toutes mes données pour les importer chez un concurrent."),
    ("restriction", "", "Merci de ne plus utiliser mes données tant que ma réclamation n'est pas traitée."),
    ("post_mortem_directives", "", "Que deviennent mes données quand je serai mort ?"),
    ("contact", "", "Bonjour, est-ce possible d'avoir un devis pour une cuisine ?"),
    ("contact", "", "Comment puis-je supprimer un artisan de mes favoris ?"),
    ("contact", "", "J'ai fait une erreur dans ma demande de devis, c'est 3 fenêtres et pas 2."),
    ("contact", "", "Pouvez-vous m'envoyer le devis en PDF ?"),
    ("contact", "", "Quelles sont vos conditions pour devenir partenaire ?"),
    ("contact", "", "Je souhaite changer mon rendez-vous de mardi."),
    ("contact", "", "L'artisan m'a envoyé une facture erronée, que faire ?"),
    ("contact", "", "Comment accéder à mes devis ?"),
    ("contact", "", "Comment changer mon mot de passe ?"),
    ("contact", "", "Votre site affiche une erreur quand je veux modifier ma demande."),
    ("contact", "", "I want to delete a review I posted by mistake."),
    ("contact", "", "Quelles informations dois-je fournir pour un devis de toiture ?"),
    ("contact", "", "Je voudrais exporter mes factures en PDF pour ma comptabilité."),
    ("contact", "", "Est-ce que vous vendez les données de vos clients ?"),
    # --- third round: likewise (13 of 34 missed at first, among them 3 contact messages taken for requests) ---
    (
        "erasure",
        "Demande",
        "Bonjour,\nConformément au RGPD, merci de bien vouloir supprimer définitivement l'ensemble de mes données de vos serveurs.\nCordialement",
    ),
    ("erasure", "", "J'exige la suppression immédiate de toutes mes informations !!!"),
    ("erasure", "", "Bonjour je n'ai jamais demandé de devis, effacez mon numéro de votre fichier."),
    ("erasure", "", "plz delete everything u have about me"),
    (
        "erasure",
        "Désinscription du site",
        "Je souhaite que mon compte et l'ensemble des données associées soient effacés.",
    ),
    ("erasure", "", "Je désire que vous retiriez mes informations personnelles de votre site internet."),
    (
        "access",
        "",
        "Bonjour, en vertu du RGPD je demande à connaître les données personnelles que vous traitez à mon sujet.",
    ),
    (
        "access",
        "Demande d'informations",
        "Pouvez-vous m'indiquer quelles données personnelles vous conservez me concernant et pourquoi ?",
    ),
    ("access", "", "I am requesting access to the personal information your company holds about me."),
    ("access", "", "je veux voir mon dossier complet avec toutes mes donnees"),
    ("rectification", "", "Bonjour, mon adresse email n'est plus valide, la nouvelle est paul@exemple.fr"),
    ("rectification", "", "Vous avez inversé mon nom et mon prénom, pouvez-vous corriger ?"),
    ("rectification", "", "Please amend my postal address, I moved last month."),
    ("objection", "", "Je m'oppose à ce que mes informations soient utilisées pour du démarchage."),
    ("objection", "", "Merci de ne plus me contacter par téléphone."),
    ("objection", "", "Je ne veux plus que vous m'envoyiez des offres de vos partenaires par SMS."),
    ("unsubscribe", "", "Bonjour, je ne souhaite plus recevoir vos e-mails promotionnels."),
    ("unsubscribe", "Unsubscribe", "Please stop sending me newsletters"),
    ("unsubscribe", "", "Comment me désinscrire de la newsletter ?"),
    ("withdraw_consent", "", "Je retire l'accord que j'avais donné pour le partage de mes coordonnées."),
    ("withdraw_consent", "", "I no longer consent to you processing my data."),
    (
        "portability",
        "",
        "Je voudrais que vous transfériez mes données vers un autre site de mise en relation.",
    ),
    ("restriction", "", "Suspendez le traitement de mes données en attendant la réponse de la CNIL."),
    ("post_mortem_directives", "", "Je voudrais que mon compte soit fermé après mon décès."),
    ("contact", "", "Bonjour, comment fonctionne votre service ? Est-ce gratuit ?"),
    ("contact", "", "L'artisan veut que je lui envoie mes coordonnées bancaires, est-ce normal ?"),
    ("contact", "", "J'ai supprimé ma demande par erreur, pouvez-vous la restaurer ?"),
    ("contact", "", "Pourquoi je ne reçois plus de devis ?"),
    ("contact", "", "Le professionnel n'est jamais venu, je voudrais un remboursement."),
    ("contact", "", "Comment modifier mon adresse de chantier ?"),
    ("contact", "", "Je n'arrive pas à me désinscrire de l'application mobile des pros, elle plante."),
    ("contact", "", "Mes informations de paiement sont-elles sécurisées ?"),
    ("contact", "", "Can I update my quote request with new photos?"),
    ("contact", "", "Le lien pour accéder à mes données de facturation ne marche pas."),
    # --- fourth round: likewise (9 of 23 requests missed at first, all taken for contact messages; no false alarm) ---
    ("erasure", "", "Bonjour, je souhaiterais que mes coordonnées soient retirées de votre annuaire."),
    ("erasure", "Suppression", "Merci de faire le nécessaire pour supprimer mes infos perso. Bonne journée"),
    ("erasure", "", "Je vous mets en demeure d'effacer mes données sous 30 jours."),
    ("erasure", "", "please erase me from your system"),
    ("erasure", "", "Supprimer compte svp"),
    ("access", "", "Je demande la communication de l'intégralité de mes données personnelles."),
    ("access", "Art. 15 RGPD", "Bonjour, voir objet."),
    ("access", "", "Which of my personal details do you store?"),
    ("access", "", "Sur quelle base avez-vous obtenu mon numéro ? Je veux savoir d'où viennent mes données."),
    ("rectification", "", "Vous m'appelez Mme alors que je suis M., merci de corriger ma civilité."),
    ("rectification", "", "Merci de remplacer mon ancien numéro 06 00 00 00 00 par le 07 11 11 11 11."),
    ("rectification", "", "My name is spelled incorrectly on your site."),
    ("objection", "", "Je ne veux plus que mes données soient revendues."),
    ("objection", "", "Cessez de me harceler au téléphone avec vos artisans."),
    ("objection", "", "I don't want my details passed on to third parties."),
    ("unsubscribe", "", "Merci de ne plus m'envoyer de mails."),
    ("unsubscribe", "", "Je souhaite me désabonner."),
    ("unsubscribe", "", "Remove me from your newsletter."),
    ("withdraw_consent", "", "J'annule mon consentement au dépôt de cookies publicitaires."),
    (
        "withdraw_consent",
        "",
        "Je ne suis plus d'accord pour que vous transmettiez ma demande aux artisans, je retire mon consentement.",
    ),
    (
        "restriction",
        "",
        "Je vous demande de limiter l'usage de mes données à ce qui est strictement nécessaire au devis en cours.",
    ),
    ("portability", "", "Envoyez mes données à mon nouveau prestataire, la société Travaux Express."),
    ("post_mortem_directives", "", "Mon fils pourra-t-il accéder à mes données si je décède ?"),
    ("contact", "", "Bonjour, y a-t-il des frais pour les particuliers ?"),
    ("contact", "", "Je veux supprimer une des photos que j'ai jointes à ma demande."),
    ("contact", "", "Pouvez-vous corriger l'orthographe de la ville du chantier, c'est Sète."),
    ("contact", "", "Pourquoi l'artisan a-t-il accès à mon numéro ?"),
    ("contact", "", "Comment fonctionne la suppression automatique des demandes anciennes ?"),
    ("contact", "", "Je ne reçois pas l'email de confirmation, pouvez-vous le renvoyer ?"),
    ("contact", "", "Un artisan m'a demandé une copie de ma pièce d'identité, est-ce normal ?"),
    ("contact", "", "Quelles données faut-il pour créer un compte pro ?"),
    ("contact", "", "Je n'ai plus accès à ma boîte mail, comment changer l'adresse de connexion ?"),
    ("contact", "", "Le devis comporte une erreur dans le nom de l'entreprise."),
    ("contact", "", "Can you tell me where my data is stored? Just curious about security."),
    # --- fifth round: likewise (12 of 23 requests missed at first, all taken for contact messages; no false alarm) ---
    ("erasure", "", "SUPPRIMEZ MON COMPTE IMMEDIATEMENT"),
    ("erasure", "", "bjr je veux plus etre sur votre site enlevez mon profil merci"),
    (
        "erasure",
        "Re: Confirmation",
        "Non merci, je préfère que vous effaciez ma fiche.\n\nOn Mon, Nov 23, 2026 at 5:02 PM JAQE <support@jaqe.fr> wrote:\n> Merci pour votre demande",
    ),
    ("erasure", "", "I want you to destroy any records you have of me."),
    ("erasure", "", "Faites disparaître mes données de chez vous s'il vous plaît."),
    ("access", "", "Conformément à l'article 15, je sollicite l'accès à mon dossier."),
    ("access", "", "Hi, what info do you keep on me?"),
    ("access", "", "Merci de m'adresser l'extrait de vos fichiers me concernant."),
    ("access", "", "Je veux récupérer une copie de toutes les informations liées à mon compte."),
    ("rectification", "", "Mon adresse postale n'est pas la bonne, c'est 4 impasse des Roses."),
    ("rectification", "", "Erreur sur mon prénom : Mathis et non Mathias."),
    ("rectification", "", "J'ai déménagé, pouvez-vous changer mon adresse ?"),
    ("objection", "", "Je ne souhaite pas être recontacté par d'autres artisans."),
    ("objection", "", "Opposez-vous à ce que je sois démarché ? Je m'oppose au démarchage téléphonique."),
    ("objection", "", "Please do not share my data with partners anymore."),
    ("unsubscribe", "", "Plus de newsletter svp"),
    ("unsubscribe", "Stop mails", "Je ne veux plus de vos emails."),
    ("unsubscribe", "", "Please unsubscribe me."),
    ("withdraw_consent", "", "Je révoque l'autorisation donnée pour l'utilisation de mes données."),
    ("withdraw_consent", "", "I take back my consent."),
    (
        "restriction",
        "",
        "En attendant votre réponse sur ma réclamation, merci de ne pas utiliser mes données.",
    ),
    ("portability", "", "Je veux mes données en format Excel pour les mettre chez un autre site."),
    ("post_mortem_directives", "", "Je souhaite que mes données soient effacées à ma mort."),
    ("contact", "", "Bonjour, avez-vous des couvreurs à Brest ?"),
    ("contact", "", "Comment retirer un artisan de ma demande ?"),
    ("contact", "", "Le plombier a fait une erreur dans mon devis."),
    ("contact", "", "Je n'arrive pas à changer ma photo de profil."),
    ("contact", "", "Bonjour, je souhaite annuler le rendez-vous de jeudi."),
    ("contact", "", "Peut-on vous joindre par téléphone ?"),
    ("contact", "", "Combien coûte l'abonnement pro ? Et comment résilier ?"),
    ("contact", "", "Est-ce que mes coordonnées sont transmises automatiquement aux artisans ?"),
    ("contact", "", "Quel est le délai de réponse des artisans ?"),
    ("contact", "", "Mon devis a été supprimé, pourquoi ?"),
    ("contact", "", "J'ai reçu un mail de vous concernant mes données, est-ce un phishing ?"),
]
