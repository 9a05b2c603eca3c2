"""Incremental rendering for ``cmaltgen serve``: re-render only the pages a change reaches.

While a page renders, every value its templates read is recorded: each attribute or item
lookup (``section.title``, ``site.sections``) and each call (``render(section)``,
``s.updated.iso()``), as a *path* from where the value came and a *digest* of what it was.
On the next build the recorded paths are followed again in the new site; a page whose every
recorded value is unchanged is reused byte for byte, any other page is rendered again.

Paths start from a page's own context (``page``, ``section``), from the site-wide context
(``site``, ``section_by_id``) or from a section by its id, so that one edited section
invalidates the reads of it wherever they happened, and the many pages that read the same
site-wide values share one check of each. Evidence items are followed whole: a page that
shows one depends on a fingerprint of all its fields.

Only values reached through those routes can be followed. A page that reads anything of
cmaltgen's that came another way is marked untracked and is rendered on every build; so is
every page when the portfolio has its own ``templates/`` folder, since arbitrary templates
can inspect whole objects (comparisons, filters) in ways no lookup records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import types
from collections.abc import Callable, ItemsView, KeysView, ValuesView
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import jinja2
import jinja2.runtime
from jinja2.utils import _PassArg

from cmaltgen.images import Cleaned
from cmaltgen.structure import Evidence, Section

log = logging.getLogger(__name__)

Step = tuple[Any, ...]
Where = tuple[Step, ...]  # a path: a root step, then lookups and calls

MISSING: Any = ("missing",)  # the digest of a path that no longer leads anywhere
_PRIMITIVES = (str, int, float, bool, type(None), dt.date, PurePath)
_PLAIN = frozenset({str, int, float, bool, type(None)})  # the commonest primitives, exactly
_VIEWS = (KeysView, ValuesView, ItemsView)
_IDENTITY: dict[type, str] = {Section: "S", Evidence: "E"}
SHARED = frozenset({"site", "section_by_id", "generator"})  # the same for every page


class Untracked(Exception):
    """A value the recorder cannot follow: the page must be rendered every time."""


def _foreign(value: object) -> bool:
    """An object of cmaltgen's own (a section, a date): its reads must be recorded."""
    if isinstance(value, types.MethodType):
        value = value.__self__
    return type(value).__module__.startswith("cmaltgen")


def _is_local(where: Where) -> bool:
    """A path from one page's own context, or a call given such a value."""
    return where[0][0] == "r" or any(s[0] == "c" and s[3] for s in where[1:])


# ---------------------------------------------------------------------------- recording


SHARED_MODE, LOCAL_MODE, WHOLE_MODE = 0, 1, 2
Entry = tuple[Where, int]  # where a registered value was reached, and how it is followed
WHOLE: Step = ("*",)  # the step that stands for "every field of this object"


class Tracker:
    """Records what one page reads; ``ok`` turns false when a read could not be followed.

    Evidence items are followed whole: a page showing one depends on all its fields (a
    fingerprint checked once per build), which costs far less than a record per field on
    the thousands of items a large portfolio lists. Reads inside one are not recorded.
    """

    def __init__(
        self,
        registry: dict[int, Entry],
        aliases: dict[int, list[Entry]],
        known: dict[Where, Any],
        wholes: dict[Where, tuple[Where, ...]],
        keep: list[Any],
    ) -> None:
        self.shared = registry  # id -> entry for values every page reaches the same way
        self.aliases = aliases  # id -> further paths by which a registered value was reached
        self.own_aliases: dict[int, list[Entry]] = {}
        self.known = known  # path -> digest of shared reads already made in this build
        self.wholes = wholes  # path -> the evidence items its value holds (their WHOLE paths)
        self.collecting: list[Where] | None = None
        self.keep = keep  # holds registered values so their ids stay unique during the build
        self.own: dict[int, Entry] = {}  # values reached through this page's own context
        self.done: dict[tuple[int, Step], int] = {}  # reads recorded, and under how many paths
        self.local: dict[Where, Any] = {}  # path -> digest, checked for this page alone
        self.shared_reads: set[Where] = set()  # paths checked once per build for all pages
        self.pure: set[int] = set()  # callables whose results depend only on the page
        self.ok = True

    def root(self, where: Where, value: Any) -> Any:
        """Register a starting point; returns its digest."""
        return digest(value, where, self._register)

    def entry(self, value: object) -> Entry | None:
        key = id(value)
        return self.own.get(key) or self.shared.get(key)

    def read(self, obj: object, step: Step, value: Any) -> None:
        key = id(obj)
        entry = self.own.get(key) or self.shared.get(key)
        if entry is None:
            if _foreign(obj):
                self.ok = False  # a cmaltgen object that came from nowhere we know
            return
        if entry[1] == WHOLE_MODE:  # the hot path: fields of the items on an evidence list
            if type(value) not in _PLAIN and id(value) not in self.shared:
                self._register_whole(value, (*entry[0], step))
        else:
            done = (key, step)
            paths = (
                1 + len(self.aliases.get(key, ())) + len(self.own_aliases.get(key, ()))
                if self.aliases or self.own_aliases
                else 1
            )
            if self.done.get(done) == paths:  # recorded already, under every path it has
                return
            self.done[done] = paths
            self._record((*entry[0], step), entry[1] == LOCAL_MODE, value)
        if self.aliases or self.own_aliases:
            for where, mode in (*self.aliases.get(key, ()), *self.own_aliases.get(key, ())):
                if mode == WHOLE_MODE:  # also inside an evidence item: depend on all of it
                    self._depend_on_item(where[:1])
                else:
                    self._record((*where, step), mode == LOCAL_MODE, value)

    def call(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> None:
        entry = self.entry(func)
        if entry is None:
            if _foreign(func):
                self.ok = False
            return
        if entry[1] == WHOLE_MODE or id(func) in self.pure:
            return  # a method of a value followed whole, or the page's own url()
        if _PassArg.from_obj(func) is not None:
            self.ok = False  # it would be given the template context: not replayable
            return
        try:
            encoded = tuple(self._argument(a) for a in args)
            named = tuple(
                (k, self._argument(v)) for k, v in sorted(kwargs.items()) if not k.startswith("_")
            )
        except Untracked:
            self.ok = False
            return
        local = entry[1] == LOCAL_MODE or any(
            a[0] == "p" and _is_local(a[1]) for a in encoded + tuple(v for _, v in named)
        )
        self._record((*entry[0], ("c", encoded, named, local)), local, result)

    def _argument(self, value: Any) -> tuple[str, Any]:
        if isinstance(value, _PRIMITIVES):
            return ("v", (type(value), value))
        entry = self.entry(value)
        if entry is None:
            raise Untracked(type(value).__name__)
        return ("p", entry[0])

    def _record(self, where: Where, local: bool, value: Any) -> None:
        if local:
            try:
                self.local[where] = digest(value, where, self._register)
            except Untracked:
                self.ok = False
            return
        if where in self.known and (
            isinstance(value, _PRIMITIVES) or id(value) in self.shared
        ):  # another page read it first: same value, same build, already registered
            self.shared_reads.add(where)
            self.shared_reads.update(self.wholes.get(where, ()))
            return
        self.collecting = []
        try:
            found = digest(value, where, self._register)
        except Untracked:
            self.ok = False
            return
        finally:
            wholes, self.collecting = self.collecting, None
        self.known[where] = found
        if wholes:
            self.wholes[where] = tuple(wholes)
        self.shared_reads.add(where)

    def _register(self, value: Any, where: Where) -> None:
        if type(value) is Evidence:
            self._depend_on_whole(value, where)
            return
        key = id(value)
        local = _is_local(where)
        entry = self.own.get(key) or self.shared.get(key)
        if entry is None:
            (self.own if local else self.shared)[key] = (
                where,
                LOCAL_MODE if local else SHARED_MODE,
            )
            self.keep.append(value)
        elif entry[0] != where:
            self._alias(key, (where, LOCAL_MODE if local else SHARED_MODE), local)

    def _alias(self, key: int, entry: Entry, local: bool) -> None:
        """One value reached by a second path: its reads are recorded under each path, so a
        later build in which the paths lead to different values sees the difference."""
        found = (self.own_aliases if local else self.aliases).setdefault(key, [])
        if entry not in found:
            found.append(entry)

    def _depend_on_item(self, root: Where) -> None:
        path = (*root, WHOLE)
        if path not in self.known:  # its item was registered, so it was fingerprinted
            self.ok = False
            return
        self.shared_reads.add(path)
        if self.collecting is not None:
            self.collecting.append(path)

    def _depend_on_whole(self, value: Any, where: Where) -> None:
        self._register_whole(value, where)
        path = (*where, WHOLE)
        if path not in self.known:
            try:
                self.known[path] = fingerprint(value)
            except Untracked:
                self.ok = False
                return
        self.shared_reads.add(path)
        if self.collecting is not None:
            self.collecting.append(path)

    def _register_whole(self, value: Any, where: Where) -> None:
        key = id(value)
        entry = self.own.get(key) or self.shared.get(key)
        if entry is None:
            self.shared[key] = (where, WHOLE_MODE)
            self.keep.append(value)
        elif entry[0] != where:
            self._alias(key, (where, WHOLE_MODE), False)


_FIELDS: dict[type, tuple[str, ...]] = {}


def fingerprint(value: Any) -> Any:
    """Every field of an object, recursively: what a page showing it could display."""
    cls = type(value)
    if cls is str:
        return value
    if isinstance(value, _PRIMITIVES):
        return (cls, value)
    if isinstance(value, (list, tuple)):
        return (cls, tuple(fingerprint(v) for v in value))
    if isinstance(value, dict):
        return (cls, tuple((k, fingerprint(v)) for k, v in value.items()))
    names = _FIELDS.get(cls)
    if names is None:
        if not dataclasses.is_dataclass(value):
            raise Untracked(cls.__name__)
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(value))
    return (cls, tuple(fingerprint(getattr(value, name)) for name in names))


def digest(value: Any, where: Where, register: Callable[[Any, Where], None] | None) -> Any:
    """What a value was, as far as a template could see without further lookups.

    Strings, numbers and dates by value; containers element by element; sections and
    evidence items by id (their own reads are recorded against that id); other objects by
    type and truth, their attributes being recorded as they are read.
    """
    cls = type(value)
    if cls is str:
        return value if len(value) < LONG else _hashed(value)
    if isinstance(value, _PRIMITIVES):
        return (cls, value if not isinstance(value, str) or len(value) < LONG else _hashed(value))
    tag = _IDENTITY.get(cls)
    if tag is not None:
        ident: Where = ((tag, value.id),)
        if register is not None:
            register(value, ident)
        return ident[0]
    if isinstance(value, jinja2.Undefined):
        return ("undefined",)
    if register is not None:
        register(value, where)
    if isinstance(value, (list, tuple, *_VIEWS)):
        return (
            cls,
            tuple(digest(v, (*where, ("e", i)), register) for i, v in enumerate(value)),
        )
    if isinstance(value, dict):
        if not all(isinstance(k, _PRIMITIVES) for k in value):
            raise Untracked("a mapping with keys that are not plain values")
        return (
            cls,
            tuple((k, digest(v, (*where, ("i", k)), register)) for k, v in value.items()),
        )
    if isinstance(value, (set, frozenset)):
        if not all(isinstance(v, _PRIMITIVES) for v in value):
            raise Untracked("a set of objects")
        return (cls, frozenset(value))
    try:
        truth = bool(value)
    except Exception as exc:
        raise Untracked(cls.__name__) from exc
    return ("o", cls, truth)


LONG = 512  # strings at least this long (rendered Markdown) are kept as a hash, not a copy


def _hashed(text: str) -> tuple[str, bytes]:
    return ("#", hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest())


class TrackingContext(jinja2.runtime.Context):
    """Reports each call a template makes to the environment's current tracker."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        result = super().call(__obj, *args, **kwargs)
        tracker: Tracker | None = getattr(__self.environment, "tracker", None)
        if tracker is not None:
            tracker.call(__obj, args, kwargs, result)
        return result


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that reports lookups to ``tracker`` while one is set."""

    context_class = TrackingContext
    tracker: Tracker | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        try:  # what Jinja's own getattr does first, without a second method call
            value = getattr(obj, attribute)
        except AttributeError:
            value = super().getattr(obj, attribute)
        if self.tracker is not None and type(obj) not in _PLAIN:
            self.tracker.read(obj, ("a", attribute), value)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        if self.tracker is not None:
            if isinstance(argument, _PRIMITIVES):
                self.tracker.read(obj, ("i", argument), value)
            elif self.tracker.entry(obj) is not None or _foreign(obj):
                self.tracker.ok = False
        return value


# ---------------------------------------------------------------------------- following


class Follower:
    """Follows recorded paths in a new build, remembering each value it reaches."""

    def __init__(self, env: jinja2.Environment, roots: Callable[[Step], Any]) -> None:
        self.env, self.roots = env, roots
        self.reached: dict[Where, Any] = {}

    def value(self, where: Where) -> Any:
        if where in self.reached:
            return self.reached[where]
        try:
            if len(where) == 1:
                found = self.roots(where[0])
            else:
                parent = self.value(where[:-1])
                found = MISSING if parent is MISSING else self._step(parent, where[-1])
        except Exception:  # whatever went wrong, the value is not the one recorded
            found = MISSING
        self.reached[where] = found
        return found

    def digest(self, where: Where) -> Any:
        if where[-1] == WHOLE:
            found = self.value(where[:-1])
            return MISSING if found is MISSING else fingerprint(found)
        found = self.value(where)
        return MISSING if found is MISSING else digest(found, where, None)

    def _step(self, parent: Any, step: Step) -> Any:
        kind = step[0]
        if kind == "a":
            return self.env.getattr(parent, step[1])
        if kind == "i":
            return self.env.getitem(parent, step[1])
        if kind == "e":
            items = parent if isinstance(parent, (list, tuple)) else list(parent)
            return items[step[1]] if step[1] < len(items) else MISSING
        args = [self._argument(a) for a in step[1]]
        kwargs = {k: self._argument(v) for k, v in step[2]}
        if any(a is MISSING for a in (*args, *kwargs.values())):
            return MISSING
        return parent(*args, **kwargs)

    def _argument(self, encoded: tuple[str, Any]) -> Any:
        return encoded[1][1] if encoded[0] == "v" else self.value(encoded[1])


# ---------------------------------------------------------------------------- the cache


@dataclass(eq=False)
class _Page:
    key: Any
    data: bytes
    local: dict[Where, Any]
    shared: frozenset[Where]


@dataclass(eq=False)
class _Markdown:
    parsed: Any
    lookups: list[tuple[str, str, Any]]
    html: str


@dataclass(eq=False)
class PageCache:
    """Pages, rendered Markdown and cleaned images kept from one build to the next (serve).

    Used from serve's single build thread only.
    """

    pages: dict[str, _Page] = field(default_factory=dict)
    shared: dict[Where, Any] = field(default_factory=dict)  # path -> digest when recorded
    readers: dict[Where, set[str]] = field(default_factory=dict)  # path -> pages reading it
    markdown: dict[tuple[str, str, str], _Markdown] = field(default_factory=dict)
    images: dict[Path, tuple[tuple[int, ...], Cleaned]] = field(default_factory=dict)
    setting: Any = None  # the theme and edition the kept pages were rendered with
    rendered: list[str] = field(default_factory=list)  # pages the last build rendered
    reused: int = 0  # pages the last build took from the cache

    def clear(self) -> None:
        self.rendered, self.reused = [], 0
        self.pages.clear()
        self.shared.clear()
        self.readers.clear()
        self.markdown.clear()

    def begin(self, env: jinja2.Environment, setting: Any, roots: Callable[[Step], Any]) -> Session:
        """Start a build: find which kept pages read something that has changed."""
        if setting != self.setting:
            self.clear()
            self.setting = setting
        self.rendered, self.reused = [], 0
        follower = Follower(env, roots)
        stale: set[str] = set()
        for where, before in self.shared.items():
            if follower.digest(where) != before:  # stored anew when a reader is rendered
                stale |= self.readers.get(where, set())
        return Session(self, env, roots, stale)

    def forget(self, path: str) -> None:
        page = self.pages.pop(path, None)
        if page is None:
            return
        for where in page.shared:
            readers = self.readers.get(where)
            if readers is not None:
                readers.discard(path)
                if not readers:
                    del self.readers[where]
                    self.shared.pop(where, None)


class Session:
    """One build's use of a :class:`PageCache`."""

    def __init__(
        self,
        cache: PageCache,
        env: jinja2.Environment,
        root: Callable[[Step], Any],
        stale: set[str],
    ) -> None:
        self.cache, self.env, self.root, self.stale = cache, env, root, stale
        self.registry: dict[int, Entry] = {}
        self.aliases: dict[int, list[Entry]] = {}
        self.used: set[tuple[str, str, str]] = set()  # rendered Markdown this build asked for
        self.known: dict[Where, Any] = {}  # shared reads made by this build's pages
        self.wholes: dict[Where, tuple[Where, ...]] = {}
        self.keep: list[Any] = []
        self.seen: set[str] = set()

    def roots(self, values: dict[str, Any]) -> dict[str, Any]:
        """A page's own context plus the site-wide names: where recorded paths start."""
        return {**values, **{name: self.env.globals[name] for name in SHARED}}

    def key(self, roots: dict[str, Any]) -> Any:
        """What a page's own context was: its title, its section, the values on ``page``."""
        return tuple(
            (name, digest(value, (("r", name),), None))
            for name, value in sorted(roots.items())
            if name not in SHARED
        )

    def reuse(self, path: str, key: Any, roots: dict[str, Any]) -> bytes | None:
        """The kept page, if nothing it read has changed."""
        self.seen.add(path)
        page = self.cache.pages.get(path)
        if page is None or path in self.stale or page.key != key:
            return None
        own = Follower(self.env, lambda step: roots[step[1]] if step[0] == "r" else self.root(step))
        for where, before in page.local.items():
            if own.digest(where) != before:
                return None
        self.cache.reused += 1
        return page.data

    def tracker(self, roots: dict[str, Any], pure: tuple[str, ...]) -> Tracker:
        """A recorder for a page about to render."""
        tracker = Tracker(self.registry, self.aliases, self.known, self.wholes, self.keep)
        for name, value in roots.items():
            if name in SHARED:
                tracker.shared.setdefault(id(value), ((("g", name),), SHARED_MODE))
                self.keep.append(value)
            else:
                tracker.root((("r", name),), value)
        tracker.pure = {id(roots[name]) for name in pure}
        return tracker

    def store(self, path: str, key: Any, tracker: Tracker, data: bytes) -> None:
        self.cache.rendered.append(path)
        self.cache.forget(path)
        if not tracker.ok:
            log.debug("%s read something untracked; it will be rendered every time", path)
            return
        for where in tracker.shared_reads:
            self.cache.shared[where] = self.known[where]
            self.cache.readers.setdefault(where, set()).add(path)
        self.cache.pages[path] = _Page(key, data, tracker.local, frozenset(tracker.shared_reads))

    def finish(self) -> None:
        """Drop pages this build did not have (a section deleted, a page that failed)."""
        for path in [p for p in self.cache.pages if p not in self.seen]:
            self.cache.forget(path)
        for key in [k for k in self.cache.markdown if k not in self.used]:
            del self.cache.markdown[key]

    def render_markdown(
        self, kind: str, page: str, section: Section, resolver: Any, render: Callable[[Any], str]
    ) -> str:
        """Rendered Markdown, reused while the parsed file is the same object and every
        reference it resolved still resolves the same way."""
        key = (kind, page, section.id)
        self.used.add(key)
        kept = self.cache.markdown.get(key)
        parsed = section.reflection.parsed
        if (
            kept is not None
            and kept.parsed is parsed
            and all(getattr(resolver, name)(arg) == was for name, arg, was in kept.lookups)
        ):
            return kept.html
        recording = _RecordingResolver(resolver)
        html = render(recording)
        self.cache.markdown[key] = _Markdown(parsed, recording.lookups, html)
        return html


class _RecordingResolver:
    """Passes lookups through to a page resolver and remembers each answer."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lookups: list[tuple[str, str, Any]] = []

    def _ask(self, name: str, arg: str) -> Any:
        answer = getattr(self.inner, name)(arg)
        self.lookups.append((name, arg, answer))
        return answer

    def evidence(self, evidence_id: str) -> tuple[str, str] | None:
        result: tuple[str, str] | None = self._ask("evidence", evidence_id)
        return result

    def section(self, section_id: str) -> tuple[str, str] | None:
        result: tuple[str, str] | None = self._ask("section", section_id)
        return result

    def file(self, target: str) -> str | None:
        result: str | None = self._ask("file", target)
        return result

    def withheld_note(self, evidence_id: str) -> str:
        result: str = self._ask("withheld_note", evidence_id)
        return result


def template_state(folders: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Every template file's size and modification time: serve watches the themes too."""
    state = []
    for folder in folders:
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    stat = file.stat()
                    state.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(state)
