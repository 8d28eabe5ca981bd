#!/usr/bin/env python3
"""Matmul peer for bench/matmul.ts: PyTorch float32 GFLOP/s on the same shapes, with 1 and 2 threads.

Usage: matmul.py '<json list of {"name", "m", "n", "k", "transA", "transB", "batch"?}>' [min_seconds]
Prints one JSON object: {"torch": version, "results": {name: {"1": gflops, "2": gflops}}}.
A missing torch prints {"error": "..."} and exits 0 so the caller can skip with a message.
"""
import json
import sys
import time

try:
    import torch
except Exception as exc:  # noqa: BLE001 - any import failure means "no peer"
    print(json.dumps({"error": f"torch unavailable: {exc}"}))
    sys.exit(0)


def operands(s):
    g = torch.Generator().manual_seed(1)
    m, n, k, batch = s["m"], s["n"], s["k"], s.get("batch", 1)
    lead = (batch,) if batch > 1 else ()
    # Stored layouts as in Resonate: A is k×m when transA (used transposed), B is n×k when transB.
    a = torch.rand(lead + ((k, m) if s["transA"] else (m, k)), generator=g, dtype=torch.float32)
    b = torch.rand(lead + ((n, k) if s["transB"] else (k, n)), generator=g, dtype=torch.float32)
    op_a = a.transpose(-1, -2) if s["transA"] else a
    op_b = b.transpose(-1, -2) if s["transB"] else b
    return op_a, op_b, torch.empty(lead + (m, n), dtype=torch.float32)


def gflops(s, min_seconds, clock):
    a, b, c = operands(s)
    flops = 2.0 * s["m"] * s["n"] * s["k"] * s.get("batch", 1)
    torch.matmul(a, b, out=c)
    reps = 1
    while True:  # grow the batch until it lasts ≥ 1/5 of the budget
        t0 = clock()
        for _ in range(reps):
            torch.matmul(a, b, out=c)
        dt = clock() - t0
        if dt >= min_seconds / 5:
            break
        reps *= 2
    times = [dt / reps]
    for _ in range(4):
        t0 = clock()
        for _ in range(reps):
            torch.matmul(a, b, out=c)
        times.append((clock() - t0) / reps)
    return flops / min(times) / 1e9  # best batch, as bench/matmul.ts does


def main():
    shapes = json.loads(sys.argv[1])
    min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    results = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for s in shapes:
            # One thread: process CPU time (a descheduled thread accrues none on a shared machine), as ours;
            # two threads: wall time, since elapsed time is the point of threads.
            clock = time.process_time if threads == 1 else time.perf_counter
            results.setdefault(s["name"], {})[str(threads)] = gflops(s, min_seconds, clock)
    print(json.dumps({"torch": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
