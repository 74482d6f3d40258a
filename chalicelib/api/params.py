"""Path parameters: their description, JSON Schema and example.  Those several blueprints
name are here; ``path`` declares one (a path parameter is always a string)."""

from __future__ import annotations

from typing import Any

from chalicelib.api.routes import Param


def path(name: str, description: str, example: str, **schema: Any) -> dict[str, Param]:
    """The ``params`` of a route for the path parameter ``name``; ``schema``: its bounds."""
    return {name: Param(description, {"type": "string", **schema}, example)}


APPLICATION_ID = path("id", "Application id (10 characters of Crockford base32).", "8Q9FQ5PXS4", maxLength=40)
DOCUMENT_ID = path(
    "document_id",
    "Issued document id (URL-safe, 10 to 64 characters).",
    "l8mSwjsfii8We5MrF2zAPQ",
    minLength=10,
    maxLength=64,
)
AGENCY = path("agency", "Agency code, as in the procedure definitions.", "SEMOVI", pattern="^[A-Z][A-Z0-9]{1,15}$")
