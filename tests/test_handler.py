"""serve's HTTP plumbing: where the site is mounted and which URL paths map into the build."""

from __future__ import annotations

from cmaltgen.serve.handler import mount_path, site_path


def test_paths_and_mounts() -> None:
    assert mount_path("https://u.github.io/repo/") == "/repo/"
    assert mount_path("https://u.github.io/a/b") == "/a/b/"
    assert mount_path("https://example.org") == mount_path("") == "/"
    assert site_path("/repo/1a/", "/repo/") == "1a/"
    assert site_path("/repo/", "/repo/") == ""
    assert site_path("/other/", "/repo/") is None
    assert site_path("/repo/a/%2e%2e/b", "/repo/") is None
    assert site_path("/repo/a//b", "/repo/") is None
