"""Which Host names the preview answers: the defence against DNS rebinding.

A page the user visits can point a name it controls at 127.0.0.1 and read the preview, but
the browser still sends that name in ``Host``; so only names meaning this computer, and those
given with ``--allow-host``, are answered (docs/serve.md has the table). Any IP address is
accepted when listening on every address: a bare address cannot be rebound, only a name.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LOOPBACK = ("localhost", "127.0.0.1", "::1")
WILDCARDS = ("", "0.0.0.0", "::")
ANY = "*"  # --allow-host '*': answer every name (turns the check off)

_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$")


def split(value: str) -> tuple[str, int | None] | None:
    """``[::1]:8000`` -> (``::1``, 8000); ``Example.org.`` -> (``example.org``, None).

    None when the value is not a host, with an optional port, at all.
    """
    value = value.strip().lower()
    port: str | None = None
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port = rest[1:] if rest else None
    elif value.count(":") == 1:
        host, _, port = value.partition(":")
    else:
        host = value  # a name, an IPv4 address, or a bare IPv6 address
    if port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        return None
    if host.endswith("."):  # the fully qualified spelling of the same name
        host = host[:-1]
    if not (_NAME.match(host) or _is_ip(host)):
        return None
    return host, int(port) if port is not None else None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _same(a: str, b: str) -> bool:
    """Two hosts that are the same address written differently (``::1`` and ``0:0::1``)."""
    if a == b:
        return True
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False


@dataclass(frozen=True)
class HostCheck:
    """The names a server listening on ``bound``:``port`` answers."""

    bound: str
    port: int
    allowed: tuple[str, ...] = ()  # --allow-host values: name, name:port, .domain or *

    def refusal(self, headers: Sequence[str] | None) -> str | None:
        """Why a request with these ``Host`` header values is refused, or None to answer it."""
        if not headers:
            return "the request has no Host header; every web browser sends one"
        if len(headers) > 1:
            return "the request has more than one Host header"
        # isprintable: an IPv6 zone ("[::1%...]") may hold any character, and the refusal is
        # shown in the terminal, where an escape sequence would restyle or clear it
        found = split(headers[0]) if headers[0].isprintable() else None
        if found is None:
            return "the request's Host header is not a host name"
        if self.allows(*found):
            return None
        return f"this preview does not answer requests for '{headers[0].strip()[:100]}'"

    def allows(self, host: str, port: int | None) -> bool:
        if any(_matches(rule, host, port) for rule in self.allowed):
            return True
        if port is not None and port != self.port:
            return False
        bound = self.bound.strip("[]").lower()
        if bound in WILDCARDS and _is_ip(host):
            return True
        return any(_same(host, own) for own in (*LOOPBACK, bound))

    def names(self) -> list[str]:
        """What the refusal message lists as accepted."""
        bound = self.bound.strip("[]").lower()
        shown = ["localhost", "127.0.0.1", "[::1]"]
        if bound in WILDCARDS:
            shown.append("any IP address of this computer")
        elif not any(_same(bound, own) for own in LOOPBACK):
            shown.append(f"[{bound}]" if ":" in bound else bound)
        return shown + [rule for rule in self.allowed if rule != ANY]

    def message(self, reason: str) -> bytes:
        """The plain-text body of a 403."""
        return (
            f"403 Forbidden: {reason}.\n\n"
            "cmaltgen serve answers only addresses that mean this computer, so that other web "
            "sites cannot read your preview (drafts and assessors-only evidence included).\n"
            f"It answers: {', '.join(self.names())} (port {self.port}).\n"
            "If you opened the preview through another name on purpose, start it again with "
            "--allow-host NAME.\n"
        ).encode()


def _matches(rule: str, host: str, port: int | None) -> bool:
    """Whether an --allow-host rule covers ``host``: any port unless the rule names one."""
    if rule == ANY:
        return True
    if rule.startswith("."):  # the domain and every name below it
        return host == rule[1:] or host.endswith(rule)
    found = split(rule)
    if found is None:
        return False
    name, only = found
    return _same(host, name) and (only is None or only == port)


def check_rule(value: str) -> str:
    """An --allow-host value, normalised; ValueError with the reason if it is not one."""
    value = value.strip()
    if value == ANY:
        return value
    if value.startswith("."):
        if split(value[1:]) is None or ":" in value:
            raise ValueError(f"'{value}' is not a domain (write it as .example.org)")
        return value.lower()
    found = split(value)
    if found is None or "/" in value:
        raise ValueError(
            f"'{value}' is not a host name or address; give a name such as mylaptop.local, "
            "optionally with a port (mylaptop.local:8000)"
        )
    return value.lower().rstrip(".")


def rules(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(check_rule(v) for v in values)
