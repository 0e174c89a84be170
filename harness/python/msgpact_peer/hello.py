"""The `hello` handshake reply (protocol section 3), built once when the peer starts serving.

Why this module exists: the handshake reports library versions "as the peer's process sees them", not versions
copied into the source. In Python that is the installed distributions' metadata (importlib.metadata), read at
run time; a library name that is not an installed distribution is a start-up error (exit status 2).
"""

from __future__ import annotations

from importlib import metadata
from typing import Any, Dict, List

from .config import ConfigError
from .protocol import PROTOCOL_VERSION

# What a Python peer reports as nats_library.
NATS_LIBRARY = "nats-py"


def distribution_version(distribution: str) -> str:
    """The version of an installed distribution as this process sees it (importlib.metadata)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        raise ConfigError(
            f"msgpact peer: cannot find the installed version of {distribution!r}: no distribution of that name is "
            "installed in this Python environment. Name the MessagePack library by its distribution (pip) name, "
            "or give Info(library_version=...)"
        ) from None


def hello(
    name: str, language: str, library: str, library_version: str, contracts_hash: str, types: List[str]
) -> Dict[str, Any]:
    """The hello handshake object for a peer called `name` serving `types` (sorted)."""
    return {
        "protocol": PROTOCOL_VERSION,
        "name": name,
        "language": language,
        "library": library,
        "library_version": library_version,
        "nats_library": NATS_LIBRARY,
        "nats_library_version": distribution_version(NATS_LIBRARY),
        "contracts_hash": contracts_hash,
        "types": types,
    }
