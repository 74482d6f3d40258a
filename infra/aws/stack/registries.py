"""Which other registries a deployment may ask, and how it knows their answers are theirs.

Two stack parameters, each a JSON object keyed by registry (the names of
``chalicelib.registries.catalogue``), reach every function as ``REGISTRY_ENDPOINTS``
(registry -> base URL) and ``REGISTRY_KEYS`` (registry -> PEM public key its answers are
signed with), read by ``chalicelib.core.settings``.  Both default to ``{}``: no registry is
reachable until an agency configures one (docs/deploy.md, "Connecting registries").

Parameters rather than SSM parameters read at cold start: the settings are environment
variables like every other, the values are public (addresses and public keys, nothing
secret), and a change is a stack update that CloudFormation records, applies to every
function at once and can roll back.  Their cost is Lambda's limit on a function's
environment (``ENVIRONMENT_LIMIT``): the two values may take ``REGISTRY_BUDGET`` of it,
room for seven registries (an address and a P-256 key take ~280 bytes; the catalogue
has four).  Should that ever be too little, the keys move to SSM, read at cold start.

The local stack takes them from its settings (``RegistryEndpoints``, ``RegistryKeys``;
``{}`` when not given), where its sandbox registries are configured.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from chalicelib.core.settings import registry_map
from chalicelib.registries.catalogue import REGISTRIES

# stack parameter -> the variable it sets
PARAMETERS = {"RegistryEndpoints": "REGISTRY_ENDPOINTS", "RegistryKeys": "REGISTRY_KEYS"}
NONE = "{}"
ENVIRONMENT_LIMIT = 4096  # Lambda: every variable of a function, names and values, in bytes
REGISTRY_BUDGET = 2048  # what the two values may take of it (tests/infra check the rest fits beside)


def parameters() -> dict[str, Any]:
    return {
        "RegistryEndpoints": {
            "Type": "String",
            "Default": NONE,
            "Description": (
                'JSON object: registry -> https base URL of each registry Ventanilla may ask, e.g. {"tax": '
                '"https://registro.example.gob.mx/ventanilla"}; {} for none'
            ),
        },
        "RegistryKeys": {
            "Type": "String",
            "Default": NONE,
            "Description": (
                "JSON object: registry -> PEM public key (ECDSA P-256) that signs its answers; same registries as "
                "RegistryEndpoints; {} for none"
            ),
        },
    }


def problems(endpoints: str, keys: str) -> list[str]:
    """What is wrong with a registry configuration, found before it is deployed: every
    function would refuse to start on a value that is not a JSON object, and a registry
    misnamed, without an address, or without a key it can be checked with would stay
    silently unreachable."""
    try:
        addresses, public_keys = registry_map("REGISTRY_ENDPOINTS", endpoints), registry_map("REGISTRY_KEYS", keys)
    except ValueError as error:
        return [str(error)]
    found = []
    for name in sorted(addresses.keys() | public_keys.keys()):
        if name not in REGISTRIES:
            found.append(f"{name}: not a registry Ventanilla knows ({', '.join(sorted(REGISTRIES))})")
        elif name not in addresses:
            found.append(f"{name}: REGISTRY_KEYS has its key but REGISTRY_ENDPOINTS no address")
        elif name not in public_keys:
            found.append(f"{name}: REGISTRY_ENDPOINTS has its address but REGISTRY_KEYS no key to check its answers")
    for name, address in sorted(addresses.items()):
        parts = urlsplit(address)
        if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
            found.append(f"{name}: {address!r} is not an https base URL (no query, no fragment)")
    for name, pem in sorted(public_keys.items()):
        if not _is_p256_public_key(pem):
            found.append(f"{name}: its key is not a PEM public key on P-256 (ES256)")
    size = len(endpoints.encode()) + len(keys.encode())
    if size > REGISTRY_BUDGET:
        found.append(
            f"REGISTRY_ENDPOINTS and REGISTRY_KEYS take {size} bytes; at most {REGISTRY_BUDGET} fit in a "
            f"function's environment ({ENVIRONMENT_LIMIT} bytes for every variable)"
        )
    return found


def _is_p256_public_key(pem: str) -> bool:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem.encode())
    except ValueError:
        return False
    return isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
