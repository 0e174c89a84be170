"""Reading and checking the MSGPACT_* environment a runner starts a peer with (protocol section 1).

Why this module exists: a peer started by hand, or by a manifest with a typo, must stop at once with a message
that names the variable at fault (exit status 2), instead of connecting somewhere unexpected or subscribing
to a subject nobody sends to. Keeping this apart from the serving code makes it testable without NATS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from .protocol import (
    ENV_CONTRACTS_HASH,
    ENV_NATS_CREDS,
    ENV_NATS_URL,
    ENV_PEER,
    ENV_SUBJECT_PREFIX,
    PREFIX_RE,
    TOKEN_RE,
)


class ConfigError(Exception):
    """The peer cannot start because its environment or its registrations are wrong (exit status 2)."""


@dataclass(frozen=True)
class Config:
    """Where a peer connects and which subjects it serves."""

    nats_url: str  # MSGPACT_NATS_URL, e.g. nats://127.0.0.1:4222
    subject_prefix: str  # MSGPACT_SUBJECT_PREFIX, e.g. msgpact.run.3f9a1c2b
    name: str  # MSGPACT_PEER, this peer's name in the run
    nats_creds: Optional[str] = None  # MSGPACT_NATS_CREDS, an optional credentials file
    # MSGPACT_CONTRACTS_HASH, optional: the wire hash of the run's contracts, which hello reports when the
    # application's Info gives none (types written by hand, checked against these contracts).
    contracts_hash: str = ""

    def subject(self) -> str:
        """The wildcard subject the peer subscribes to: `<prefix>.<peer>.*`."""
        return f"{self.subject_prefix}.{self.name}.*"

    def operation_subject(self, operation: str) -> str:
        """The subject of one operation: `<prefix>.<peer>.<operation>`."""
        return f"{self.subject_prefix}.{self.name}.{operation}"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Config":
        """Read the MSGPACT_* variables (of `os.environ` by default) and `validate()` them."""
        env = os.environ if environ is None else environ
        config = cls(
            nats_url=env.get(ENV_NATS_URL, "").strip(),
            subject_prefix=env.get(ENV_SUBJECT_PREFIX, "").strip(),
            name=env.get(ENV_PEER, "").strip(),
            nats_creds=env.get(ENV_NATS_CREDS, "").strip() or None,
            contracts_hash=env.get(ENV_CONTRACTS_HASH, "").strip(),
        )
        config.validate()
        return config

    def validate(self) -> None:
        """Raise ConfigError naming every variable that is missing or invalid.

        The name and the prefix must be NATS subject tokens ([A-Za-z0-9_-]+, the prefix being tokens joined by
        dots); a credentials file must exist.
        """
        problems = []

        def required(name: str, value: str, meaning: str) -> None:
            if not value:
                problems.append(f"{name} is not set ({meaning})")

        required(ENV_NATS_URL, self.nats_url, "the NATS server to connect to, e.g. nats://127.0.0.1:4222")
        required(ENV_SUBJECT_PREFIX, self.subject_prefix, "this run's subject prefix, e.g. msgpact.run.3f9a1c2b")
        required(ENV_PEER, self.name, "this peer's name in the run, e.g. python")
        if self.subject_prefix and not PREFIX_RE.fullmatch(self.subject_prefix):
            problems.append(
                f"{ENV_SUBJECT_PREFIX}={self.subject_prefix!r} is not a subject prefix: "
                "dot-separated tokens of [A-Za-z0-9_-]"
            )
        if self.name and not TOKEN_RE.fullmatch(self.name):
            problems.append(f"{ENV_PEER}={self.name!r} is not a subject token: use only [A-Za-z0-9_-]")
        if self.nats_creds is not None and not os.path.isfile(self.nats_creds):
            problems.append(f"{ENV_NATS_CREDS}={self.nats_creds!r} is not a readable file")

        if problems:
            raise ConfigError(
                "msgpact peer: cannot start: "
                + "; ".join(problems)
                + ". A peer is normally started by `msgpact verify`, which sets these variables"
                " (see docs/peer-protocol.md, section 1)."
            )
