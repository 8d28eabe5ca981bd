"""NumPy peer of Resonate's `ease` (Steck 2019): G = X^T X + lambda I, P = G^-1, B = -P / diag(P), diag(B) = 0.

Usage: python3 ease_numpy.py DIR LAMBDA
DIR holds what bench/recsys.ts wrote (see ials_numpy.py); X is the binary pattern of the training matrix.
Prints one JSON line: {"fit_seconds": ..., "fit_cpu_seconds": ..., "ndcg10": ...}.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp


def read(directory, name, dtype):
    return np.fromfile(os.path.join(directory, name), dtype=dtype)


def main():
    directory, lam = sys.argv[1], float(sys.argv[2])
    meta = json.load(open(os.path.join(directory, "meta.json")))
    indptr, indices = read(directory, "indptr.i32", np.int32), read(directory, "indices.i32", np.int32)
    x = sp.csr_matrix((np.ones(len(indices), dtype=np.float64), indices, indptr), shape=(meta["users"], meta["items"]))
    start, cpu_start = time.perf_counter(), time.process_time()
    g = (x.T @ x).toarray()
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0
    fit_seconds, fit_cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    users = read(directory, "test_users.i32", np.int32)
    t_indptr = read(directory, "test_indptr.i32", np.int32)
    t_items = read(directory, "test_items.i32", np.int32)
    sizes = read(directory, "test_sizes.i32", np.int32)
    discounts = 1 / np.log2(np.arange(2, 12))
    scores = np.asarray(x[users] @ b)
    for j, u in enumerate(users):
        scores[j, indices[indptr[u]:indptr[u + 1]]] = -np.inf
    top = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    total = 0.0
    for k in range(len(users)):
        rel = set(t_items[t_indptr[k]:t_indptr[k + 1]].tolist())
        dcg = sum(discounts[r] for r, item in enumerate(top[k]) if int(item) in rel)
        total += dcg / discounts[: min(10, int(sizes[k]))].sum()
    print(json.dumps({"fit_seconds": fit_seconds, "fit_cpu_seconds": fit_cpu_seconds, "ndcg10": total / len(users)}))


if __name__ == "__main__":
    main()
