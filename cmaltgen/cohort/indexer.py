"""Running Pagefind over the hub's search records: in groups of members, in the background.

Every ``group`` listed members, their records go to a temporary folder and a Pagefind process
indexes them while the next members are read (Python on one core, Pagefind on another). Each
group is a bundle of its own (``pagefind/part-1/``...) that the search page merges into the main
one, the hub's pages (Pagefind's ``mergeIndex``); groups also bound Pagefind's memory (about
150 KB per record). A cohort of up to :data:`GROUP_MIN` members is one bundle. Bundles are read
back into memory, so the folder writer swaps them in atomically with the rest of the hub.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cmaltgen.cohort import search
from cmaltgen.cohort.members import Member
from cmaltgen.cohort.memo import SearchMemo
from cmaltgen.cohort.pages import Column

log = logging.getLogger(__name__)

GROUP_MIN = 50  # members per group at least: a smaller cohort is one bundle
GROUPS = 6  # groups a large cohort is split into (so, bundles the search page merges)
TIMEOUT = 300.0  # seconds one Pagefind run may take
RECORDS = "_records"  # the temporary folder's record pages (never published)
MAX_STDERR = 400
# Pagefind's ready-made interfaces and its highlighter: the hub has its own small, accessible
# search script (templates/cohort/search.js), so these would only double the bundle's size.
UNUSED = re.compile(r"pagefind-(component-ui|modular-ui|ui)\.(js|css)|pagefind-highlight\.js")


def group_size(listed: int) -> int:
    """Members per group for a cohort of ``listed`` members."""
    return max(GROUP_MIN, math.ceil(listed / GROUPS))


@dataclass
class _Run:
    """One Pagefind process and what it indexes."""

    number: int
    folder: Path  # site/ (input), bundle/ (output) and pagefind.log
    digest: str
    process: subprocess.Popen[bytes]
    started: float
    deadline: threading.Timer  # kills the process after TIMEOUT seconds
    timed_out: threading.Event

    def stop(self) -> None:
        self.deadline.cancel()
        self.process.kill()
        self.process.wait()


class Indexer:
    """Pagefind over members as they come (:meth:`add`), then the hub's pages (:meth:`finish`);
    leaving its ``with`` block stops Pagefind and removes the temporary folder."""

    def __init__(
        self,
        language: str,
        columns: Mapping[str, Column],
        group: int,
        memo: SearchMemo | None = None,
    ) -> None:
        self.language = language or "en"
        self.columns, self.group, self.memo = columns, group, memo
        self.binary = search.pagefind_binary()
        self.problem = "" if self.binary else _NOT_FOUND
        self.records = 0
        self._pending: list[str] = []  # record pages of the group being filled
        self._members = 0  # in the group being filled
        self._bundles: list[dict[str, bytes]] = []  # finished groups, in order
        self._running: _Run | None = None
        self._temp: Path | None = None

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, member: Member) -> None:
        """Index a member's records (a listed member's only), in its group."""
        if not member.listed:
            return
        for record in search.member_records(member, self.columns):
            self._pending.append(search.record_page(record, self.language))
        self._members += 1
        if self._members >= self.group:
            self._start(self._take(), {})

    def members_done(self) -> None:
        """Every member is in: a cohort already in parts indexes its last group now, while
        the hub's pages render, so that only those pages are left for :meth:`finish`."""
        if self._pending and (self._bundles or self._running is not None):
            self._start(self._take(), {})

    def finish(self, pages: Mapping[str, bytes], kinds: Mapping[str, str]) -> search.Index:
        """The last group with the hub's ``pages`` (kind by path); every bundle, or why not."""
        started = time.perf_counter()
        self._start(self._take(), search.hub_pages(pages, kinds))
        self._collect()
        log.info(
            "search index: %d records in %d bundles; %.3f s waiting for Pagefind at the end",
            self.records,
            len(self._bundles),
            time.perf_counter() - started,
        )
        if self.memo is not None:
            self.memo.forget_unused()
        if self.problem:
            return search.Index({}, self.records, self.problem)
        *parts, main = self._bundles
        if "pagefind.js" not in main:
            return search.Index({}, self.records, "Pagefind finished but wrote no pagefind.js")
        files = {f"{search.BUNDLE}/{rel}": data for rel, data in main.items()}
        names = [f"{search.BUNDLE}/part-{n}/" for n in range(1, len(parts) + 1)]
        for name, bundle in zip(names, parts, strict=True):
            files.update({name + rel: data for rel, data in bundle.items()})
        return search.Index(files, self.records, parts=names)

    def close(self) -> None:
        """Stop a Pagefind still running and remove the temporary folder."""
        if self._running is not None:
            self._running.stop()
            self._running = None
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    # -- one group

    def _take(self) -> list[str]:
        taken, self._pending, self._members = self._pending, [], 0
        self.records += len(taken)
        return taken

    def _start(self, records: list[str], pages: Mapping[str, bytes]) -> None:
        """Index one group: from the memo, or by a Pagefind run that finishes later."""
        self._collect()  # one Pagefind at a time: it uses every core it is given
        if self.problem:
            return
        number = len(self._bundles)
        site = {f"{RECORDS}/{number}/{n}.html": p.encode("utf-8") for n, p in enumerate(records)}
        site.update(pages)
        digest = _digest(self.language, site) if self.memo is not None else ""
        kept = self.memo.get(digest) if self.memo is not None else None
        if kept is not None:
            self._bundles.append(kept)
            return
        try:
            folder = self._folder(number)
            made: set[Path] = set()
            for rel, body in site.items():
                target = folder / "site" / rel
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_bytes(body)
            (folder / "site").mkdir(exist_ok=True)
        except OSError as exc:  # the temporary folder: disk full, no permission
            self.problem = f"its temporary folder could not be written: {exc}"
            return
        self._launch(number, folder, digest)

    def _folder(self, number: int) -> Path:
        if self._temp is None:
            self._temp = Path(tempfile.mkdtemp(prefix="cmaltgen-search-"))
        folder = self._temp / str(number)
        folder.mkdir()
        return folder

    def _launch(self, number: int, folder: Path, digest: str) -> None:
        assert self.binary is not None
        command = [str(self.binary), "--site", str(folder / "site")]
        command += ["--output-path", str(folder / "bundle"), "--quiet"]
        primary = self.language.split("-")[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            command += ["--force-language", primary]
        try:
            with (folder / "pagefind.log").open("wb") as said:
                process = subprocess.Popen(
                    command, cwd=folder, stdin=subprocess.DEVNULL, stdout=said, stderr=said
                )
        except OSError as exc:
            self.problem = (
                f"the Pagefind program ({self.binary}) could not be started: {exc.strerror or exc}"
            )
            return
        timed_out = threading.Event()

        def kill() -> None:  # waiting is then a plain wait, with no polling
            timed_out.set()
            process.kill()

        deadline = threading.Timer(TIMEOUT, kill)
        deadline.daemon = True
        deadline.start()
        self._running = _Run(number, folder, digest, process, time.monotonic(), deadline, timed_out)

    def _collect(self) -> None:
        """Wait for the running Pagefind and keep its bundle (or why it failed)."""
        run, self._running = self._running, None
        if run is None:
            return
        code = run.process.wait()
        run.deadline.cancel()
        if run.timed_out.is_set():
            self.problem = f"Pagefind ({self.binary}) did not finish within {TIMEOUT:g} seconds"
            return
        log.debug("pagefind run %d: %.3f s", run.number, time.monotonic() - run.started)
        if code != 0:
            said = (run.folder / "pagefind.log").read_bytes().decode("utf-8", "replace")
            said = " ".join(said.split())[-MAX_STDERR:]
            self.problem = f"Pagefind ({self.binary}) failed with exit status {code}" + (
                f": {said}" if said else ""
            )
            return
        out = run.folder / "bundle"
        try:
            files = {
                rel: p.read_bytes()
                for p in sorted(out.rglob("*"))
                if p.is_file() and not UNUSED.fullmatch(rel := p.relative_to(out).as_posix())
            }
        except OSError as exc:
            self.problem = f"its temporary folder could not be read: {exc}"
            return
        shutil.rmtree(run.folder, ignore_errors=True)
        if self.memo is not None:
            self.memo.put(run.digest, files)
            self.memo.runs += 1
        self._bundles.append(files)


_NOT_FOUND = (
    "the Pagefind program was not found (install cmaltgen with its "
    "dependencies: pip install --upgrade cmaltgen, which brings pagefind[bin])"
)


def _digest(language: str, site: Mapping[str, bytes]) -> str:
    """What a Pagefind run indexes, in one value: its language, every path and its bytes."""
    digest = hashlib.sha256(language.encode("utf-8"))
    for rel, body in site.items():
        digest.update(b"\0%d\0%s\0" % (len(body), rel.encode("utf-8")))
        digest.update(body)
    return digest.hexdigest()
