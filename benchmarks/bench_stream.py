"""Streaming a large batch: peak memory and per-record throughput against separate files.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_stream.py [--size 64M] [--files 1000]
    PYTHONPATH=src python benchmarks/bench_stream.py --size 1G      # the real figure

The script writes its own feed into a temporary directory (``--workdir`` to choose):
a ``<Batch>`` of declarations made from the bundled valid declaration fixtures
(``fixtures/declaration/valid``, or ``--templates DIR``), each scaled to about 16 KB by
repeating its goods items, round robin until the file reaches ``--size``.

Measured in one run, each in a fresh subprocess so that its peak RSS (VmHWM) is its own:

* ``files``: the first ``--files`` records written as separate small files, each
  validated with ``Validator.validate`` -- the per-record baseline;
* ``stream validate``: the whole feed through ``Validator.iter_validate``;

(both with the validator ``tradestd validate`` builds: syntax, schema and the bundled rule
packs);
* ``files to JSON``: the same small files converted one by one with ``tradestd
  convert``'s converter -- the per-record baseline for conversion;
* ``stream to JSONL`` (``XmlToJsonLines``) and ``JSONL to XML`` (``JsonLinesToXml``) of the
  whole feed, each record validated (syntax and schema, as ``tradestd convert`` does) then
  converted (``--no-convert`` skips them).

The conversion ratios compare with converting the same records as separate files (the
JSON Lines to XML direction against the XML to JSON baseline, there being no JSON files
of the same records at hand).

* ``stream -j N`` (``--jobs N``): the feed through ``validate --record -j N``; its
  wall-clock time is compared with ``stream validate`` and its verdicts must be identical
  (its CPU time is the parent's and the workers' together).

Targets: peak RSS under 300 MB for a 1 GB feed, and stream throughput (records/s) at no
less than 0.8x the files baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
TARGET_RECORD = 16 * 1024
ITEM = "GovernmentAgencyGoodsItem"
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    factor = UNITS.get(text[-1:], 1)
    return int(float(text[:-1] if text[-1:] in UNITS else text) * factor)


# --------------------------------------------------------------------------- the feed


def _local(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if etree.QName(c).localname == name), None)


def _grow(root: etree._Element) -> None:
    """Repeat the last goods item up to ~16 KB, keeping the totals and numbering right."""
    items = list(root.iter(f"{{*}}{ITEM}"))
    if not items:
        return
    parent, last = items[-1].getparent(), items[-1]
    copies = 0
    while len(etree.tostring(root)) < TARGET_RECORD and len(items) < 999:
        parent.insert(parent.index(last) + 1, etree.fromstring(etree.tostring(last)))
        items.append(last)
        copies += 1
    for number, item in enumerate(parent.iterchildren(last.tag), start=1):
        sequence = _local(item, "SequenceNumeric")
        if sequence is not None:
            sequence.text = str(number)
    packages = sum(Decimal(q.text or 0) for q in root.iter("{*}QuantityQuantity")
                   if etree.QName(q.getparent()).localname == "Packaging")
    for name, value in (("GoodsItemQuantity", lambda old: len(items)),
                        ("TotalPackageQuantity", lambda old: packages),
                        ("TotalGrossMassMeasure", lambda old: old * (copies + 1))):
        element = _local(root, name)
        if element is not None and element.text:
            element.text = str(value(Decimal(element.text)))


def _scaled(path: Path, record_tags: set[str], validator: Any) -> bytes | None:
    """A fixture as one valid record of about 16 KB (as it is when growing it breaks a
    rule), or None when it is not a bare record."""
    from tradestd.intake import new_parser

    data = path.read_bytes()
    root = etree.fromstring(data, new_parser())
    if root.tag not in record_tags:
        return None
    _grow(root)
    grown = etree.tostring(root, encoding="UTF-8")
    if validator.validate(grown).issues:
        print(f"  {path.name}: growing it breaks a rule; used as it is", file=sys.stderr)
        return etree.tostring(etree.fromstring(data, new_parser()), encoding="UTF-8")
    return grown


def templates(directory: Path) -> list[bytes]:
    from tradestd.registry import bundled_registry

    tags = {t.record or t.root for t in bundled_registry()}
    validator = _validator()
    found = [_scaled(p, tags, validator) for p in sorted(directory.glob("*.xml"))]
    records = [r for r in found if r is not None and not validator.validate(r).issues]
    if not records:
        sys.exit(f"no valid bare record among the fixtures in {directory}")
    return records


def with_invalid(records: list[bytes], every: int) -> list[bytes]:
    """Every ``every``-th record breaks a business rule (a wrong GoodsItemQuantity), to
    measure what records with issues cost; 0 keeps every record valid."""
    if every <= 0:
        return records
    template = next(r for r in records if b"GoodsItemQuantity>" in r)
    broken = template.replace(b"GoodsItemQuantity>", b"GoodsItemQuantity>9", 1)
    return [broken if index % every == 0 else records[index % len(records)]
            for index in range(every * len(records))]


def _records(records: list[bytes]) -> Iterator[bytes]:
    while True:
        yield from records


def write_feed(path: Path, records: list[bytes], size: int) -> int:
    count = 0
    with path.open("wb", buffering=1 << 20) as out:
        written = out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<Batch>\n')
        for record in _records(records):
            if written >= size:
                break
            written += out.write(record + b"\n")
            count += 1
        out.write(b"</Batch>\n")
    return count


def write_files(directory: Path, records: list[bytes], count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, record in zip(range(count), _records(records)):
        path = directory / f"record-{index:06d}.xml"
        path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n' + record + b"\n")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- children


def _peak_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])


class _Clock:
    """Wall and CPU time of the measured loop (CPU time is what the ratios use: the
    benchmark machine may be shared, and every child runs on one thread)."""

    def __enter__(self) -> Self:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def result(self, records: int, invalid: int) -> dict[str, float]:
        return {"records": records, "invalid": invalid, "seconds": self.wall, "cpu": self.cpu}


def _validator() -> Any:
    """The validator ``tradestd validate`` builds: every layer, bundled rule packs included."""
    from tradestd.batch import ValidatorOptions

    return ValidatorOptions().build()


def child_files(directory: str) -> dict[str, float]:
    validator = _validator()
    paths = sorted(Path(directory).glob("*.xml"))
    validator.validate(paths[0])  # compile the schema set before timing
    with _Clock() as clock:
        invalid = sum(not validator.validate(p).valid for p in paths)
    return clock.result(len(paths), invalid)


def child_files_to_json(directory: str) -> dict[str, float]:
    from tradestd.convert.batch import Converter, Job
    from tradestd.registry import bundled_registry

    converter = Converter(bundled_registry())
    paths = sorted(Path(directory).glob("*.xml"))
    out = Path(directory) / "json"
    out.mkdir(exist_ok=True)
    converter.run(Job(str(paths[0]), out / "warm.json", "json"))
    with _Clock() as clock:
        failed = sum(not converter.run(Job(str(p), out / f"{p.stem}.json", "json")).converted
                     for p in paths)
    return clock.result(len(paths), failed)


def _verdicts(reports: Iterator[Any], digest: Any) -> int:
    """Count invalid records, hashing every verdict and issue so that runs can be compared."""
    invalid = 0
    for r in reports:
        invalid += not r.valid
        digest.update(repr((r.index, r.valid, [(i.code, i.line, i.column, i.path)
                                                for i in r.issues])).encode())
    return invalid


def _timed_stream(stream: Any) -> dict[str, float]:
    """Run a record stream to its end: counts, times and a hash of every verdict."""
    import hashlib

    digest = hashlib.sha256()
    with _Clock() as clock:
        invalid = _verdicts(iter(stream), digest)
    if stream.summary.issues:
        raise SystemExit(f"stream problems: {stream.summary.issues}")
    result = clock.result(stream.summary.records, invalid)
    result["digest"] = int(digest.hexdigest()[:12], 16)
    return result


def child_stream(feed: str) -> dict[str, float]:
    return _timed_stream(_validator().iter_validate(feed))


def child_stream_jobs(argument: str) -> dict[str, float]:
    """``jobs:feed``: the feed through ``validate --record -j jobs`` (worker processes)."""
    import resource

    from tradestd.batch import ValidatorOptions
    from tradestd.stream.parallel import iter_validate_parallel

    jobs, feed = argument.split(":", 1)
    result = _timed_stream(iter_validate_parallel(feed, ValidatorOptions(), jobs=int(jobs)))
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the joined worker processes
    result["cpu"] += workers.ru_utime + workers.ru_stime
    result["worker_peak_kib"] = workers.ru_maxrss
    return result


def _conversion(kind: str, source: str) -> dict[str, float]:
    from tradestd import Validator
    from tradestd.registry import bundled_registry
    from tradestd.stream import record_candidates
    from tradestd.stream.convert import JsonLinesToXml, XmlToJsonLines
    from tradestd.stream.schemaconverter import SchemaConverter

    registry = bundled_registry()
    check = Validator(registry=registry).validate_document  # as `tradestd convert --record`
    converter = SchemaConverter(registry=registry)
    conversion: XmlToJsonLines | JsonLinesToXml
    if kind == "to_json":
        conversion = XmlToJsonLines(source, str(Path(source).with_suffix(".jsonl")), converter,
                                    check, candidates=record_candidates(registry))
    else:
        conversion = JsonLinesToXml(source, str(Path(source).with_suffix(".back.xml")),
                                    converter, check)
    with _Clock() as clock:
        failed = sum(r.failed() for r in conversion)
    if not conversion.summary.written:
        raise SystemExit(f"conversion failed: {conversion.summary.issues[:3]}")
    return clock.result(conversion.summary.records_out, failed)


def child_to_json(feed: str) -> dict[str, float]:
    return _conversion("to_json", feed)


def child_to_xml(jsonl: str) -> dict[str, float]:
    return _conversion("to_xml", jsonl)


CHILDREN = {"files": child_files, "files_to_json": child_files_to_json, "stream": child_stream,
            "stream_jobs": child_stream_jobs, "to_json": child_to_json, "to_xml": child_to_xml}


def run_child(kind: str, argument: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, __file__, "--child", kind, argument],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"{kind} child failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


# --------------------------------------------------------------------------- main


def _row(name: str, result: dict[str, float]) -> str:
    return (f"{name:<16} {int(result['records']):>7,} records ({int(result['invalid']):,} "
            f"invalid) {result['seconds']:>7.2f} s wall "
            f"{result['cpu']:>7.2f} s CPU {_rate(result):>6,.0f} rec/s (CPU)  "
            f"peak RSS {result['peak_kib'] / 1024:>6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="64M", help="feed size, e.g. 64M or 1G")
    parser.add_argument("--files", type=int, default=3000, help="records in the files baseline")
    parser.add_argument("--templates", type=Path,
                        default=ROOT / "fixtures" / "declaration" / "valid")
    parser.add_argument("--workdir", type=Path, help="where to write the feed (default: temp)")
    parser.add_argument("--no-convert", action="store_true", help="measure validation only")
    parser.add_argument("--invalid-every", type=int, default=0, metavar="N",
                        help="make every N-th record invalid (default: all valid)")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="also validate the feed with N worker processes (validate "
                             "--record -j N) and compare wall-clock throughput and verdicts")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, argument = args.child
        result = CHILDREN[kind](argument)
        result["peak_kib"] = _peak_kib()
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as work:
        workdir = Path(work)
        records = with_invalid(templates(args.templates), args.invalid_every)
        feed = workdir / "feed.xml"
        size = parse_size(args.size)
        started = time.perf_counter()
        count = write_feed(feed, records, size)
        print(f"feed: {count:,} records of ~{sum(map(len, records)) // len(records):,} bytes "
              f"from {len(records)} templates, {feed.stat().st_size / 1e6:,.1f} MB "
              f"(written in {time.perf_counter() - started:.1f} s)")
        write_files(workdir / "files", records, min(args.files, count))
        files = run_child("files", str(workdir / "files"))
        stream = run_child("stream", str(feed))
        print(_row("files validate", files))
        print(_row("stream validate", stream))
        results = [("validate", files, stream)]
        if args.jobs > 1:
            parallel = run_child("stream_jobs", f"{args.jobs}:{feed}")
            print(_row(f"stream -j {args.jobs}", parallel))
            same = parallel["digest"] == stream["digest"]
            print(f"validate -j {args.jobs}: wall-clock throughput "
                  f"{stream['seconds'] / parallel['seconds']:.2f}x one process; "
                  f"verdicts and issues {'identical' if same else 'DIFFERENT'}; peak RSS "
                  f"{parallel['peak_kib'] / 1024:.1f} MB parent, "
                  f"{parallel['worker_peak_kib'] / 1024:.1f} MB largest worker")
            if not same:
                sys.exit("the worker processes' reports differ from one process's")
        if not args.no_convert:
            files_json = run_child("files_to_json", str(workdir / "files"))
            to_json = run_child("to_json", str(feed))
            to_xml = run_child("to_xml", str(feed.with_suffix(".jsonl")))
            print(_row("files to JSON", files_json))
            print(_row("stream to JSONL", to_json))
            print(_row("JSONL to XML", to_xml))
            results += [("to JSON Lines", files_json, to_json), ("to XML", files_json, to_xml)]
        for name, baseline, measured in results:
            ratio = _rate(measured) / _rate(baseline)
            print(f"{name}: stream/files throughput {ratio:.2f}x (target >= 0.80), "
                  f"peak RSS {measured['peak_kib'] / 1024:.1f} MB (target < 300 MB)")


def _rate(result: dict[str, float]) -> float:
    return result["records"] / result["cpu"]

if __name__ == "__main__":
    main()
