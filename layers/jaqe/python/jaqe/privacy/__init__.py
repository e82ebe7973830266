"""The privacy policy's own machinery: the processing register and the policy page made from it,
consent, retention (item expiry, cascades, reconciliation and its report), subject keys, the
restriction / objection / suppression flags, and the privacy scan of everything held about a person."""
