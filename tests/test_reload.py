"""serve's live-reload protocol: the snippet added to served pages."""

from __future__ import annotations

from cmaltgen.serve.reload import inject


def test_inject_goes_before_the_last_body_end() -> None:
    assert inject(b"<body>x</BODY>", "S") == b"<body>xS</BODY>"
    assert inject(b"no body", "S") == b"no bodyS"
