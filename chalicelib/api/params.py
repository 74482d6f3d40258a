"""Path parameters several blueprints name: their description, JSON Schema and example."""

from __future__ import annotations

from chalicelib.api.routes import Param

APPLICATION_ID = {
    "id": Param(
        "Application id (10 characters of Crockford base32).", {"type": "string", "maxLength": 40}, "8Q9FQ5PXS4"
    )
}
DOCUMENT_ID = {
    "document_id": Param(
        "Issued document id (URL-safe, 10 to 64 characters).",
        {"type": "string", "minLength": 10, "maxLength": 64},
        "l8mSwjsfii8We5MrF2zAPQ",
    )
}
AGENCY = {
    "agency": Param(
        "Agency code, as in the procedure definitions.",
        {"type": "string", "pattern": "^[A-Z][A-Z0-9]{1,15}$"},
        "SEMOVI",
    )
}
