"""Runs every workload: scratchlearn in this process, scikit-learn too, and scikit-learn-intelex (when
asked for and installed) in a separate process, since it patches scikit-learn globally. That process
is started once and kept: each workload is timed on the three sides one after the other, so a
busy spell of the machine falls on all of them alike; ``rounds`` repeats the three in turn and
keeps each side's median."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import pkgutil
import platform
import subprocess
import sys
import tempfile
import time

from ._common import time_call

PEERS = ("sklearn", "sklearnex")


def discover(quick=False, only=None):
    """All workloads of every family module, filtered by ``only`` (names or name prefixes or
    family names, comma-separated)."""
    from . import __path__ as bench_path

    loads = []
    for info in sorted(pkgutil.iter_modules(bench_path), key=lambda i: i.name):
        if not info.name.startswith("_") or info.name.startswith("__") or info.name == "_common":
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        if hasattr(module, "workloads"):
            loads.extend(module.workloads(quick))
    if only:
        keys = [k.strip() for k in only.split(",") if k.strip()]
        loads = [w for w in loads if any(w.name == k or w.name.startswith(k) or w.family == k for k in keys)]
    return loads


def _have(module):
    return importlib.util.find_spec(module) is not None


# Pause before timing a side: BLAS libraries keep their worker threads spinning for a while after
# a call (OpenBLAS about 2^28 cycles, ~0.1 s), and on a small machine those spinning threads would
# steal the cores from whatever is timed next.
SETTLE_SECONDS = 0.3


def _run_side(w, data, side):
    prepare = w.prepare_ours if side == "ours" else w.prepare_peer
    fn = w.ours if side == "ours" else w.peer
    state = prepare(data) if prepare else None
    time.sleep(SETTLE_SECONDS)
    fn(data, state)  # warm-up (first-call costs: imports, thread pools, page faults)
    time.sleep(SETTLE_SECONDS)
    seconds, result = time_call(fn, data, state, w.repeats)
    return seconds, float(w.score(data, result))


_RESULT = "@@RESULT@@"


class _PeerServer:
    """The scikit-learn-intelex side in its own process, kept for the whole run: it reads workload
    names on stdin and answers each with one result line, ``[seconds, score]`` or
    ``[None, None, error]``. ``patch=False`` runs plain scikit-learn there (the runner's tests)."""

    def __init__(self, quick, python, patch=True):
        code = (
            "import json, sys\n"
            + ("from sklearnex import patch_sklearn\npatch_sklearn()\n" if patch else "")
            + "from scratchlearn.bench.runner import _serve\n"
            f"_serve({quick!r})\n"
        )
        env = dict(os.environ)
        env.setdefault("PYTHONWARNINGS", "ignore")
        # stderr to a file, read only when the process fails (a pipe nobody reads could fill up
        # with warnings and stall it)
        self._err = tempfile.TemporaryFile(mode="w+")
        self._proc = subprocess.Popen([python, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._err, text=True, bufsize=1, env=env)

    def time(self, name):
        if self._proc.poll() is None:
            try:
                self._proc.stdin.write(name + "\n")
                self._proc.stdin.flush()
                for line in self._proc.stdout:
                    if line.startswith(_RESULT):
                        return json.loads(line[len(_RESULT):])
            except (BrokenPipeError, OSError):
                pass
        self._proc.wait()
        self._err.seek(0)
        raise RuntimeError(f"the scikit-learn-intelex process failed:\n{self._err.read()[-2000:]}")

    def close(self):
        if self._proc.poll() is None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._err.close()


def _serve(quick):
    """The peer process's loop (see _PeerServer): the workloads found once, each one's data set up
    once however many rounds ask for it."""
    loads = {w.name: w for w in discover(quick)}
    last = (None, None)
    for line in sys.stdin:
        name = line.strip()
        w = loads.get(name)
        if w is None:
            out = [None, None, f"no workload {name!r}"]
        else:
            try:
                if last[0] != name:
                    last = (name, w.setup())
                out = list(_run_side(w, last[1], "peer"))
            except Exception as e:  # a peer that cannot run a workload is reported, not fatal
                out = [None, None, f"{type(e).__name__}: {e}"]
        print(_RESULT + json.dumps(out), flush=True)


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def run(quick=False, only=None, peers=("sklearn",), peer_python=None, progress=True, rounds=1,
        _patch=True):
    """Run the suite; returns a list of result dicts. Each workload is timed on every side in turn,
    ``rounds`` times over (each side's figure: the median of its rounds' medians)."""
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    loads = discover(quick, only)
    have_sklearn = _have("sklearn")
    peers = [p for p in peers if p in PEERS]
    if "sklearn" in peers and not have_sklearn:
        print("scikit-learn is not installed: timing scratchlearn alone "
              "(pip install 'scratchlearn[bench]' for the comparison).", file=sys.stderr)
        peers = [p for p in peers if p != "sklearn"]
    if "sklearnex" in peers and not (peer_python or _have("sklearnex")):
        print("scikit-learn-intelex is not installed: leaving its column out "
              "(pip install scikit-learn-intelex).", file=sys.stderr)
        peers = [p for p in peers if p != "sklearnex"]

    server = None
    if "sklearnex" in peers and loads:
        server = _PeerServer(quick, peer_python or sys.executable, patch=_patch)
    results = []
    try:
        for i, w in enumerate(loads, 1):
            if progress:
                print(f"[{i}/{len(loads)}] {w.name}: {w.description} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            data = w.setup()
            row = {"name": w.name, "family": w.family, "description": w.description, "metric": w.metric}
            times = {"ours": [], "sklearn": [], "sklearnex": []}
            for _ in range(rounds):
                s_, row["ours_score"] = _run_side(w, data, "ours")
                times["ours"].append(s_)
                if "sklearn" in peers:
                    s_, row["sklearn_score"] = _run_side(w, data, "peer")
                    times["sklearn"].append(s_)
                if server is not None:
                    got = server.time(w.name)
                    if got[0] is None:
                        row["sklearnex_error"] = got[2] if len(got) > 2 else "failed"
                    else:
                        times["sklearnex"].append(got[0])
                        row["sklearnex_score"] = got[1]
            for side, ts in times.items():
                if ts:
                    row[f"{side}_s"] = _median(ts)
                    if rounds > 1:
                        row[f"{side}_rounds_s"] = ts
            if rounds > 1:
                row["rounds"] = rounds
            if "flops" in w.extra:
                row["flops"] = w.extra["flops"]
            if callable(w.extra.get("gemm_alone")):
                row["gemm_alone_gflops"] = w.extra["gemm_alone"]()
            results.append(row)
            if progress:
                print(f"      done in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    finally:
        if server is not None:
            server.close()
    return results


def _fmt_s(s):
    if s is None:
        return "-"
    return f"{s * 1e3:.1f}ms" if s < 1 else f"{s:.2f}s"


def _fmt_q(q):
    if q is None:
        return "-"
    return f"{q:.6g}"


def format_table(results, peers):
    peers = [p for p in peers if any(f"{p}_s" in r for r in results)]
    head = ["workload", "scratchlearn"]
    for p in peers:
        head += [p, f"speedup vs {p}"]
    head += ["metric", "score (ours)"] + [f"score ({p})" for p in peers]
    rows = []
    for r in results:
        line = [r["name"], _fmt_s(r["ours_s"])]
        for p in peers:
            ps = r.get(f"{p}_s")
            line += [_fmt_s(ps), f"{ps / r['ours_s']:.2f}x" if ps else "-"]
        line += [r["metric"], _fmt_q(r["ours_score"])] + [_fmt_q(r.get(f"{p}_score")) for p in peers]
        rows.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    fmt = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    lines = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
    gflop = [r for r in results if "flops" in r]
    if gflop:
        lines.append("")
        lines.append("GFLOP/s: " + "; ".join(
            f"{r['name']}: ours {r['flops'] / r['ours_s'] / 1e9:.1f}"
            + "".join(f", {p} {r['flops'] / r[f'{p}_s'] / 1e9:.1f}" for p in peers if r.get(f"{p}_s"))
            + (f" (our GEMM alone on its layer shapes: {r['gemm_alone_gflops']:.1f})"
               if r.get("gemm_alone_gflops") else "")
            for r in gflop))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m scratchlearn.bench",
        description="Time scratchlearn against scikit-learn (and scikit-learn-intelex) side by side.",
    )
    parser.add_argument("--quick", action="store_true", help="small data: about a minute in all")
    parser.add_argument("--only", default=None, help="comma-separated workload names, prefixes or families")
    parser.add_argument("--json", default=None, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--peers", default="sklearn", help="comma-separated: sklearn, sklearnex")
    parser.add_argument("--peer-python", default=None, metavar="PATH",
                        help="interpreter for the scikit-learn-intelex process (default: this one)")
    parser.add_argument("--rounds", type=int, default=1, metavar="N",
                        help="time every side N times in turn and keep each side's median (a noisy machine)")
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument("--plot", default=None, metavar="PATH",
                        help="also write the speedup chart (needs matplotlib)")
    args = parser.parse_args(argv)

    if args.list:
        for w in discover(args.quick, args.only):
            print(f"{w.name:28s} {w.family:16s} {w.description}")
        return 0
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    bad = [p for p in peers if p not in PEERS]
    if bad:
        parser.error(f"unknown peer(s) {bad}; choose from {list(PEERS)}")
    if args.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {args.rounds}")

    from .. import _config

    cfg = _config.config_dict()
    print(f"scratchlearn bench on {platform.machine()} ({os.cpu_count()} CPUs), "
          f"threads={cfg.get('threads')}, " + ", ".join(f"{k}={v}" for k, v in cfg.items() if k != "threads"))
    results = run(quick=args.quick, only=args.only, peers=peers, peer_python=args.peer_python,
                  rounds=args.rounds)
    if not results:
        print("no workload matched", file=sys.stderr)
        return 1
    print(format_table(results, peers))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"config": cfg, "quick": args.quick, "rounds": args.rounds, "results": results}, f, indent=2)
        print(f"wrote {args.json}")
    if args.plot:
        from .plot import plot_speedups

        plot_speedups(results, peers, args.plot)
        print(f"wrote {args.plot}")
    return 0
