"""A nats-py Client with a leaner per-message path for the peer's request/reply traffic.

Why this module exists: profiling the peer under load (many requests in flight) showed that about a third of
its time went to two generic steps of nats-py 2.16, not to MessagePack: parsing each request's header block
(a Python generator per character of every header name) and building each reply's header block (a regex match
and string clean-up per header). The peer must keep within 3x of the Go peer's throughput, so:

- `FastClient._parse_header_lines` parses header blocks with the same result as nats-py's own parser (same
  keys kept or skipped, same values), using bytes methods that run in C. tests/test_fastpath.py checks that
  equivalence against the installed nats-py's implementation on many inputs.
- `FastClient.publish_reply` publishes a reply whose header block the peer has already encoded, with the same
  checks nats-py's `publish` makes (closed, draining, max_payload), and the same flush rule.

Both use nats-py internals (`_send_command`, `_flush_queue`, ...). `fast_path_available()` checks that they
exist; when they do not (another nats-py version), the peer uses the public `publish` and works the same way,
only slower.
"""

from __future__ import annotations

from typing import Dict, Optional

from nats import errors
from nats.aio.client import Client
from nats.protocol.command import hpub_cmd

# The characters str.isspace() accepts among ASCII: nats-py skips a header whose name contains one of them.
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_CRLF = b"\r\n"
_NEWLINES = str.maketrans({"\r": " ", "\n": " "})

_HDR_START = b"NATS/1.0\r\n"


def header_block(headers: Dict[str, str]) -> bytes:
    """Encode a NATS header block as nats-py's publish would (values trimmed, CR and LF made spaces).

    The names are the peer's own constants; the values are the echoed case id, a status word and an error
    line, all of which may be encoded as UTF-8 like nats-py does.
    """
    parts = [_HDR_START]
    for key, value in headers.items():
        parts.append(f"{key}: {value.strip().translate(_NEWLINES)}\r\n".encode())
    parts.append(_CRLF)
    return b"".join(parts)


def fast_path_available() -> bool:
    """True when the installed nats-py has the internals FastClient relies on."""
    needed = ("_send_command", "_flush_pending", "_parse_header_lines", "_process_headers", "is_draining_pubs")
    return all(hasattr(Client, name) for name in needed)


class FastClient(Client):
    """nats-py's Client with a faster header parser and a reply publish that takes a pre-encoded header block."""

    @staticmethod
    def _parse_header_lines(raw: bytes) -> Dict[str, str]:
        out: Dict[str, str] = {}
        for line in raw.split(_CRLF):
            name, sep, value = line.partition(b":")
            if not sep:
                continue
            name = name.strip()
            if len(name.translate(None, _ASCII_SPACE)) != len(name):
                continue  # whitespace inside a header name: nats-py skips the line
            try:
                key = name.decode("ascii")
            except UnicodeDecodeError:
                continue
            out[key] = value.strip().decode("utf-8", "replace")
        return out

    async def publish_reply(self, reply: str, payload: bytes, header: Optional[bytes]) -> None:
        """Publish `payload` to the reply subject `reply` with an already encoded header block.

        `reply` is a reply subject the server delivered (a valid subject by construction of the protocol).
        """
        if self.is_closed:
            raise errors.ConnectionClosedError
        if self.is_draining_pubs:
            raise errors.ConnectionDrainingError
        size = len(payload)
        if not self.is_connected:
            if self._max_pending_size <= 0 or size + self._pending_data_size > self._max_pending_size:
                raise errors.OutboundBufferLimitError
        if size > self._max_payload:
            raise errors.MaxPayloadError
        if header is None:
            await self.publish(reply, payload)
            return
        self.stats["out_msgs"] += 1
        self.stats["out_bytes"] += size
        await self._send_command(hpub_cmd(reply, "", header, payload))
        if self._flush_queue is not None and self._flush_queue.empty():
            await self._flush_pending()
