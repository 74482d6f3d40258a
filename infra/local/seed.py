"""The local stack's demo accounts, one per role, created in the embedded user pool
(the shipped procedures are published as ``make deploy`` publishes them:
``infra.aws.deploy.publish_procedures``).

Passwords are for the local, throw-away stack only (README lists them).
"""

from __future__ import annotations

from typing import Any

from infra.local.demo import DEMO_PASSWORD, DEMO_USERS, DemoUser


def create_users(idp: Any, user_pool_id: str, client_id: str, users: tuple[DemoUser, ...] = DEMO_USERS) -> None:
    for user in users:
        idp.sign_up(
            ClientId=client_id,
            Username=user.username,
            Password=DEMO_PASSWORD,
            UserAttributes=[
                {"Name": "phone_number", "Value": user.phone},
                {"Name": "name", "Value": user.name},
                {"Name": "locale", "Value": user.locale},
            ],
        )
        idp.admin_confirm_sign_up(UserPoolId=user_pool_id, Username=user.username)
        for group in user.groups:
            idp.admin_add_user_to_group(UserPoolId=user_pool_id, Username=user.username, GroupName=group)
