"""Demo data for the local stack: the shipped procedures and one account per role.

Passwords are for the local, throw-away stack only (README lists them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.container import container
from infra.stack import shipped_definitions

DEMO_PASSWORD = "Ventanilla-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    phone: str
    groups: tuple[str, ...] = ()
    locale: str = "es"


DEMO_USERS = (
    DemoUser("GOMC800101MDFMRR00", "Carla Gómez Martínez", "+525512345678"),
    DemoUser("HERJ751120HOCRMN07", "Juan Hernández Ramírez", "+525587654321", locale="en"),
    DemoUser("LOPA100315HJCPRNA7", "Andrés López Pérez", "+525511112222"),
    DemoUser("oficial.semovi", "Laura Díaz (SEMOVI)", "+525500000001", ("official-SEMOVI",)),
    DemoUser("supervisora.semovi", "Marta Ruiz (SEMOVI)", "+525500000002", ("official-SEMOVI", "supervisor-SEMOVI")),
    DemoUser("oficial.dumun", "Rocío Vega (Desarrollo Urbano)", "+525500000003", ("official-DUMUN",)),
    DemoUser("oficial.pcmun", "Héctor Salas (Protección Civil)", "+525500000004", ("official-PCMUN",)),
    DemoUser("oficial.se", "Sofía Lara (Economía)", "+525500000005", ("official-SE",)),
    DemoUser("oficial.sat", "Iván Ortega (SAT)", "+525500000006", ("official-SAT",)),
    DemoUser("oficial.imss", "Paola Núñez (IMSS)", "+525500000007", ("official-IMSS",)),
    DemoUser("oficial.municipio", "Tomás Reyes (Municipio)", "+525500000008", ("official-MUNICIPIO",)),
    DemoUser("admin", "Administración Ventanilla", "+525500000009", ("admin",)),
    DemoUser("asesora.oaxaca", "Elena Cruz (CDC Oaxaca)", "+525500000010", ("assistant-CDC-OAXACA",)),
)


def publish_procedures() -> list[str]:
    published = []
    for definition in shipped_definitions():
        version, _ = container().catalogue.publish(definition, "seed")
        published.append(f"{version.code} v{version.version}")
    return published


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
