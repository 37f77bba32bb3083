"""The results store: an embedded SQLite database, one transaction per point.

Schema (``PRAGMA user_version = 1``)::

    points(sweep TEXT, key TEXT, config TEXT, seed INTEGER, version TEXT,
           started REAL, finished REAL, seconds REAL, result TEXT,
           PRIMARY KEY (sweep, key))

``key`` is a hash of the canonical JSON of the point's config, so a re-run of
the same sweep finds its finished points. WAL journaling and one committed
transaction per finished point mean a crash loses at most the points still
in flight; the database is never left half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isingformer import __version__
from isingformer.errors import StoreError

__all__ = ["PointRecord", "ResultsStore", "config_key", "store_for"]

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


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def config_key(config: dict) -> str:
    """Stable identity of a point: SHA-256 of its canonical JSON (16 hex)."""
    return hashlib.sha256(canonical_json(config).encode()).hexdigest()[:16]


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
    def open(cls, path: str | os.PathLike | None, *, create: bool = True) -> ResultsStore:
        """Open (or create) the store at ``path``; raise :class:`StoreError`
        with one clear line if it is unreadable or not an isingformer store.
        A file that is not a valid store is never modified."""
        if path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            conn.executescript(_SCHEMA)
            return cls(conn, None)
        p = Path(path)
        if p.is_dir():
            raise StoreError(f"results store {p} is a directory, expected a SQLite file")
        exists = p.exists()
        if not exists and not create:
            raise StoreError(f"results store {p} does not exist")
        if exists:
            _check_header(p)
        else:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the directory of results store {p}: {exc.strerror}"
                ) from None
        try:
            conn = sqlite3.connect(str(p), isolation_level=None, timeout=30.0)
            if exists:
                _check_schema(conn, p)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if not exists:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version={_USER_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"results store {p} cannot be opened: {exc}") from None
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


def _check_header(p: Path) -> None:
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"results store {p} is unreadable: {exc.strerror}") from None
    if head and head != b"SQLite format 3\x00":
        raise StoreError(f"results store {p} is not a SQLite database (corrupt or wrong file)")


def _check_schema(conn: sqlite3.Connection, p: Path) -> None:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"results store {p} is corrupt: {exc}") from None
    if ok != "ok":
        conn.close()
        raise StoreError(f"results store {p} failed its integrity check: {ok}")
    if tables and "points" not in tables:
        conn.close()
        raise StoreError(f"{p} is a SQLite database but not an isingformer results store")
    if not tables:
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version={_USER_VERSION}")


def store_for(
    out: str | os.PathLike | None, store: str | os.PathLike | None = None
) -> ResultsStore:
    """The CLI's store choice: ``--store`` if given, else ``DIR/runs.sqlite``
    with ``--out DIR``, else ``$ISINGFORMER_STORE``, else an in-memory store."""
    if store is not None:
        return ResultsStore.open(store)
    if out is not None:
        return ResultsStore.open(Path(out) / "runs.sqlite")
    env = os.environ.get("ISINGFORMER_STORE")
    return ResultsStore.open(env) if env else ResultsStore.open(None)


def now() -> float:
    return time.time()
