"""Procedure definitions for the compiler and validator tests: the shipped licence, and a multi-agency one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"
LICENCE_SOURCE = WORKFLOWS / "licencia-conducir.json"
LICENCE_ASL = WORKFLOWS / "licencia-conducir.asl.json"
_LICENCE = json.loads(LICENCE_SOURCE.read_text("utf-8"))


@pytest.fixture
def licence() -> dict[str, Any]:
    """A fresh deep copy of workflows/licencia-conducir.json, free to mutate."""
    return copy.deepcopy(_LICENCE)


def review(agency: str, **flow: Any) -> dict[str, Any]:
    return {
        "type": "review",
        "agency": agency,
        "deadline_days": 5,
        "on_deadline": "afirmativa_ficta",
        **(flow or {"end": True}),
    }


@pytest.fixture
def multi_agency(licence: dict[str, Any]) -> dict[str, Any]:
    """The licence with a choice and two reviews in parallel by two agencies."""
    licence["agencies"]["SALUD"] = {"es": "Secretaría de Salud", "en": "Health Department"}
    steps = licence["steps"]
    licence["steps"] = {
        "verificacion": {**steps["verificacion"], "next": "ruta"},
        "ruta": {
            "type": "choice",
            "choices": [
                {"when": {"fact": "form.primera_vez", "op": "==", "value": True}, "next": "revisiones"},
                {"when": {"fact": "citizen.age", "op": ">=", "value": 70}, "next": "revisiones"},
            ],
            "default": "pago",
        },
        "revisiones": {
            "type": "parallel",
            "branches": [
                {"start": "revision_movilidad", "steps": {"revision_movilidad": review("SEMOVI")}},
                {"start": "revision_salud", "steps": {"revision_salud": review("SALUD")}},
            ],
            "next": "pago",
        },
        "pago": steps["pago"],
        "emision": steps["emision"],
    }
    return licence


def text(es: str, en: str) -> dict[str, str]:
    return {"es": es, "en": en}


def string_field(title: str, english: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "x-i18n": {"en": {"title": english}}, **extra}


def add_evidence(definition: dict[str, Any]) -> dict[str, Any]:
    """The licence with its ID fetched from the population registry, its proof of address from
    the cadastre, and the applicant's name filled from the population registry."""
    properties = definition["form"]["properties"]
    properties["nombre"] = string_field(
        "Nombre del solicitante", "Applicant's name", **{"x-registry": {"registry": "population", "field": "full_name"}}
    )
    properties["cuenta_predial"] = string_field("Cuenta predial", "Property tax account")
    identification, address = definition["requirements"][:2]
    identification["evidence"] = {
        "registry": "population",
        "operation": "person",
        "query": {"curp": "citizen.curp"},
        "take": ["full_name", "birth_date"],
        "match": {"curp": "citizen.curp"},
        "purpose": text("Comprobar su identidad", "To confirm your identity"),
    }
    address["evidence"] = {
        "registry": "cadastre",
        "operation": "property",
        "query": {"account": "form.cuenta_predial"},
        "take": ["owner_name", "address"],
        "match": {"owner_curp": "citizen.curp"},
        "purpose": text("Comprobar su domicilio", "To confirm your address"),
        "legal_basis": text("Reglamento de Tránsito, art. 12.", "Traffic Regulations, art. 12."),
    }
    return definition


def add_registrations(definition: dict[str, Any]) -> dict[str, Any]:
    """The licence's issue step also registers a company with the tax authority, then as an
    employer with social security (with the RFC just assigned), then a licence of its own."""
    properties = definition["form"]["properties"]
    properties["denominacion"] = string_field("Denominación", "Company name")
    properties["tipo_sociedad"] = string_field("Tipo de sociedad", "Company type")
    properties["rfc_representante"] = string_field("RFC del representante", "Representative's RFC")
    properties["actividad"] = string_field("Actividad", "Activity")
    properties["empleados"] = {"type": "integer", "title": "Trabajadores", "x-i18n": {"en": {"title": "Employees"}}}

    def document(kind: str, es: str, en: str) -> dict[str, Any]:
        return {"type": kind, "title": text(es, en), "valid_days": 3650}

    definition["steps"]["emision"]["registrations"] = [
        {
            "document": document("inscripcion-rfc", "Inscripción en el RFC", "Tax registration"),
            "registry": "tax",
            "operation": "register_company",
            "query": {
                "name": "form.denominacion",
                "company_type": "form.tipo_sociedad",
                "representative_rfc": "form.rfc_representante",
                "activity": "form.actividad",
                "address": "form.domicilio",
                "postcode": "form.codigo_postal",
            },
            "number": "rfc",
        },
        {
            "document": document("registro-patronal", "Registro patronal", "Employer registration"),
            "registry": "social_security",
            "operation": "register_employer",
            "query": {
                "rfc": "registration.inscripcion-rfc",
                "name": "form.denominacion",
                "employees": "form.empleados",
            },
            "number": "registration",
            "when": {"fact": "form.empleados", "op": ">", "value": 0},
        },
        {"document": document("licencia-funcionamiento", "Licencia", "Licence"), "number": "folio"},
    ]
    return definition


@pytest.fixture
def with_evidence(licence: dict[str, Any]) -> dict[str, Any]:
    return add_evidence(licence)


@pytest.fixture
def with_registrations(licence: dict[str, Any]) -> dict[str, Any]:
    return add_registrations(licence)
