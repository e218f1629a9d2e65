"""Hostile growth: time and peak memory of inputs built to be expensive, at 1x, 10x, 100x.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_hostile.py [--scales 1,10,100] [--family NAME]

Each family builds one message whose cost an attacker controls with one number (how
many sibling errors, how long a string...). Every size runs in its own child process,
which warms up (compiles the bundled schema sets and both XSD engines on a small
invalid message), then validates the message once with ``tradestd.validate`` (type
detection, schema and rules layers: what ``tradestd validate`` does) and reports the
seconds, its peak RSS (``VmHWM``: ``ru_maxrss`` would start from the forking parent's
RSS; ``ru_maxrss`` where there is no ``/proc``) and the peak above its warm baseline.

Growth is linear when each 10x step costs about 10x the time and memory (the
``t/prev`` and ``mem/prev`` columns; memory above the warm baseline). The baselines are
the family's own 1x figures measured in the same run. ``sibling-errors`` at 100x is the
6 MB message with 1,500,000 unexpected ``<X/>`` siblings of issue 17.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "declaration" / "valid"
SMALL = FIXTURES / "cancellation-nl.xml"  # enveloped; Declaration holds a few children
ITEMS = FIXTURES / "export-be-rail-container.xml"  # two goods items


def _xml(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _sibling_errors(n: int) -> bytes:
    """``n`` unexpected empty siblings: the quadratic second opinion of issue 17."""
    return _xml(SMALL).replace("    <Declarant>", "<X/>" * n + "\n    <Declarant>", 1).encode()


def _spread_errors(n: int) -> bytes:
    """``n`` goods items, each with three distinct errors (a bad number, an unexpected
    element, a bad code), spread over the tree."""
    text = _xml(ITEMS)
    start = text.index("    <GovernmentAgencyGoodsItem>")
    end = text.index("</GovernmentAgencyGoodsItem>", start) + len("</GovernmentAgencyGoodsItem>\n")
    item = (text[start:end]
            .replace("<SequenceNumeric>1</SequenceNumeric>", "<SequenceNumeric>x1</SequenceNumeric>", 1)
            .replace("<Description>", "<Unknown/><Description>", 1)
            .replace("<CountryCode>BE</CountryCode>", "<CountryCode>B3</CountryCode>", 1))
    last = text.index("    <Invoice>")
    return (text[:start] + item * n + text[last:]).encode()


def _deep_nesting(n: int) -> bytes:
    """``n`` branches nested 250 levels deep (the parser's limit is 256)."""
    branch = "<X>" * 250 + "</X>" * 250
    return _xml(SMALL).replace("    <Declarant>", branch * n + "\n    <Declarant>", 1).encode()


def _huge_text(n: int) -> bytes:
    """One text node of ``n`` characters (libxml2 refuses text nodes over 10 MB)."""
    return _xml(SMALL).replace(
        "Order cancelled by the buyer", "Order cancelled by the buyer " + "lorem ipsum " * (n // 12),
        1).encode()


def _many_attributes(n: int) -> bytes:
    """``n`` undeclared attributes on one element."""
    attributes = "".join(f' a{i}="{i}"' for i in range(n))
    return _xml(SMALL).replace("<Declaration ", f"<Declaration{attributes} ", 1).encode()


def _many_namespaces(n: int) -> bytes:
    """``n`` namespace declarations on the root, and one error (so both engines run)."""
    declarations = "".join(f' xmlns:p{i}="urn:tradestd:hostile:{i}"' for i in range(n))
    text = _xml(SMALL).replace("<MetaData ", f"<MetaData{declarations} ", 1)
    return text.replace("    <Declarant>", "    <X/>\n    <Declarant>", 1).encode()


def _json_base() -> dict[str, object]:
    from tradestd.registry import bundled_registry

    schema_set = bundled_registry().get("wco-declaration").schema_set()
    return json.loads(schema_set.to_json(ITEMS.read_bytes()))  # type: ignore[no-any-return]


def _json_long_string(n: int) -> bytes:
    """One string value of ``n`` characters (longer than its type allows)."""
    data = _json_base()
    data["Declaration"]["FunctionalReferenceID"] = {"value": "x" * n}  # type: ignore[index]
    return json.dumps(data).encode()


def _json_huge_number(n: int) -> bytes:
    """One number written with ``n`` digits where an integer is expected."""
    text = json.dumps(_json_base())
    return re.sub(r'"GoodsItemQuantity": \d+', '"GoodsItemQuantity": 0.' + "1" * n, text,
                  count=1).encode()


def _json_array_items(n: int) -> bytes:
    """An array of ``n`` items, each of the wrong type (one issue per item)."""
    data = _json_base()
    marker = "__items__"
    data["Declaration"]["Consignment"]["Itinerary"] = marker  # type: ignore[index]
    return json.dumps(data).replace(f'"{marker}"', "[" + ",".join(["0"] * n) + "]").encode()


@dataclass(frozen=True)
class Family:
    name: str
    build: Callable[[int], bytes]
    unit: int  # the size parameter at 1x
    suffix: str = ".xml"


FAMILIES = (
    Family("sibling-errors", _sibling_errors, 15_000),
    Family("spread-errors", _spread_errors, 40),
    Family("deep-nesting", _deep_nesting, 40),
    Family("huge-text", _huge_text, 90_000),
    Family("many-attributes", _many_attributes, 2_000),
    Family("many-namespaces", _many_namespaces, 2_000),
    Family("json-long-string", _json_long_string, 500_000, ".json"),
    Family("json-huge-number", _json_huge_number, 50_000, ".json"),
    Family("json-array-items", _json_array_items, 20_000, ".json"),
)

_WARM = b'<Declaration xmlns="urn:tradestd:wco:declaration:1.0"><X/></Declaration>'

_CHILD = """
import json, re, resource, sys, time
import tradestd

def peak_kb():
    # VmHWM is this process's own peak; ru_maxrss starts from the forking parent's RSS
    try:
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

tradestd.validate({warm!r})  # compile the schema sets and both engines first
base = peak_kb()
start = time.perf_counter()
report = tradestd.validate(sys.argv[1])
seconds = time.perf_counter() - start
peak = peak_kb()
print(json.dumps({{"seconds": seconds, "peak_kb": peak, "base_kb": base,
                  "issues": len(report.issues), "valid": report.valid,
                  "longest_message": max((len(i.message) for i in report.issues), default=0),
                  "codes": sorted({{i.code for i in report.issues}})}}))
"""


def measure(data: bytes, suffix: str, timeout: float = 600) -> dict[str, object]:
    """Validate ``data`` in a fresh child process; its seconds and peak RSS."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"message{suffix}"
        path.write_bytes(data)
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        done = subprocess.run([sys.executable, "-c", _CHILD.format(warm=_WARM), str(path)],
                              capture_output=True, text=True, env=env, timeout=timeout,
                              check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def _mb(kb: object) -> float:
    assert isinstance(kb, int)
    return kb / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="sizes as multiples of 1x")
    parser.add_argument("--family", action="append", help="only these families (repeatable)")
    parser.add_argument("--unit", type=float, default=1.0,
                        help="multiply every family's 1x size (smoke runs use 0.01)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds one case may run (then the larger sizes are skipped)")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    chosen = [f for f in FAMILIES if not args.family or f.name in args.family]
    print(f"{'family':<18}{'scale':>6}{'n':>11}{'bytes':>13}{'seconds':>9}{'t/prev':>8}"
          f"{'peak MB':>9}{'+MB':>8}{'mem/prev':>9}{'issues':>9}{'longest':>8}")
    for family in chosen:
        previous: tuple[float, float] | None = None
        for scale in scales:
            n = max(1, int(family.unit * args.unit * scale))
            data = family.build(n)
            try:
                result = measure(data, family.suffix, args.timeout)
            except subprocess.TimeoutExpired:
                print(f"{family.name:<18}{scale:>5}x{n:>11,}{len(data):>13,}"
                      f"  still running after {args.timeout:,.0f} s: stopped", flush=True)
                break
            seconds = float(result["seconds"])  # type: ignore[arg-type]
            peak = _mb(result["peak_kb"])
            grown = max(peak - _mb(result["base_kb"]), 0.1)
            ratio = f"{seconds / previous[0]:.1f}x" if previous else "-"
            mem = f"{grown / previous[1]:.1f}x" if previous else "-"
            print(f"{family.name:<18}{scale:>5}x{n:>11,}{len(data):>13,}{seconds:>9.2f}"
                  f"{ratio:>8}{peak:>9.0f}{grown:>8.0f}{mem:>9}{result['issues']:>9,}"
                  f"{result['longest_message']:>8}", flush=True)
            previous = (seconds, grown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
