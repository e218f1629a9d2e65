"""The join: exported shipments against imports, in DuckDB (the ``reconcile`` extra).

Three flat tables hold what the extraction found (or what a benchmark generates):
``shipments`` (one row per shipment: side, dates, party keys, countries), ``idents``
(shipment identifiers) and ``lines`` (goods lines: goods key, amount, unit). The
matching is SQL over them, so it runs in bounded memory: DuckDB's hash joins and
aggregations spill to ``temp_directory`` past ``memory_limit``.

1. **Identifiers**: an export and an import that share a notification reference, UCR or
   transport document number are a pair; a pair that shares only a container number must
   also share goods (containers are reused).
2. **Fallback**, among the shipments left: a shared party (consignee or consignor, by ID
   or by name), shared goods and an arrival inside the window; each candidate is scored
   (parties, goods, quantities within tolerance, destination country) and a pair is kept
   when each is the other's best candidate.
3. **Comparison** of each export with all its imports: goods totals per goods key and
   unit (short or over beyond the tolerance; goods on one side only), consignee,
   destination country; arrival after the window is ``late``.
4. **Status**: ``arrived``, ``discrepancy``, ``overdue`` (no arrival, window passed as of
   the ``as_of`` date), ``pending`` (window open, or no date); imports left over are
   ``unannounced``.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Self

__all__ = ["DuckDBMissing", "Engine", "MatchOptions", "connect", "name_key"]

INSTALL_HINT = "pip install 'tradestd[reconcile]'"


class DuckDBMissing(ImportError):
    """DuckDB (the ``reconcile`` extra) is not installed."""

    def __init__(self) -> None:
        super().__init__(f"tradestd reconcile needs DuckDB: {INSTALL_HINT}")


@dataclass(frozen=True)
class MatchOptions:
    as_of: date
    window_days: int = 30
    tolerance: float = 5.0  #: percent
    assume_dispatch: date | None = None
    memory_limit: str = "1GB"
    temp_directory: str | None = None
    threads: int = 2


_LEGAL = re.compile(r"\b(ltd|limited|llc|inc|gmbh|bv|b v|sa|s a|sarl|srl|plc|co|corp|ag|nv|"
                    r"spa|pvt|pte|oy|ab|as)\b")


def name_key(value: str | None) -> str | None:
    """A party name for comparison: accents, case, punctuation and legal forms dropped."""
    if not value:
        return None
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", folded)
    words = _LEGAL.sub(" ", words)
    key = " ".join(words.split())
    return key or None


def id_key(value: str | None) -> str | None:
    if not value:
        return None
    key = re.sub(r"[^A-Z0-9]", "", value.upper())
    return key or None


def connect(database: str, options: MatchOptions | None = None) -> Any:
    """A DuckDB connection with bounded memory and a spill folder.

    ``database`` is a file: the tables of a file database can leave memory (the buffer
    manager writes them out), those of an in-memory one cannot, so only a file keeps the
    whole join inside ``memory_limit``."""
    try:
        import duckdb
    except ImportError:
        raise DuckDBMissing() from None
    opts = options or MatchOptions(as_of=date.today())
    limit = _size(opts.memory_limit)
    con = duckdb.connect(database)
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute(f"SET threads = {int(opts.threads)}")
    con.execute("SET preserve_insertion_order = false")
    if opts.temp_directory:
        Path(opts.temp_directory).mkdir(parents=True, exist_ok=True)
        con.execute("SET temp_directory = ?", [opts.temp_directory])
    return con


def _size(text: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]?i?B", text.strip(), re.IGNORECASE):
        raise ValueError(f"memory limit {text!r} is not a size such as 1GB or 512MB")
    return text.strip()


SCHEMA = """
CREATE TABLE IF NOT EXISTS shipments (
    sid BIGINT, side TINYINT, start_date DATE, expected_date DATE, arrival_date DATE,
    consignee_id VARCHAR, consignee_name VARCHAR, consignor_id VARCHAR,
    consignor_name VARCHAR, destination VARCHAR);
CREATE TABLE IF NOT EXISTS idents (sid BIGINT, side TINYINT, kind VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS lines (sid BIGINT, side TINYINT, goods VARCHAR, amount DOUBLE,
                                  unit VARCHAR);
"""

ShipmentRow = tuple[int, int, date | None, date | None, date | None, str | None, str | None,
                    str | None, str | None, str | None]


class Engine:
    """Loads rows into DuckDB and runs the matching; results stay in the database."""

    def __init__(self, options: MatchOptions) -> None:
        self.options = options
        self._folder = tempfile.TemporaryDirectory(prefix="tradestd-reconcile-",
                                                   dir=options.temp_directory)
        try:
            self.con = connect(str(Path(self._folder.name) / "reconcile.duckdb"), options)
            self.con.execute(SCHEMA)
        except BaseException:
            self._folder.cleanup()
            raise

    def close(self) -> None:
        """Close the connection and remove the working database."""
        self.con.close()
        self._folder.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def add(self, shipments: Iterable[ShipmentRow],
            idents: Iterable[tuple[int, int, str, str]],
            lines: Iterable[tuple[int, int, str, float | None, str | None]]) -> None:
        for table, rows, width in (("shipments", shipments, 10), ("idents", idents, 4),
                                   ("lines", lines, 5)):
            batch = list(rows)
            if batch:
                marks = ", ".join("?" * width)
                self.con.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)

    def run(self) -> None:
        """Pairs, comparison and status, as tables ``pairs``, ``status``, ``unannounced``."""
        o = self.options
        tol = float(o.tolerance) / 100.0
        assume = f"DATE '{o.assume_dispatch.isoformat()}'" if o.assume_dispatch else "NULL"
        as_of = f"DATE '{o.as_of.isoformat()}'"
        w = int(o.window_days)
        sql = f"""
CREATE OR REPLACE VIEW exp AS
SELECT sid, destination, consignee_id, consignee_name, consignor_id, consignor_name,
       coalesce(start_date, expected_date, {assume}) AS window_start,
       coalesce(expected_date, start_date, {assume}) + INTERVAL {w} DAY AS window_end,
       (start_date IS NULL AND expected_date IS NULL) AS no_date
FROM shipments WHERE side = 0;
CREATE OR REPLACE VIEW imp AS
SELECT sid, destination, consignee_id, consignee_name, consignor_id, consignor_name,
       arrival_date FROM shipments WHERE side = 1;
CREATE OR REPLACE TABLE goods AS
SELECT side, sid, goods, unit, sum(amount) AS amount FROM lines GROUP BY ALL;

-- 1. identifiers
CREATE OR REPLACE TABLE idpairs AS
SELECT e.sid AS esid, i.sid AS isid, bool_and(e.kind = 'container') AS container_only
FROM idents e JOIN idents i ON e.kind = i.kind AND e.value = i.value
WHERE e.side = 0 AND i.side = 1
GROUP BY ALL;
CREATE OR REPLACE TABLE shared_goods AS
SELECT DISTINCT p.esid, p.isid FROM idpairs p
JOIN goods ge ON ge.side = 0 AND ge.sid = p.esid
JOIN goods gi ON gi.side = 1 AND gi.sid = p.isid AND gi.goods = ge.goods
WHERE p.container_only;
CREATE OR REPLACE TABLE idpairs AS
SELECT p.esid, p.isid FROM idpairs p
LEFT JOIN shared_goods s ON s.esid = p.esid AND s.isid = p.isid
WHERE NOT p.container_only OR s.esid IS NOT NULL;

-- 2. fallback among the shipments no identifier matched
CREATE OR REPLACE TABLE pkeys AS
WITH ue AS (SELECT * FROM exp WHERE sid NOT IN (SELECT esid FROM idpairs)),
     ui AS (SELECT * FROM imp WHERE sid NOT IN (SELECT isid FROM idpairs))
SELECT sid, 0 AS side, 'to' AS role, k
FROM (SELECT sid, unnest([consignee_id, consignee_name]) AS k FROM ue) WHERE k IS NOT NULL
UNION ALL SELECT sid, 0, 'from', k
FROM (SELECT sid, unnest([consignor_id, consignor_name]) AS k FROM ue) WHERE k IS NOT NULL
UNION ALL SELECT sid, 1, 'to', k
FROM (SELECT sid, unnest([consignee_id, consignee_name]) AS k FROM ui) WHERE k IS NOT NULL
UNION ALL SELECT sid, 1, 'from', k
FROM (SELECT sid, unnest([consignor_id, consignor_name]) AS k FROM ui) WHERE k IS NOT NULL;
CREATE OR REPLACE TABLE cand AS
SELECT esid, isid, bool_or(role = 'to') AS same_to, bool_or(role = 'from') AS same_from
FROM (SELECT e.sid AS esid, i.sid AS isid, e.role
      FROM pkeys e JOIN pkeys i ON e.role = i.role AND e.k = i.k
      WHERE e.side = 0 AND i.side = 1)
GROUP BY ALL;
CREATE OR REPLACE TABLE scored AS
WITH ge AS (SELECT sid, goods, unit, amount FROM goods
            WHERE side = 0 AND sid IN (SELECT esid FROM cand)),
     gi AS (SELECT sid, goods, unit, amount FROM goods
            WHERE side = 1 AND sid IN (SELECT isid FROM cand)),
     ne AS (SELECT sid, count(*) AS n FROM ge GROUP BY sid),
     ni AS (SELECT sid, count(*) AS n FROM gi GROUP BY sid),
     g AS (SELECT c2.esid, c2.isid,
                  count(*) = max(ne.n) AND count(*) = max(ni.n) AS all_goods,
                  bool_and(abs(gi.amount - ge.amount) <= {tol} * abs(ge.amount)) AS all_within
           FROM cand c2
           JOIN ge ON ge.sid = c2.esid
           JOIN gi ON gi.sid = c2.isid AND gi.goods = ge.goods
                  AND gi.unit IS NOT DISTINCT FROM ge.unit
           JOIN ne ON ne.sid = c2.esid
           JOIN ni ON ni.sid = c2.isid
           GROUP BY ALL)
SELECT c.esid, c.isid,
       2 * c.same_to::INT + 2 * c.same_from::INT
       + (e.destination IS NOT NULL AND e.destination = i.destination)::INT
       + 2 * g.all_goods::INT + 2 * g.all_within::INT AS score,
       abs(coalesce(date_diff('day', e.window_start, i.arrival_date), 0)) AS days
FROM cand c
JOIN g ON g.esid = c.esid AND g.isid = c.isid
JOIN exp e ON e.sid = c.esid
JOIN imp i ON i.sid = c.isid
WHERE i.arrival_date IS NULL OR e.window_start IS NULL
   OR (i.arrival_date >= e.window_start - INTERVAL 3 DAY AND i.arrival_date <= e.window_end);
CREATE OR REPLACE TABLE fallback AS
SELECT esid, isid, score FROM (
  SELECT *, row_number() OVER (PARTITION BY esid ORDER BY score DESC, days, isid) AS re,
            row_number() OVER (PARTITION BY isid ORDER BY score DESC, days, esid) AS ri
  FROM scored) WHERE re = 1 AND ri = 1;

CREATE OR REPLACE TABLE pairs AS
SELECT esid, isid, 'identifier' AS method, NULL::INT AS score FROM idpairs
UNION ALL
SELECT esid, isid, 'fallback', score FROM fallback;

-- 3. comparison
CREATE OR REPLACE TABLE gcmp AS
WITH ig AS (
  SELECT p.esid, g.goods, g.unit, sum(g.amount) AS amount
  FROM (SELECT DISTINCT esid, isid FROM pairs) p
  JOIN goods g ON g.side = 1 AND g.sid = p.isid GROUP BY ALL),
eg AS (SELECT g.sid AS esid, g.goods, g.unit, g.amount FROM goods g
       WHERE g.side = 0 AND g.sid IN (SELECT esid FROM pairs))
SELECT coalesce(eg.esid, ig.esid) AS esid, coalesce(eg.goods, ig.goods) AS goods,
       coalesce(eg.unit, ig.unit) AS unit, eg.amount AS e_amount, ig.amount AS i_amount
FROM eg FULL OUTER JOIN ig
  ON eg.esid = ig.esid AND eg.goods = ig.goods AND eg.unit IS NOT DISTINCT FROM ig.unit;
CREATE OR REPLACE TABLE discrepancies AS
SELECT esid, CASE WHEN e_amount IS NULL OR i_amount IS NULL THEN 'goods' ELSE 'quantity' END
       AS field, goods, unit, e_amount, i_amount
FROM gcmp
WHERE e_amount IS NULL OR i_amount IS NULL
   OR abs(i_amount - e_amount) > {tol} * abs(e_amount)
UNION ALL
SELECT p.esid, 'consignee', NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT esid, isid FROM pairs) p
JOIN exp e ON e.sid = p.esid JOIN imp i ON i.sid = p.isid
GROUP BY p.esid
HAVING bool_and(
   (e.consignee_id IS NOT NULL AND i.consignee_id IS NOT NULL
    OR e.consignee_name IS NOT NULL AND i.consignee_name IS NOT NULL)
   AND NOT coalesce(e.consignee_id = i.consignee_id, false)
   AND NOT coalesce(e.consignee_name = i.consignee_name, false))
UNION ALL
SELECT p.esid, 'destination_country', NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT esid, isid FROM pairs) p
JOIN exp e ON e.sid = p.esid JOIN imp i ON i.sid = p.isid
GROUP BY p.esid
HAVING bool_and(e.destination IS NOT NULL AND i.destination IS NOT NULL
                AND e.destination <> i.destination);

-- 4. status
CREATE OR REPLACE TABLE status AS
SELECT e.sid AS esid,
       CASE WHEN m.esid IS NOT NULL AND d.esid IS NOT NULL THEN 'discrepancy'
            WHEN m.esid IS NOT NULL THEN 'arrived'
            WHEN e.window_end IS NULL THEN 'pending'
            WHEN {as_of} > e.window_end THEN 'overdue'
            ELSE 'pending' END AS status,
       m.method, m.last_arrival,
       (m.last_arrival > e.window_end) AS late,
       e.window_start, e.window_end, e.no_date
FROM exp e
LEFT JOIN (SELECT p.esid, min(p.method) AS method, max(i.arrival_date) AS last_arrival
           FROM pairs p JOIN imp i ON i.sid = p.isid GROUP BY p.esid) m ON m.esid = e.sid
LEFT JOIN (SELECT DISTINCT esid FROM discrepancies) d ON d.esid = e.sid;
CREATE OR REPLACE TABLE unannounced AS
SELECT sid AS isid FROM imp WHERE sid NOT IN (SELECT isid FROM pairs);
"""
        self.con.execute(sql)

    def summary(self) -> dict[str, int]:
        rows = self.con.execute("SELECT status, count(*) FROM status GROUP BY status").fetchall()
        counts = {"arrived": 0, "discrepancy": 0, "overdue": 0, "pending": 0}
        counts.update({str(s): int(n) for s, n in rows})
        counts["unannounced"] = int(self.con.execute(
            "SELECT count(*) FROM unannounced").fetchone()[0])
        return counts

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.con.execute(query).fetchall()
        return rows
