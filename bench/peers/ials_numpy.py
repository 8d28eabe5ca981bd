"""NumPy/SciPy peer of Resonate's mf/ials: the same conjugate-gradient implicit ALS (Hu et al. 2008 with the
CG solver of Takacs et al. 2011, as implicit's `_als.least_squares_cg`), vectorised over all rows at once.

Usage: python3 ials_numpy.py DIR FACTORS ITERATIONS REGULARIZATION CG_STEPS SEED
DIR holds what bench/recsys.ts wrote: meta.json, indptr.i32, indices.i32, conf.f32 (users x items
confidences c_ui), test_users.i32, test_indptr.i32, test_items.i32, test_sizes.i32. Prints one JSON line:
{"fit_seconds": ..., "fit_cpu_seconds": ..., "ndcg10": ..., "threads": ...}.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp


def read(directory, name, dtype):
    return np.fromfile(os.path.join(directory, name), dtype=dtype)


def cg_half(c_ui, x, y, reg, steps):
    """Updates every row of x in place against fixed y: `steps` CG steps on
    (YtY + reg I + sum_i (c_i - 1) y_i y_i^T) x_u = sum_i c_i y_i, warm-started from x."""
    rows, f = x.shape
    gram = y.T @ y + reg * np.eye(f, dtype=np.float32)
    row_of = np.repeat(np.arange(rows), np.diff(c_ui.indptr))
    y_nz = y[c_ui.indices]  # nnz x f
    c = c_ui.data

    def weighted(v):
        # sum_i w_i y_i for every row, as a sparse (rows x items) product with Y
        return sp.csr_matrix((v, c_ui.indices, c_ui.indptr), shape=c_ui.shape) @ y

    d = np.einsum("nf,nf->n", y_nz, x[row_of])
    r = -x @ gram + weighted(c - (c - 1) * d)
    p = r.copy()
    rsold = np.einsum("nf,nf->n", r, r)
    active = rsold >= 1e-20
    for _ in range(steps):
        if not active.any():
            break
        ap = p @ gram + weighted((c - 1) * np.einsum("nf,nf->n", y_nz, p[row_of]))
        pap = np.einsum("nf,nf->n", p, ap)
        alpha = np.where(active, rsold / np.where(active, pap, 1), 0).astype(np.float32)
        x += alpha[:, None] * p
        r -= alpha[:, None] * ap
        rsnew = np.einsum("nf,nf->n", r, r)
        active &= rsnew >= 1e-20
        beta = np.where(active, rsnew / np.where(rsold > 0, rsold, 1), 0).astype(np.float32)
        p = r + beta[:, None] * p
        rsold = rsnew
    empty = np.diff(c_ui.indptr) == 0
    x[empty] = 0


def main():
    directory, factors, iterations, reg, steps, seed = sys.argv[1:7]
    factors, iterations, steps, seed, reg = int(factors), int(iterations), int(steps), int(seed), float(reg)
    meta = json.load(open(os.path.join(directory, "meta.json")))
    n_users, n_items = meta["users"], meta["items"]
    c_ui = sp.csr_matrix(
        (read(directory, "conf.f32", np.float32), read(directory, "indices.i32", np.int32), read(directory, "indptr.i32", np.int32)),
        shape=(n_users, n_items),
    )
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    cpu_start = time.process_time()
    c_iu = c_ui.T.tocsr()
    x = (rng.random((n_users, factors), dtype=np.float32) * 0.01).astype(np.float32)
    y = (rng.random((n_items, factors), dtype=np.float32) * 0.01).astype(np.float32)
    for _ in range(iterations):
        cg_half(c_ui, x, y, reg, steps)
        cg_half(c_iu, y, x, reg, steps)
    fit_seconds = time.perf_counter() - start
    fit_cpu_seconds = time.process_time() - cpu_start

    users = read(directory, "test_users.i32", np.int32)
    t_indptr = read(directory, "test_indptr.i32", np.int32)
    t_items = read(directory, "test_items.i32", np.int32)
    sizes = read(directory, "test_sizes.i32", np.int32)
    discounts = 1 / np.log2(np.arange(2, 12))
    total = 0.0
    for start_row in range(0, len(users), 256):
        batch = users[start_row:start_row + 256]
        scores = x[batch] @ y.T
        for j, u in enumerate(batch):
            scores[j, c_ui.indices[c_ui.indptr[u]:c_ui.indptr[u + 1]]] = -np.inf
        top = np.argpartition(-scores, 10, axis=1)[:, :10]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        for j in range(len(batch)):
            k = start_row + j
            rel = set(t_items[t_indptr[k]:t_indptr[k + 1]].tolist())
            dcg = sum(discounts[r] for r, item in enumerate(top[j]) if int(item) in rel)
            idcg = discounts[: min(10, int(sizes[k]))].sum()
            total += dcg / idcg
    print(json.dumps({"fit_seconds": fit_seconds, "fit_cpu_seconds": fit_cpu_seconds, "ndcg10": total / len(users), "threads": os.cpu_count()}))


if __name__ == "__main__":
    main()
