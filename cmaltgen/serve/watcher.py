"""Watching: which file changes matter to a preview, and the observer that reports them.

Editors save in bursts (a temp file, a rename, a chmod); the preview waits for ``QUIET_SECONDS``
without a change (at most ``MAX_SETTLE_SECONDS``) before it rebuilds, or only ``SAVED_SECONDS``
when the latest change ends a save: a file closed after writing, or renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

# An editor's save (temp file, rename, chmod) lands within a few ms; vim's, with its fsync,
# within about 30 ms on a busy machine. Its content is in place before the last of them.
QUIET_SECONDS = 0.05
SAVED_SECONDS = 0.01  # after a save's last step, for the editor's chmod or clean-up, if any
MAX_SETTLE_SECONDS = 2.0  # build anyway if something keeps writing

# Watchdog also reports opens and reads (including the build's own); only changes matter.
WATCHED_EVENTS = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
)

_TEMP_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".crswap", "~", "___jb_tmp___", "___jb_old___")


def is_ignored(path: Path, base: Path, is_directory: bool = False) -> bool:
    """True for editor temp/swap files, hidden files and ``_``-folders such as ``_site``."""
    try:
        parts = path.relative_to(base).parts
    except ValueError:
        return True  # not below a watched folder
    if not parts:
        return False
    folders = parts if is_directory else parts[:-1]
    if any(p.startswith((".", "_")) or p == "node_modules" for p in folders):
        return True  # output folders, .git, __pycache__: the build never reads them
    name = parts[-1]
    return (
        name.startswith((".", "~$"))  # vim .x.swp, Emacs .#x, LibreOffice .~lock.x#, Word ~$x
        or name.endswith(_TEMP_SUFFIXES)
        or (name.startswith("#") and name.endswith("#"))  # Emacs auto-save
        or name == "4913"  # vim's probe that it can write to the folder
    )


OnChange = Callable[[Path, bool], None]  # the path, and whether the change ends a save


class _ChangeHandler(FileSystemEventHandler):
    def __init__(self, base: Path, on_change: OnChange) -> None:
        self.base, self.on_change = base, on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not isinstance(event, WATCHED_EVENTS):
            return  # opened / closed_no_write: someone (often the build) only read a file
        for raw, into in ((event.src_path, False), (event.dest_path, True)):
            path = Path(os.fsdecode(raw)) if raw else None
            # Atomic saves arrive as "temp file moved to reflection.md": check both ends.
            if path is not None and not is_ignored(path, self.base, event.is_directory):
                saved = isinstance(event, FileClosedEvent) or (
                    into and isinstance(event, FileMovedEvent)
                )
                self.on_change(path, saved)
                return


class Watcher:
    """Watch folders recursively; call ``on_change(path, saved)`` for changes that matter.

    Folders are watched (not files) so delete-and-rename saves are seen. ``on_change`` runs on
    the observer's thread and should only record the change.
    """

    def __init__(self, folders: Sequence[Path], on_change: OnChange, *, poll: bool = False) -> None:
        # Polling is for network and container mounts where inotify sees nothing.
        self.observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
        self.watches = [
            self.observer.schedule(
                _ChangeHandler(folder.resolve(), on_change),
                str(folder),
                recursive=True,
                event_filter=list(WATCHED_EVENTS),
            )
            for folder in folders
        ]

    def start(self) -> None:
        self.observer.start()

    def alive(self) -> bool:
        """False once the first folder has gone: its watch ends with it, even if it comes back."""
        return all(
            emitter.should_keep_running()
            for emitter in self.observer.emitters
            if emitter.watch == self.watches[0]
        )

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
