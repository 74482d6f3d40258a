"""A national-scale catalogue for the local stack: ``make seed-scale PROCEDURES=5000``.

    python -m infra.local.scale [--procedures 5000] [--seed 19] [--port 8000]

Starts the local stack as ``make run`` does, fills it with synthetic procedures, then
prints the URL (``READY <url>`` for scripts) and runs until Ctrl-C.  ``fill`` does the
filling alone, for a stack already running in this process (the benchmark, the tests).

The procedures are synthetic but real: each is a shipped procedure (the driver's licence:
review, payment, issue; the food-business notice: a registry lookup, review, issue) given
another code, name, agency, jurisdiction, homoclave, fee, topic and keywords, drawn from
a seeded random generator (the same ``--seed`` gives the same catalogue, byte for byte).
Every definition passes the validator and can be filed.

They share state machines: changing a procedure's catalogue data and agency leaves its
compiled workflow the same but for the comment that names it (the workflow reads the
agency, the fee and the deadlines from the application's version at run time), so one
state machine per distinct compiled workflow is created, named after its digest, and
5,000 procedures need two (docs/scale.md, "Catalogue").  Items are written with
BatchWriteItem (25 a call), not through the API: the version, the catalogue's latest,
and the summary of each procedure, then the catalogue's generation once.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ("licencia-conducir", "aviso-funcionamiento")
SCALE_PUBLISHER = "seed-scale"

# (topic, Spanish and English nouns of procedures on it, keywords in both languages)
SUBJECTS: tuple[tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]], ...] = (
    (
        "vehiculos",
        (
            ("Licencia de conducir para motociclistas", "Motorcycle driving licence"),
            ("Reposición de tarjeta de circulación", "Replacement of vehicle registration card"),
            ("Alta de placas vehiculares", "Vehicle plate registration"),
            ("Permiso de carga pesada", "Heavy goods permit"),
            ("Verificación vehicular", "Vehicle emissions test"),
        ),
        ("vehículo", "auto", "placas", "tránsito", "vehicle", "car", "driving"),
    ),
    (
        "construccion",
        (
            ("Licencia de construcción de obra menor", "Minor works building permit"),
            ("Alineamiento y número oficial", "Street alignment and official number"),
            ("Permiso de demolición", "Demolition permit"),
            ("Constancia de uso de suelo", "Land use certificate"),
            ("Terminación de obra", "Certificate of completion of works"),
        ),
        ("obra", "construcción", "predio", "planos", "building", "works", "land"),
    ),
    (
        "empresas",
        (
            ("Licencia de funcionamiento de comercio", "Shop operating licence"),
            ("Registro de marca colectiva", "Collective trademark registration"),
            ("Permiso de anuncio publicitario", "Advertising sign permit"),
            ("Padrón de proveedores", "Suppliers' register"),
            ("Apertura rápida de negocio", "Fast business opening"),
        ),
        ("negocio", "empresa", "comercio", "giro", "business", "company", "shop"),
    ),
    (
        "salud",
        (
            ("Aviso de responsable sanitario", "Notice of health officer"),
            ("Certificado médico prenupcial", "Premarital medical certificate"),
            ("Licencia sanitaria de farmacia", "Pharmacy health licence"),
            ("Permiso de traslado de cadáver", "Permit to transfer human remains"),
        ),
        ("salud", "sanitario", "médico", "clínica", "health", "medical"),
    ),
    (
        "educacion",
        (
            ("Revalidación de estudios", "Recognition of studies"),
            ("Duplicado de certificado de secundaria", "Duplicate secondary school certificate"),
            ("Inscripción a educación inicial", "Early education enrolment"),
            ("Cédula profesional", "Professional licence"),
        ),
        ("escuela", "estudios", "título", "certificado", "school", "studies", "degree"),
    ),
    (
        "trabajo",
        (
            ("Registro de reglamento interior de trabajo", "Registration of workplace rules"),
            ("Constancia de no adeudo laboral", "Certificate of no labour debts"),
            ("Permiso de trabajo para menores", "Work permit for minors"),
        ),
        ("trabajo", "empleo", "patrón", "laboral", "work", "employment", "labour"),
    ),
    (
        "impuestos",
        (
            ("Pago del impuesto predial", "Property tax payment"),
            ("Constancia de no adeudo fiscal", "Certificate of no tax debts"),
            ("Devolución de impuesto sobre nómina", "Payroll tax refund"),
            ("Traslado de dominio", "Property transfer tax"),
        ),
        ("impuesto", "predial", "pago", "fiscal", "tax", "payment", "property"),
    ),
    (
        "vivienda",
        (
            ("Escrituración de vivienda social", "Title deed for social housing"),
            ("Regularización de predio", "Land tenure regularisation"),
            ("Subsidio para mejoramiento de vivienda", "Home improvement subsidy"),
        ),
        ("vivienda", "casa", "escritura", "predio", "housing", "home", "deed"),
    ),
    (
        "medio-ambiente",
        (
            ("Permiso de poda de árboles", "Tree pruning permit"),
            ("Licencia ambiental única", "Single environmental licence"),
            ("Registro de generador de residuos", "Waste producer registration"),
            ("Manifestación de impacto ambiental", "Environmental impact statement"),
        ),
        ("árbol", "ambiental", "residuos", "ecología", "environment", "waste", "tree"),
    ),
    (
        "identidad",
        (
            ("Copia certificada de acta de nacimiento", "Certified copy of birth certificate"),
            ("Constancia de residencia", "Certificate of residence"),
            ("Registro extemporáneo de nacimiento", "Late birth registration"),
            ("Constancia de identidad", "Certificate of identity"),
        ),
        ("acta", "nacimiento", "registro civil", "identidad", "birth", "identity", "residence"),
    ),
    (
        "seguridad",
        (
            ("Carta de no antecedentes penales", "Certificate of no criminal record"),
            ("Permiso para eventos masivos", "Permit for mass events"),
            ("Programa interno de protección civil", "Internal civil protection programme"),
        ),
        ("seguridad", "protección civil", "evento", "policía", "safety", "event", "police"),
    ),
    (
        "social",
        (
            ("Apoyo a personas adultas mayores", "Support for older people"),
            ("Beca para estudiantes indígenas", "Grant for indigenous students"),
            ("Credencial de persona con discapacidad", "Disability card"),
            ("Apoyo para madres trabajadoras", "Support for working mothers"),
        ),
        ("apoyo", "programa social", "beca", "pensión", "support", "grant", "benefit"),
    ),
)

STATES = {
    "01": "Aguascalientes",
    "02": "Baja California",
    "05": "Coahuila de Zaragoza",
    "07": "Chiapas",
    "08": "Chihuahua",
    "09": "Ciudad de México",
    "11": "Guanajuato",
    "12": "Guerrero",
    "14": "Jalisco",
    "15": "Estado de México",
    "16": "Michoacán de Ocampo",
    "19": "Nuevo León",
    "20": "Oaxaca",
    "21": "Puebla",
    "22": "Querétaro",
    "23": "Quintana Roo",
    "24": "San Luis Potosí",
    "25": "Sinaloa",
    "26": "Sonora",
    "28": "Tamaulipas",
    "30": "Veracruz de Ignacio de la Llave",
    "31": "Yucatán",
}
MUNICIPALITIES = {
    "01001": "Aguascalientes",
    "02004": "Tijuana",
    "05030": "Saltillo",
    "07101": "Tuxtla Gutiérrez",
    "08037": "Juárez",
    "11020": "León",
    "12001": "Acapulco de Juárez",
    "14039": "Guadalajara",
    "14120": "Zapopan",
    "15106": "Toluca",
    "15033": "Ecatepec de Morelos",
    "16053": "Morelia",
    "19039": "Monterrey",
    "19026": "Guadalupe",
    "20067": "Oaxaca de Juárez",
    "20413": "Santa Lucía del Camino",
    "21114": "Puebla",
    "22014": "Querétaro",
    "23005": "Benito Juárez",
    "24028": "San Luis Potosí",
    "25006": "Culiacán",
    "26030": "Hermosillo",
    "28032": "Reynosa",
    "30193": "Veracruz",
    "31050": "Mérida",
}
FEDERAL_AGENCIES = {
    "SEP": ("Secretaría de Educación Pública", "Ministry of Public Education"),
    "SSA": ("Secretaría de Salud", "Ministry of Health"),
    "SEMARNAT": ("Secretaría de Medio Ambiente y Recursos Naturales", "Ministry of Environment and Natural Resources"),
    "STPS": ("Secretaría del Trabajo y Previsión Social", "Ministry of Labour and Social Welfare"),
    "SICT": ("Secretaría de Infraestructura, Comunicaciones y Transportes", "Ministry of Infrastructure and Transport"),
    "SEDATU": ("Secretaría de Desarrollo Agrario, Territorial y Urbano", "Ministry of Agrarian and Urban Development"),
    "BIENESTAR": ("Secretaría de Bienestar", "Ministry of Welfare"),
    "SSPC": ("Secretaría de Seguridad y Protección Ciudadana", "Ministry of Security and Civil Protection"),
    "IMPI": ("Instituto Mexicano de la Propiedad Industrial", "Mexican Institute of Industrial Property"),
    "RENAPO": ("Registro Nacional de Población", "National Population Registry"),
}
# a state's or a municipality's offices: (code suffix, Spanish, English)
OFFICES = (
    ("MOV", "Secretaría de Movilidad", "Mobility Department"),
    ("SALUD", "Servicios de Salud", "Health Services"),
    ("FIN", "Secretaría de Finanzas", "Finance Department"),
    ("DU", "Dirección de Desarrollo Urbano", "Urban Development Office"),
    ("RC", "Registro Civil", "Civil Registry"),
    ("ECO", "Secretaría de Medio Ambiente", "Environment Department"),
)


@dataclass(frozen=True)
class Agency:
    code: str
    name: dict[str, str]
    jurisdiction: dict[str, Any]


def agencies() -> list[Agency]:
    """The synthetic agencies: the federal ones, six offices per state and per municipality."""
    national = {"level": "federal", "name": {"es": "Gobierno de México", "en": "Government of Mexico"}}
    found = [Agency(code, {"es": es, "en": en}, national) for code, (es, en) in FEDERAL_AGENCIES.items()]
    for state, name in STATES.items():
        where = {
            "level": "state",
            "state": state,
            "name": {"es": f"Gobierno del Estado de {name}", "en": f"Government of the State of {name}"},
        }
        for suffix, es, en in OFFICES:
            found.append(Agency(f"E{state}{suffix}", {"es": f"{es} de {name}", "en": f"{en} of {name}"}, where))
    for municipality, name in MUNICIPALITIES.items():
        where = {
            "level": "municipal",
            "state": municipality[:2],
            "municipality": municipality,
            "name": {"es": f"Municipio de {name}", "en": f"Municipality of {name}"},
        }
        for suffix, es, en in OFFICES:
            found.append(Agency(f"M{municipality}{suffix}", {"es": f"{es} de {name}", "en": f"{en} of {name}"}, where))
    return found


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def templates() -> dict[str, dict[str, Any]]:
    return {code: json.loads((ROOT / "workflows" / f"{code}.json").read_text("utf-8")) for code in TEMPLATES}


def definitions(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` valid procedure definitions, the same for the same ``seed``."""
    draw = random.Random(seed)
    offices = agencies()
    shapes = templates()
    made = []
    for number in range(1, count + 1):
        topic, names, keywords = draw.choice(SUBJECTS)
        es, en = draw.choice(names)
        agency = draw.choice(offices)
        template = shapes[TEMPLATES[number % len(TEMPLATES)]]
        made.append(_definition(template, number, topic, es, en, keywords, agency, draw))
    return made


def _definition(
    template: dict[str, Any],
    number: int,
    topic: str,
    es: str,
    en: str,
    keywords: tuple[str, ...],
    agency: Agency,
    draw: random.Random,
) -> dict[str, Any]:
    definition = copy.deepcopy(template)
    where = agency.jurisdiction["name"]
    definition.update(
        {
            "code": f"{slug(es)[:33].strip('-')}-{number:05d}",
            "version": 1,
            "name": {"es": f"{es} ({where['es']})", "en": f"{en} ({where['en']})"},
            "homoclave": f"{agency.code[:12]}-{draw.randint(1, 99):02d}-{number % 1000:03d}",
            "agency": agency.code,
            "agencies": {agency.code: agency.name},
            "jurisdiction": agency.jurisdiction,
            "description": {
                "es": f"{es} ante {agency.name['es']}. Trámite sintético del catálogo de escala.",
                "en": f"{en} with the {agency.name['en']}. A synthetic procedure of the scale catalogue.",
            },
            "expected_days": draw.randint(1, 30),
            "keywords": list(keywords),
            "topic": topic,
        }
    )
    if "amount" in definition["fee"] and definition["fee"]["amount"] != "0.00":
        definition["fee"] = {"amount": f"{draw.randint(50, 5000)}.00"}
    for step in _steps(definition["steps"]):
        if "agency" in step:
            step["agency"] = agency.code
    return definition


def _steps(steps: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for step in steps.values():
        yield step
        for branch in step.get("branches", ()):
            yield from _steps(branch["steps"])


def shared_workflow(definition: dict[str, Any], substitutions: dict[str, str]) -> tuple[str, str]:
    """The compiled workflow of ``definition`` without the comment naming it, and its digest:
    procedures with the same digest run on the same state machine."""
    from chalicelib.procedures.compiler import compile_definition, render, substitute

    compiled = compile_definition(definition)
    compiled["Comment"] = "Shared by the synthetic procedures of the scale catalogue (infra.local.scale)."
    text = substitute(render(compiled), substitutions)
    return text, hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Filled:
    procedures: int
    state_machines: int
    seconds: float
    applications: int = 0
    citizens: int = 0


def fill(count: int, seed: int, *, validate: bool = True, applications: int = 0) -> Filled:
    """Write ``count`` synthetic procedures into the running stack's table (this process's
    environment and models point at it) and move the catalogue's generation once; then
    ``applications`` synthetic applications of them (``fill_applications``)."""
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.names import state_machine_name
    from chalicelib.procedures.catalogue import digest_of
    from chalicelib.procedures.summaries import summary_of
    from chalicelib.procedures.validator import ensure_valid
    from chalicelib.store import keys
    from chalicelib.store.models import CatalogueEntry, CatalogueGeneration, ProcedureVersion
    from chalicelib.wiring import container

    started = time.perf_counter()
    made = definitions(count, seed)
    engine, settings = container().engine, container().settings
    substitutions = json.loads(settings.step_handler_arns)
    machines: dict[str, str] = {}
    arns: dict[str, str] = {}  # procedure code -> its (shared) state machine
    now = iso(utcnow())
    with ProcedureVersion.batch_write() as versions, CatalogueEntry.batch_write() as entries:
        for definition in made:
            if validate:
                ensure_valid(definition)
            text, digest = shared_workflow(definition, substitutions)
            if digest not in machines:
                machines[digest] = engine.ensure_state_machine(
                    state_machine_name(settings.stage, f"scale-{digest}", 1), text
                )
            code = definition["code"]
            fields = {
                "code": code,
                "version": 1,
                "previous_version": None,
                "definition": definition,
                "digest": digest_of(definition),
                "state_machine_arn": machines[digest],
                "published_at": now,
                "published_by": SCALE_PUBLISHER,
            }
            versions.save(ProcedureVersion(keys.procedure(code), keys.procedure_version(1), **fields))
            versions.save(ProcedureVersion(keys.CATALOG_PK, keys.procedure(code), **fields))
            entries.save(
                CatalogueEntry(keys.CATALOG_INDEX_PK, keys.procedure(code), code=code, summary=summary_of(definition))
            )
            arns[code] = machines[digest]
    CatalogueGeneration(keys.CATALOG_GENERATION_PK, keys.GENERATION_SK).update(
        actions=[CatalogueGeneration.generation.add(1)]
    )
    citizens = fill_applications(applications, seed, made, arns) if applications else 0
    return Filled(len(made), len(machines), time.perf_counter() - started, applications, citizens)


APPLICATIONS_PER_CITIZEN = 5
WITHDRAWN_SHARE = 0.3


def fill_applications(count: int, seed: int, procedures: list[dict[str, Any]], arns: dict[str, str]) -> int:
    """Write ``count`` synthetic applications of ``procedures``, five to a synthetic citizen
    (a profile with a valid CURP): drafts, and drafts withdrawn, each with its audit trail
    hash-chained as the API chains it (``GET /applications/{id}/audit/verify`` says intact).
    Nothing of them waits on a workflow: an application under review needs its execution's
    task token, which only filing it through the API gives.  Answers how many citizens."""
    from datetime import timedelta

    from chalicelib.applications.audit import GENESIS, event_hash
    from chalicelib.applications.transitions import DEFAULT_RETENTION_DAYS
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.ids import ALPHABET
    from chalicelib.identity.curp import curp_check_digit
    from chalicelib.store import keys
    from chalicelib.store.applications import ApplicationStore
    from chalicelib.store.models import Application, AuditEvent, Profile

    rng = random.Random(seed * 1_000_003 + count)
    store = ApplicationStore()
    start = utcnow() - timedelta(days=365)
    citizens = 0
    with Profile.batch_write() as profiles, Application.batch_write() as saved, AuditEvent.batch_write() as trail:
        for number in range(count):
            if number % APPLICATIONS_PER_CITIZEN == 0:
                holder = _curp(number // APPLICATIONS_PER_CITIZEN, seed, curp_check_digit)
                joined = iso(start + timedelta(minutes=rng.randrange(60 * 24 * 30)))
                profiles.save(
                    Profile(
                        keys.citizen(holder),
                        keys.PROFILE_SK,
                        **keys.by_owner(holder, keys.PROFILE_SK),
                        holder=holder,
                        name=f"Persona sintética {number // APPLICATIONS_PER_CITIZEN}",
                        language=rng.choice(("es", "es", "es", "en")),
                        created_at=joined,
                    )
                )
                citizens += 1
            definition = rng.choice(procedures)
            application_id = "".join(rng.choice(ALPHABET) for _ in range(10))
            created = start + timedelta(minutes=rng.randrange(60 * 24 * 364))
            actor = {"kind": "citizen", "id": holder}
            steps: list[tuple[str, str | None, str | None, str | None, dict[str, Any]]] = [
                ("application.created", None, None, None, {"procedure": definition["code"], "version": 1})
            ]
            if rng.random() < WITHDRAWN_SHARE:
                steps.append(("application.withdrawn", "draft", "withdrawn", "Ya no lo necesito.", {}))
            head, events = GENESIS, []
            for seq, (action, before, after, reason, details) in enumerate(steps, start=1):
                fields = {
                    "application_id": application_id,
                    "seq": seq,
                    "at": iso(created + timedelta(hours=seq - 1)),
                    "actor": actor,
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "reason": reason,
                    "details": details,
                }
                digest = event_hash(head, fields)
                rest = {name: value for name, value in fields.items() if name not in ("application_id", "seq")}
                events.append(store.new_event(application_id, seq, **rest, prev_hash=head, hash=digest))
                head = digest
            application = store.new(
                application_id,
                holder,
                iso(created),
                procedure_code=definition["code"],
                procedure_version=1,
                state_machine_arn=arns[definition["code"]],
                agency=definition["agency"],
                agencies=sorted(definition["agencies"]),
                retention_days=definition.get("retention_days", DEFAULT_RETENTION_DAYS),
                status=steps[-1][2] or "draft",
                data={},
                documents={},
                audit_seq=len(events),
                audit_hash=head,
            )
            application.updated_at = events[-1].at
            saved.save(application)
            for event in events:
                trail.save(event)
    return citizens


def _curp(number: int, seed: int, check_digit: Callable[[str], str]) -> str:
    """A valid CURP for synthetic citizen ``number`` (the same for the same seed)."""
    rng = random.Random(seed * 7919 + number)
    letters, consonants = "ABCDEFGHJKLMNPRSTUVWXYZ", "BCDFGHJKLMNPQRSTVWXZ"
    born = f"{rng.randrange(40, 99):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    name = rng.choice(letters) + rng.choice("AEIOU") + letters[number % 23] + letters[(number // 23) % 23]
    inner = consonants[number % 20] + consonants[(number // 20) % 20] + consonants[(number // 400) % 20]
    body = f"{name}{born}{rng.choice('HM')}{rng.choice(('DF', 'OC', 'JC', 'NL', 'PL'))}{inner}{(number // 8000) % 10}"
    return body + check_digit(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The local stack with a national-scale catalogue")
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--applications", type=int, default=0, help="synthetic applications, five to a citizen")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--legal-day-seconds", default="60")
    parser.add_argument("--no-validate", action="store_true", help="skip the validator (it takes most of the time)")
    args = parser.parse_args(argv)

    from infra.local.stack import serve, start

    stack = start(args.port, 0, args.legal_day_seconds)
    filled = fill(args.procedures, args.seed, validate=not args.no_validate, applications=args.applications)
    print(
        f"Seeded {filled.procedures} synthetic procedures (seed {args.seed}) on {filled.state_machines} shared state "
        f"machines, and {filled.applications} applications of {filled.citizens} citizens, in {filled.seconds:.1f} s",
        flush=True,
    )
    serve(stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
