"""HTTP serving: N concurrent clients post real declarations to a loopback ``tradestd
serve`` for a bounded time, against the in-process library on the same messages.

    PYTHONPATH=src python benchmarks/bench_serve.py [--clients 8] [--seconds 20] [--workers 1]

Messages: the accepted uk-cds declarations (``../shared/corpora/uk-cds``, a national WCO DM
3.6 implementation, envelope + payload XSDs served as the schema set ``cds`` with the
``wco`` rule pack), or the bundled valid declarations when the corpora are absent.

Baseline (same messages, same run): the library in this process, one thread, the same
``Validator`` the server builds (all layers), no HTTP; timed before and after the HTTP
run, the better of the two counts. The server runs as its own process
(``python -m tradestd serve``); the clients are threads in this process, keep-alive
connections, each posting the messages round-robin until the time is up. Printed:
throughput of each and their ratio, p50/p99 latency, the server's peak RSS (VmHWM), and
errors: any answer that is not HTTP 200 with the expected verdict (want zero), and the
CPU time per message of the server's processes against the library's (the HTTP overhead,
which a busy shared machine distorts less than wall-clock throughput).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tradestd.serve.catalog import Catalog
from tradestd.serve.settings import ServeSettings

ROOT = Path(__file__).resolve().parents[1]


def _corpus() -> tuple[dict[str, tuple[str, ...]], str | None, list[tuple[str, bytes]]]:
    """(schema sets, schema name or None to detect, [(name, bytes)])."""
    override = os.environ.get("TRADESTD_CORPORA")
    corpora = Path(override) if override else next(
        (b / "shared" / "corpora" for b in (ROOT.parent, ROOT.parent.parent)
         if (b / "shared" / "corpora").is_dir()), ROOT.parent / "shared" / "corpora")
    cases_file = corpora / "uk-cds" / "cases.json"
    if cases_file.is_file():
        folder = cases_file.parent
        cases = [c for c in json.loads(cases_file.read_text(encoding="utf-8"))["cases"]
                 if c["kind"] == "dec" and c["expect"] == "valid"]
        xsd = tuple(str(folder / x) for x in cases[0]["xsd"])
        return {"cds": xsd}, "cds", [(c["xml"], (folder / c["xml"]).read_bytes())
                                     for c in cases]
    files = sorted((ROOT / "fixtures" / "declaration" / "valid").glob("*.xml"))
    return {}, None, [(f.name, f.read_bytes()) for f in files]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _in_process(settings: ServeSettings, schema: str | None, messages: list[tuple[str, bytes]],
                seconds: float) -> tuple[float, float, list[bool]]:
    """Messages per second, CPU seconds per message, verdicts."""
    catalog = Catalog(settings)
    validator = catalog.validator(catalog.target(schema), ["wco"] if schema else [])
    verdicts = [validator.validate(data).valid for _, data in messages]  # warm-up
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for _, data in messages:
            validator.validate(data)
        done += len(messages)
    return done / (time.perf_counter() - start), (time.process_time() - cpu) / done, verdicts


def _tree(pid: int) -> list[int]:
    """The process and its children (``--workers N`` runs N worker processes)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (Linux /proc), NaN elsewhere."""
    total = 0.0
    try:
        for member in _tree(pid):
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")
    return total


def _connection(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection that sends at once, as HTTP clients do (http.client writes
    headers and body separately: with Nagle's algorithm the body would wait for the
    server's delayed ACK, 40 ms a request)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.connect()
    assert conn.sock is not None
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def _client(port: int, query: str, messages: list[tuple[str, bytes]], expected: list[bool],
            stop: float, offset: int, latencies: list[float], errors: list[str]) -> None:
    conn = _connection(port)
    index = offset
    while time.perf_counter() < stop:
        name, data = messages[index % len(messages)]
        start = time.perf_counter()
        try:
            conn.request("POST", f"/v1/validate?{query}&name=m", body=data,
                         headers={"Content-Type": "application/xml"})
            answer = conn.getresponse()
            body = answer.read()
            latencies.append(time.perf_counter() - start)
            if answer.status != 200:
                errors.append(f"{name}: HTTP {answer.status} {body[:200]!r}")
            elif json.loads(body)["results"][0]["valid"] != expected[index % len(messages)]:
                errors.append(f"{name}: verdict differs from the library's")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
            conn.close()
            conn = _connection(port)
        index += 1
    conn.close()


def _peak_rss_mb(pid: int) -> float:
    """The largest peak RSS (VmHWM) among the server's processes."""
    peaks = []
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return max(peaks, default=float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-active", type=int, default=2)
    parser.add_argument("--no-isolate", action="store_true",
                        help="serve --no-isolate: checks in the server's worker threads")
    args = parser.parse_args()
    sets, schema, messages = _corpus()
    settings = ServeSettings(schema_sets=sets)
    library_rate, library_cpu, expected = _in_process(settings, schema, messages,
                                                      min(args.seconds, 10))

    port = _free_port()
    command = [sys.executable, "-m", "tradestd", "serve", "--no-config", "--port", str(port),
               "--workers", str(args.workers), "--max-active", str(args.max_active),
               "--max-queued", str(args.clients)] + (["--no-isolate"] if args.no_isolate else [])
    command += [a for name, files in sets.items() for a in ("--schema-set",
                                                              f"{name}={','.join(files)}")]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print("ERROR: the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        query = f"schema={schema}&rules=wco" if schema else "x=1"
        latencies: list[float] = []
        errors: list[str] = []
        server_cpu = _cpu_seconds(server.pid)
        start = time.perf_counter()
        stop = start + args.seconds
        threads = [threading.Thread(target=_client, args=(port, query, messages, expected, stop,
                                                          i * 7, latencies, errors))
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - start
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            healthy = json.loads(answer.read())["status"] == "ok"
        rss = _peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    # the baseline again, after: the better of the two (a shared machine's load varies)
    again, cpu, _ = _in_process(settings, schema, messages, min(args.seconds, 10))
    library_rate, library_cpu = max(library_rate, again), min(library_cpu, cpu)
    rate = len(latencies) / took
    ordered = sorted(latencies) or [float("nan")]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    size = statistics.mean(len(d) for _, d in messages) / 1024
    source = "uk-cds declarations" if schema else "bundled declarations (no corpora)"
    print(f"{len(messages)} {source}, {size:.1f} KB average; {args.clients} clients for "
          f"{args.seconds:g} s; server: {args.workers} process(es) x {args.max_active} "
          f"threads{'' if args.no_isolate else ' (each with its worker process)'}; "
          f"{os.cpu_count()} CPUs")
    print(f"in-process library, 1 thread (baseline): {library_rate:8.1f} msg/s")
    print(f"HTTP, {args.clients} clients:                 {rate:8.1f} msg/s  "
          f"({rate / library_rate:.2f}x the library)")
    per_request = server_cpu / max(len(latencies), 1)
    print(f"CPU per message: server {per_request * 1000:.2f} ms (all its processes), library "
          f"{library_cpu * 1000:.2f} ms ({per_request / library_cpu:.2f}x; less sensitive to "
          "other load on the machine than wall-clock figures)")
    print(f"latency: p50 {statistics.median(ordered) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms over {len(latencies)} requests")
    print(f"server peak RSS (VmHWM{', largest process' if args.workers > 1 else ''}): "
          f"{rss:.0f} MB")
    print(f"errors: {len(errors)}; healthy afterwards: {healthy}")
    for line in errors[:5]:
        print("  " + line)
    return 0 if not errors and healthy else 1


if __name__ == "__main__":
    sys.exit(main())
