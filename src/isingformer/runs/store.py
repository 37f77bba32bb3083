"""The results store: an embedded SQLite database, one transaction per point.

Schema (``PRAGMA application_id = 0x49534E47`` "ISNG", ``user_version = 1``)::

    points(sweep TEXT, key TEXT, config TEXT, seed INTEGER, version TEXT,
           started REAL, finished REAL, seconds REAL, result TEXT,
           PRIMARY KEY (sweep, key))

``key`` is a hash of the canonical JSON of the point's config, so a re-run of
the same sweep finds its finished points. WAL journaling and one committed
transaction per finished point mean a crash loses at most the points still
in flight; the database is never left half-written.

A file is recognised as a store from its 100-byte SQLite header (the
application id; a store written before the id existed: ``user_version = 1``
and exactly the ``points`` table) *before* any connection that could change
it, so a foreign database is never touched (no journal-mode switch, no
schema). An empty (0-byte) file is refused: a new store is built in a
temporary file and linked into place, never grown from an empty one.
``read_only=True`` (``runs list|show|export``) opens with ``mode=ro`` when a
write-ahead log is present and ``immutable=1`` otherwise, so it works in a
read-only directory and writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from isingformer import __version__
from isingformer.errors import StoreError

__all__ = [
    "APPLICATION_ID",
    "PointRecord",
    "ResultsStore",
    "check_store_file",
    "config_key",
    "content_fingerprint",
    "store_for",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    sweep TEXT NOT NULL,
    key TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER,
    version TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL NOT NULL,
    seconds REAL NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (sweep, key)
);
"""
_USER_VERSION = 1
APPLICATION_ID = 0x49534E47  # "ISNG"
_COLUMNS = ["sweep", "key", "config", "seed", "version", "started", "finished", "seconds", "result"]


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def strict_jsonable(obj: Any) -> Any:
    """``obj`` made strict JSON by the toolkit's one rule (docs/cli.md, "JSON
    output"): a NaN float (undefined) becomes ``None``, +inf the string
    ``"inf"`` and -inf ``"-inf"`` (what ``float()`` and the CLI's own options
    read back); every other value is kept."""
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {k: strict_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [strict_jsonable(v) for v in obj]
    return obj


def config_key(config: dict) -> str:
    """Stable identity of a point: SHA-256 of its canonical JSON (16 hex)."""
    return hashlib.sha256(canonical_json(config).encode()).hexdigest()[:16]


def content_fingerprint(path: str | None) -> str | None:
    """SHA-256 (16 hex) of a file's bytes, or of a directory's file names and
    bytes; None without a path (or for a name that is not a local path). Put
    in a point's config beside an input path, the store key changes when the
    input is rewritten in place, so a re-run never reads back a result of
    other inputs."""
    if path is None or not Path(path).exists():
        return None
    root = Path(path)
    files = sorted(f for f in root.rglob("*") if f.is_file()) if root.is_dir() else [root]
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.relative_to(root) if root.is_dir() else "").encode() + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class PointRecord:
    """One finished point as stored."""

    sweep: str
    key: str
    config: dict
    seed: int | None
    version: str
    started: float
    finished: float
    seconds: float
    result: dict


class ResultsStore:
    """A results database. Open with :meth:`open`; ``None`` gives memory."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self._conn = conn
        self.path = path

    @classmethod
    def open(
        cls, path: str | os.PathLike | None, *, create: bool = True, read_only: bool = False
    ) -> ResultsStore:
        """Open (or, with ``create``, make) the store at ``path``; raise
        :class:`StoreError` with one clear line if it is unreadable, empty or
        not an isingformer store. A file that is not a store is never modified;
        ``read_only`` never writes anything (not even WAL/SHM files when it
        can avoid them)."""
        if path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            conn.executescript(_SCHEMA)
            return cls(conn, None)
        p = Path(path)
        if not p.exists():
            if read_only or not create:
                raise StoreError(f"results store {p} does not exist")
            _create(p)
        legacy = check_store_file(p)
        try:
            if read_only:
                conn = _connect_read_only(p)
            else:
                conn = sqlite3.connect(str(p), isolation_level=None, timeout=30.0)
                conn.execute("PRAGMA busy_timeout=30000")
                if legacy:
                    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"results store {p} cannot be opened: {exc}") from None
        if ok != "ok":
            conn.close()
            raise StoreError(f"results store {p} failed its integrity check: {ok}")
        return cls(conn, p)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -------------------------------------------------------------
    def put(
        self, sweep: str, config: dict, result: dict, *, started: float, finished: float
    ) -> str:
        """Write one finished point in its own transaction; return its key."""
        key = config_key(config)
        seed = config.get("seed")
        try:
            payload = json.dumps(result, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"result of sweep {sweep!r} is not JSON-serializable: {exc}") from None
        try:
            with self._conn:  # BEGIN ... COMMIT
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute(
                    "INSERT OR REPLACE INTO points VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        sweep,
                        key,
                        canonical_json(config),
                        int(seed) if isinstance(seed, int) else None,
                        __version__,
                        started,
                        finished,
                        finished - started,
                        payload,
                    ),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to results store {self.path}: {exc}") from None
        return key

    # -- reading -------------------------------------------------------------
    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read results store {self.path}: {exc}") from None

    def finished_keys(self, sweep: str) -> set[str]:
        return {r[0] for r in self._query("SELECT key FROM points WHERE sweep=?", (sweep,))}

    def get(self, sweep: str, config: dict) -> dict | None:
        rows = self._query(
            "SELECT result FROM points WHERE sweep=? AND key=?", (sweep, config_key(config))
        )
        return json.loads(rows[0][0]) if rows else None

    def sweeps(self) -> list[dict]:
        rows = self._query(
            "SELECT sweep, COUNT(*), MIN(started), MAX(finished), SUM(seconds) "
            "FROM points GROUP BY sweep ORDER BY MIN(started)"
        )
        return [
            {"sweep": s, "points": c, "first_started": a, "last_finished": b, "seconds": t}
            for s, c, a, b, t in rows
        ]

    def records(self, sweep: str | None = None) -> Iterator[PointRecord]:
        sql = "SELECT * FROM points" + (" WHERE sweep=?" if sweep else "") + " ORDER BY started"
        for row in self._query(sql, (sweep,) if sweep else ()):
            s, k, c, seed, v, st, fi, sec, res = row
            yield PointRecord(s, k, json.loads(c), seed, v, st, fi, sec, json.loads(res))

    def to_dataframe(self, sweep: str | None = None, *, expand_lists: bool = False):
        """The stored points (of one sweep, or all) as a pandas data frame
        (:func:`isingformer.runs.frames.points_frame`)."""
        from isingformer.runs.frames import points_frame

        return points_frame(self.records(sweep), expand_lists=expand_lists)


def _read_header(p: Path) -> bytes:
    try:
        with open(p, "rb") as fh:
            return fh.read(100)
    except OSError as exc:
        raise StoreError(f"results store {p} is unreadable: {exc.strerror}") from None


def check_store_file(path: str | os.PathLike) -> bool:
    """Recognise an existing file as a results store without modifying it.

    Reads the SQLite header (and, for a store older than the application id,
    the table list through an immutable read-only connection). Raises
    :class:`StoreError` for a directory, an empty file, a non-SQLite file or
    a foreign database. Returns ``True`` for a store that predates the
    application id (it gets one at its next writable open)."""
    p = Path(path)
    if p.is_dir():
        raise StoreError(f"results store {p} is a directory, expected a SQLite file")
    head = _read_header(p)
    if not head:
        raise StoreError(
            f"results store {p} is an empty file, not a store; delete it or choose another path"
        )
    if len(head) < 100 or head[:16] != b"SQLite format 3\x00":
        raise StoreError(f"results store {p} is not a SQLite database (corrupt or wrong file)")
    app_id = int.from_bytes(head[68:72], "big")
    user_version = int.from_bytes(head[60:64], "big")
    if app_id == APPLICATION_ID:
        if user_version != _USER_VERSION:
            raise StoreError(
                f"results store {p} has schema version {user_version}; this isingformer "
                f"reads version {_USER_VERSION}"
            )
        return False
    if app_id == 0 and user_version == _USER_VERSION and _legacy_tables_ok(p):
        return True
    raise StoreError(f"{p} is a SQLite database but not an isingformer results store")


def _legacy_tables_ok(p: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{quote(str(p.resolve()))}?immutable=1", uri=True)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
            cols = [r[1] for r in conn.execute("PRAGMA table_info(points)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return cols == _COLUMNS and all(t == "points" or t.startswith("sqlite_") for t in tables)


def _connect_read_only(p: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(p.resolve()))}"
    wal = p.with_name(p.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        try:  # a writer is active or crashed: read its log too
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30.0)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            pass  # read-only directory: read the committed file alone
    return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def _create(p: Path) -> None:
    """Build a new store in a temporary file and link it into place, so no
    other process ever sees an empty or half-initialised store."""
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the directory of results store {p}: {exc.strerror}"
        ) from None
    tmp = p.with_name(f".{p.name}.new{os.getpid()}")
    try:
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={_USER_VERSION}")
            conn.executescript(_SCHEMA)
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.link(tmp, p)
    except (OSError, sqlite3.Error) as exc:
        msg = getattr(exc, "strerror", None) or str(exc)
        raise StoreError(f"cannot create results store {p}: {msg}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)


STORE_ENV = "ISINGFORMER_STORE"


def env_store() -> str | None:
    """The store the environment names (``$ISINGFORMER_STORE``), else None."""
    return os.environ.get(STORE_ENV) or None


def store_for(
    out: str | os.PathLike | None, store: str | os.PathLike | None = None
) -> ResultsStore:
    """The CLI's store choice: ``--store`` if given, else ``DIR/runs.sqlite``
    with ``--out DIR``, else ``$ISINGFORMER_STORE``, else an in-memory store."""
    if store is not None:
        return ResultsStore.open(store)
    if out is not None:
        return ResultsStore.open(Path(out) / "runs.sqlite")
    return ResultsStore.open(env_store())


def now() -> float:
    return time.time()
