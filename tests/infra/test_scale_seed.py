"""make seed-scale's synthetic catalogue: the same seed gives the same procedures, every one
valid, and their compiled workflows differ only in the comment that names them."""

from __future__ import annotations

from chalicelib.procedures.validator import ensure_valid
from infra.local.scale import TEMPLATES, definitions, shared_workflow

PLACEHOLDERS = ("Check", "Await", "Close", "Deadline", "Fail", "Issue", "Lookup", "Open")
SUBSTITUTIONS = {f"Step{name}Arn": f"arn:aws:lambda:us-east-1:000000000000:function:{name}" for name in PLACEHOLDERS}


def test_the_same_seed_gives_the_same_valid_procedures() -> None:
    made = definitions(60, 19)
    assert made == definitions(60, 19) and made != definitions(60, 20)
    assert len({definition["code"] for definition in made}) == 60
    for definition in made:
        ensure_valid(definition)  # raises, naming the path, on the first problem
    assert {definition["jurisdiction"]["level"] for definition in made} == {"federal", "state", "municipal"}


def test_procedures_of_one_shape_share_one_state_machine() -> None:
    digests = {shared_workflow(definition, SUBSTITUTIONS)[1] for definition in definitions(60, 19)}
    assert len(digests) == len(TEMPLATES)
