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
class PeerEnv:
    """The run-time settings of one peer process."""

    nats_url: str
    subject_prefix: str
    peer: str
    creds: Optional[str] = None

    @property
    def subject(self) -> str:
        """The wildcard subject the peer subscribes to: `<prefix>.<peer>.*`."""
        return f"{self.subject_prefix}.{self.peer}.*"

    def operation_subject(self, operation: str) -> str:
        return f"{self.subject_prefix}.{self.peer}.{operation}"

    @classmethod
    def from_environ(cls, environ: Optional[Mapping[str, str]] = None) -> "PeerEnv":
        """Read the MSGPACT_* variables; raise ConfigError naming every variable that is missing or invalid."""
        env = os.environ if environ is None else environ
        problems = []

        def required(name: str, meaning: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                problems.append(f"{name} is not set ({meaning})")
            return value

        url = required(ENV_NATS_URL, "the NATS server to connect to, e.g. nats://127.0.0.1:4222")
        prefix = required(ENV_SUBJECT_PREFIX, "this run's subject prefix, e.g. msgpact.run.3f9a1c2b")
        peer = required(ENV_PEER, "this peer's name in the run, e.g. python")
        if prefix and not PREFIX_RE.fullmatch(prefix):
            problems.append(
                f"{ENV_SUBJECT_PREFIX}={prefix!r} is not a subject prefix: dot-separated tokens of [A-Za-z0-9_-]"
            )
        if peer and not TOKEN_RE.fullmatch(peer):
            problems.append(f"{ENV_PEER}={peer!r} is not a subject token: use only [A-Za-z0-9_-]")

        creds = env.get(ENV_NATS_CREDS, "").strip() or None
        if creds is not None and not os.path.isfile(creds):
            problems.append(f"{ENV_NATS_CREDS}={creds!r} is not a readable file")

        if problems:
            raise ConfigError(
                "msgpact peer: cannot start: "
                + "; ".join(problems)
                + ". A peer is normally started by `msgpact verify`, which sets these variables"
                " (see docs/peer-protocol.md, section 1)."
            )
        return cls(nats_url=url, subject_prefix=prefix, peer=peer, creds=creds)
