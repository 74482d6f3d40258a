"""A form may not point elsewhere: ``$ref`` in an agency's form once made every draft
fetch the URL it named (jsonschema's fallback retrieval) and answer 500."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from referencing.exceptions import Unresolvable

from chalicelib.applications.service import form_problems
from chalicelib.procedures.validator import validate_definition

REMOTE = "http://127.0.0.1:9/schemas/evil.json"


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda form: form["properties"]["domicilio"].update({"$ref": REMOTE}), "$.form.properties.domicilio.$ref"),
        (lambda form: form.update({"allOf": [{"$ref": "#/properties/domicilio"}]}), "$.form.allOf[0].$ref"),
        (
            lambda form: form["properties"]["codigo_postal"].update({"$dynamicRef": "#meta"}),
            "$.form.properties.codigo_postal.$dynamicRef",
        ),
    ],
    ids=["remote", "local", "dynamic"],
)
def test_references_in_a_form_are_refused_at_their_path(licence: dict[str, Any], where: Any, path: str) -> None:
    where(licence["form"])
    problems = validate_definition(licence)
    assert path in {problem["path"] for problem in problems}, problems


def test_validating_answers_never_fetches_what_a_stored_form_names(monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[Any] = []

    def no_network(request: Any, *args: Any, **kwargs: Any) -> None:
        fetched.append(request)
        raise OSError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    form = {"type": "object", "properties": {"domicilio": {"type": "string", "$ref": REMOTE}}}
    with pytest.raises(Unresolvable):
        form_problems(form, {"domicilio": "Calle 1"}, complete=False)
    assert fetched == []
