"""The professionals' logins: the Cognito user pool, behind a small interface."""

from __future__ import annotations

import secrets
import string
from typing import Protocol

from jaqe.platform import aws
from jaqe.platform.errors import Conflict
from jaqe.platform.settings import LoginSettings, get_settings
from jaqe.platform.validation import normalise_email


class Logins(Protocol):
    def create(self, email: str, pro_id: str, temporary_password: str) -> None: ...

    def delete(self, email: str) -> None: ...

    def exists(self, email: str) -> bool: ...

    def change_email(self, old: str, new: str) -> None: ...


class CognitoLogins:
    """The professionals' user pool. Cognito's own invitation is suppressed: we send ours (French,
    with the controller footer) so that every email goes through the same mailer."""

    def create(self, email: str, pro_id: str, temporary_password: str) -> None:
        from botocore.exceptions import ClientError

        try:
            aws.client("cognito-idp").admin_create_user(
                UserPoolId=get_settings(LoginSettings).user_pool_id,
                Username=normalise_email(email),
                UserAttributes=[
                    {"Name": "email", "Value": normalise_email(email)},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "custom:pro_id", "Value": pro_id},
                ],
                TemporaryPassword=temporary_password,
                MessageAction="SUPPRESS",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "UsernameExistsException":
                raise Conflict("Un compte professionnel existe déjà pour cette adresse email.") from error
            raise

    def delete(self, email: str) -> None:
        self._on_user("admin_delete_user", email)

    def exists(self, email: str) -> bool:
        return self._on_user("admin_get_user", email)

    def change_email(self, old: str, new: str) -> None:
        """The login follows a rectified address: the pool signs in by email, so the new address is
        the login from now on (verified: the person confirmed it by a link sent to it). Run again
        once done, it finds no login under the old address and leaves the new one as it is."""
        from botocore.exceptions import ClientError

        try:
            aws.client("cognito-idp").admin_update_user_attributes(
                UserPoolId=get_settings(LoginSettings).user_pool_id,
                Username=normalise_email(old),
                UserAttributes=[
                    {"Name": "email", "Value": normalise_email(new)},
                    {"Name": "email_verified", "Value": "true"},
                ],
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "UserNotFoundException" and self.exists(new):
                return
            if code == "AliasExistsException":
                raise Conflict(
                    "Un compte professionnel existe déjà pour la nouvelle adresse email."
                ) from error
            raise

    def _on_user(self, operation: str, email: str) -> bool:
        """One admin call on the user named by `email`; False when there is no such user."""
        from botocore.exceptions import ClientError

        try:
            getattr(aws.client("cognito-idp"), operation)(
                UserPoolId=get_settings(LoginSettings).user_pool_id, Username=normalise_email(email)
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
                return False
            raise
        return True


def temporary_password() -> str:
    """Meets the pool's policy (12+ characters, upper, lower, digit, symbol). Never logged."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"Jq{core}7#"
