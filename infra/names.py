"""Physical names of the main region's resources that the inbound-mail stack (another region) reaches.

CloudFormation cannot reference across regions, so the path is made explicit: these names,
and IAM statements in the inbound stack scoped to exactly these resources.
"""

DATA_TABLE = "jaqe-data"
SUBJECT_KEY_SECRET = "jaqe/subject-key"  # noqa: S105 - a secret's name, not its value
MAIL_OUTBOX_QUEUE = "jaqe-mail-outbox"
DATA_KEY_ALIAS = "alias/jaqe-data"
RIGHTS_STATE_MACHINE = "jaqe-rights-request"
# The API's public URL (custom domain or stage URL), written once the API exists, read by every
# function that puts links in emails (jaqe.platform.public_url), the inbound-mail one included.
PUBLIC_API_URL_PARAMETER = "/jaqe/public-api-url"
# Every function role is denied changing or deleting its items, in both stacks (infra/constructs/functions.py).
ACCESS_TRAIL_TABLE = "jaqe-access-trail"
