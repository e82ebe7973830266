"""An erasure reaches every store the data inventory marks as reachable, logins included (C7-04)."""

from __future__ import annotations

import boto3

from jaqe_dev.apigw import Caller
from tests.workflow.seeds import PERSON, seed_person, seed_professionals

PRO_SELF = Caller(claims={"custom:pro_id": "pro_self"})


def user_pool_id(rights) -> str:
    [pool] = rights.local.stack.of_type("AWS::Cognito::UserPool")
    return str(rights.local.provisioned.names[pool])


def test_c7_04_erasing_a_professional_deletes_the_login_and_the_app_serves_no_more_leads(rights):
    seed_professionals(rights)
    seed_person(rights)  # the person is also the professional `pro_self`, with a login
    cognito = boto3.client("cognito-idp")
    pool = user_pool_id(rights)
    cognito.admin_create_user(
        UserPoolId=pool,
        Username=PERSON["email"],
        UserAttributes=[{"Name": "email", "Value": PERSON["email"]}],
        MessageAction="SUPPRESS",
    )
    assert rights.get("/v1/pro/me/leads", caller=PRO_SELF).status == 200

    request_id, execution = rights.run({"type": "erasure", "email": PERSON["email"]})

    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    usernames = [u["Username"] for u in cognito.list_users(UserPoolId=pool)["Users"]]
    assert PERSON["email"] not in usernames
    # A session opened before the erasure still holds a valid token for up to an hour: the app
    # answers it with nothing.
    leads = rights.get("/v1/pro/me/leads", caller=PRO_SELF)
    assert leads.status == 403 and PERSON["last_name"] not in leads.body
    erased = next(h for h in rights.record(request_id)["history"] if h["step"] == "erased")
    assert erased["detail"]["erased"]["professional_login"] == 1
    answer = rights.wait_for_email(PERSON["email"], "Réponse à votre demande")
    assert "comptes de connexion" in answer["text"] and "trente-cinq jours" in answer["text"]
