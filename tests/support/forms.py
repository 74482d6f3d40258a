"""Answers each shipped procedure's form accepts, shared by the tests and the benchmark."""

from __future__ import annotations

from typing import Any

LICENCE_FORM = {
    "domicilio": "Calle Morelos 12, Col. Centro, Toluca",
    "codigo_postal": "50000",
    "tipo_sangre": "A+",
    "primera_vez": False,
}
CONSTRUCTION_FORM = {
    "ubicacion": "Calle Juárez 210, Col. Centro, Querétaro",
    "cuenta_predial": "012-345-67-890-1",
    "uso": "habitacional",
    "superficie_m2": 120.5,
    "niveles": 2,
    "director_responsable": "DRO-1234",
}
COMPANY_FORM = {
    "denominacion": "Tortillería La Esperanza",
    "tipo_sociedad": "SAS",
    "rfc_representante": "GODE561231GR8",
    "actividad_scian": "311830",
    "domicilio_fiscal": "Av. Hidalgo 45, Col. Centro, Oaxaca",
    "codigo_postal": "68000",
    "empleados": 3,
    "capital_social": 50000,
}
FOOD_NOTICE_FORM = {
    "nombre_establecimiento": "Tortillería La Esperanza",
    "actividad_scian": "311830",
    "domicilio": "Av. Hidalgo 45, Col. Centro, Oaxaca",
}
FORMS: dict[str, dict[str, Any]] = {
    "licencia-conducir": LICENCE_FORM,
    "licencia-construccion": CONSTRUCTION_FORM,
    "apertura-empresa": COMPANY_FORM,
    "aviso-funcionamiento": FOOD_NOTICE_FORM,
}
