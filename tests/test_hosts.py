"""The Host check's rules on their own; tests/test_serve.py sends forged headers to the server."""

from __future__ import annotations

import pytest

from cmaltgen.serve.hosts import HostCheck, check_rule, split


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("localhost", ("localhost", None)),
        ("LOCALHOST:8000", ("localhost", 8000)),
        ("localhost.:8000", ("localhost", 8000)),
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("[::1]:8000", ("::1", 8000)),
        ("[::1]", ("::1", None)),
        ("::1", ("::1", None)),
        ("my-laptop.local", ("my-laptop.local", None)),
        ("", None),
        ("localhost:", None),
        ("localhost:http", None),
        ("localhost:0", None),
        ("localhost:65536", None),
        ("localhost:²", None),  # "²".isdigit() is True; int("²") fails
        ("localhost:٨٠٠٠", None),
        ("a b", None),
        ("evil.example@127.0.0.1", None),
        ("[::1", None),
        ("[::1]8000", None),
        ("localhost:8000/x", None),
        ("..", None),
    ],
)
def test_split(value: str, expected: tuple[str, int | None] | None) -> None:
    assert split(value) == expected


def test_a_server_on_loopback_answers_loopback_names_on_its_port_only() -> None:
    check = HostCheck("127.0.0.1", 8000)
    for ok in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "127.0.0.1"):
        assert check.refusal([ok]) is None, ok
    for bad in ("localhost:8001", "127.0.0.2:8000", "192.168.1.5:8000", "evil.example:8000"):
        assert check.refusal([bad]) is not None, bad
    assert check.refusal(None) == "the request has no Host header; every web browser sends one"
    assert check.refusal([]) is not None and check.refusal(["localhost", "localhost"])


def test_the_bound_address_is_answered_too() -> None:
    assert HostCheck("127.0.0.2", 8000).refusal(["127.0.0.2:8000"]) is None
    lan = HostCheck("192.168.1.5", 8000)
    assert lan.refusal(["192.168.1.5:8000"]) is None
    assert lan.refusal(["192.168.1.6:8000"]) is not None
    assert "192.168.1.5" in lan.message("x").decode()
    six = HostCheck("fe80::1", 8000)
    assert six.refusal(["[fe80:0::1]:8000"]) is None and "[fe80::1]" in six.names()


def test_every_address_means_any_ip_but_still_no_foreign_name() -> None:
    for bound in ("0.0.0.0", "::", ""):
        check = HostCheck(bound, 8000)
        assert check.refusal(["192.168.1.5:8000"]) is None
        assert check.refusal(["[fd00::5]:8000"]) is None
        assert check.refusal(["192.168.1.5:9000"]) is not None
        assert check.refusal(["my-laptop.local:8000"]) is not None  # names must be allowed
        assert "any IP address of this computer" in check.names()


def test_allowed_names_domains_ports_and_everything() -> None:
    rules = ("mylaptop.local", "tunnel.example:443", ".preview.test")
    check = HostCheck("127.0.0.1", 8000, rules)
    for ok in ("mylaptop.local:9999", "tunnel.example:443", "a.b.preview.test", "preview.test"):
        assert check.refusal([ok]) is None, ok
    for bad in ("tunnel.example", "tunnel.example:8000", "evilpreview.test", "mylaptop.localx"):
        assert check.refusal([bad]) is not None, bad
    assert HostCheck("127.0.0.1", 8000, ("*",)).refusal(["anything.example"]) is None


@pytest.mark.parametrize("bad", ["", "http://x/", "a b", "x:99999", ".", ".a:80", "a/b"])
def test_check_rule_rejects_what_is_not_a_host(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        check_rule(bad)


def test_check_rule_normalises() -> None:
    assert check_rule(" MyLaptop.Local. ") == "mylaptop.local"
    assert check_rule(".Example.ORG") == ".example.org"
    assert check_rule("[::1]:8000") == "[::1]:8000" and check_rule("*") == "*"
