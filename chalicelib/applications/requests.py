"""What a citizen (or their assistant) sends about an application, as typed values.

The API parses each body once into one of these types: a field's shape (its type, its
pattern or bounds, whether it is there) is checked here, with the code and message the
API has always answered for it.  What depends on data stays in ``Applications``: that
the procedure exists and has that requirement, that the requirement accepts the type
and size, that the answers satisfy the procedure's form.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from msgspec import Meta, field

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.fields import TYPED_CURP, UNSET, Struct, UnsetType
from chalicelib.efirma.requests import SignedCadena

CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")  # what a requirement may accept (procedure schema)
# Python's ``\w``: letters of any script and digits.  Checked whole (``fullmatch``): a
# pattern's ``$`` would let a trailing newline through.
_FILENAME = re.compile(r"[\w\-. ()áéíóúñÁÉÍÓÚÑü]{1,120}")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
FILENAME_RULE = "must be a plain file name (letters, digits, spaces, - _ . ( ); at most 120 characters; no folders)"
SHA256_RULE = "must be the file's SHA-256 as 64 hexadecimal characters"


class NewApplication(Struct, kw_only=True):
    """A draft to start: the procedure, and any answers the citizen already has."""

    procedure: Annotated[
        str,
        Meta(
            min_length=1,
            description="Code of a procedure in the catalogue; the draft uses its latest version.",
            examples=["licencia-conducir"],
            extra={"code": "validation_failed", "message": "is required: the code of a procedure in the catalogue"},
        ),
    ]
    data: Annotated[
        dict[str, Any],
        Meta(
            description=(
                "Form answers (may be partial), checked against the procedure's form schema; unknown fields are "
                "refused."
            ),
            extra={"code": "invalid_form", "message": "must be an object of form answers"},
        ),
    ] = field(default_factory=dict)
    # a citizen's own draft ignores it (null is as good as absent): only an assistant's is checked
    citizen: Annotated[
        str | UnsetType | None,
        Meta(
            description="Assistants only: the CURP of the citizen they file for, who must have given them a delegation."
        ),
        TYPED_CURP,
    ] = UNSET


class ApplicationUpdate(Struct, kw_only=True):
    """Answers to merge into the saved ones (a shallow merge: fields not given are kept)."""

    data: Annotated[
        dict[str, Any],
        Meta(
            description="Form answers to merge into the saved ones.",
            extra={"code": "validation_failed", "message": "must be a JSON object"},
        ),
    ]


class DocumentDeclaration(Struct, kw_only=True):
    """A file the citizen is about to upload for one requirement."""

    requirement: Annotated[
        str,
        Meta(
            description="A requirement code of the procedure.",
            examples=["identificacion"],
            extra={"code": "unknown_requirement", "message": "must be one of the procedure's requirement codes"},
        ),
    ]
    filename: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=120,
            description=(
                "A plain file name: letters (Spanish accents included), digits, spaces, `- _ . ( )`; no folders, "
                "no leading dot, no `..`."
            ),
            examples=["ine.pdf"],
            # what a schema can say of the rule (ECMA's \w is ASCII): Spanish letters, no folder
            extra_json_schema={"pattern": r"^(?!\.)(?!.*\.\.)[A-Za-z0-9ÁÉÍÓÚÑÜáéíóúñü_\-. ()]{1,120}$"},
            extra={"code": "invalid_filename", "message": FILENAME_RULE},
        ),
    ]
    content_type: Annotated[
        str,
        Meta(
            description="Must be one the requirement accepts.",
            extra_json_schema={"enum": list(CONTENT_TYPES)},
            extra={"code": "unsupported_type", "message": f"must be one of {', '.join(CONTENT_TYPES)}"},
        ),
    ]
    size: Annotated[
        int,
        Meta(
            ge=1,
            description="Bytes; at most the requirement's `max_bytes`.",
            extra={"code": "invalid_size", "message": "must be the file size in bytes"},
        ),
    ]
    sha256: Annotated[
        str,
        Meta(
            pattern="^[0-9a-fA-F]{64}$",
            description="The file's SHA-256, hexadecimal.",
            extra={"code": "invalid_sha256", "message": SHA256_RULE},
        ),
    ]

    def __post_init__(self) -> None:
        # what the declared constraints cannot say (the API refuses it with the field's code)
        if not _FILENAME.fullmatch(self.filename) or self.filename.startswith(".") or ".." in self.filename:
            raise ValidationFailed.field("filename", FILENAME_RULE, code="invalid_filename")
        if not _SHA256.fullmatch(self.sha256):
            raise ValidationFailed.field("sha256", SHA256_RULE, code="invalid_sha256")


class Submission(Struct, kw_only=True):
    """What a filing may carry: the citizen's e.firma (required by procedures whose `identity` is `efirma`)."""

    efirma: SignedCadena | UnsetType = UNSET


class EvidenceDecision(Struct, kw_only=True):
    """The citizen's answer to the evidence preview: for each requirement met by evidence,
    use what the registry answered (`registry`) or the document they uploaded (`upload`)."""

    use: Annotated[
        dict[str, str],
        Meta(
            description=(
                "Requirement code -> `registry` (only for evidence that was fetched) or `upload` (the document must "
                "be declared and uploaded first). Every requirement met by evidence that applies must be answered."
            ),
            examples=[{"identificacion": "registry", "escritura": "upload"}],
            extra={"code": "invalid_evidence_use", "message": "must be an object of requirement -> registry|upload"},
        ),
    ]


MAX_WITHDRAWAL_REASON = 500


class WithdrawalRequest(Struct, kw_only=True):
    """The holder's desistimiento: optionally, why (kept in the audit trail)."""

    reason: Annotated[
        str | None,
        Meta(
            description=(
                "Optional; recorded as the reason of the audit event `application.withdrawn` and shown in the "
                f"timeline. Trimmed; a blank reason is none. At most {MAX_WITHDRAWAL_REASON} characters once trimmed."
            ),
            examples=["Ya no necesito el trámite."],
            extra={
                "code": "invalid_reason",
                "message": f"must be text of at most {MAX_WITHDRAWAL_REASON} characters",
            },
            extra_json_schema={"maxLength": MAX_WITHDRAWAL_REASON},
        ),
    ] = None
