"""The local stack's demo accounts: one per role, with one password (README lists them).

Kept apart from the seeding code so that tests and scripts read the accounts without
importing the application.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "Ventanilla-2026"
# the password of every demo e.firma .key (build/efirma/demo/), as on the SAT's own test files
DEMO_EFIRMA_PASSWORD = "12345678a"


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
    DemoUser("oficial.cofepris", "Beatriz Campos (COFEPRIS)", "+525500000011", ("official-COFEPRIS",)),
    DemoUser("admin", "Administración Ventanilla", "+525500000009", ("admin",)),
    DemoUser("admin.revision", "Revisión de publicaciones", "+525500000015", ("admin",)),
    DemoUser("admin.oaxaca", "Publicación Gobierno de Oaxaca", "+525500000012", ("admin-20",)),
    DemoUser("asesora.oaxaca", "Elena Cruz (CDC Oaxaca)", "+525500000010", ("assistant-CDC-OAXACA",)),
    DemoUser("privacidad", "Gabriela Soto (Protección de datos)", "+525500000013", ("privacy-officer",)),
    DemoUser("agente.linea", "Rosa Méndez (Línea Ventanilla)", "+525500000014", ("callcentre-LINEA-VENTANILLA",)),
)
