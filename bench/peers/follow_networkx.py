"""networkx peer of Resonate's who-to-follow heuristics on the same link-prediction splits.

Usage: python3 follow_networkx.py DIR K
DIR holds what bench/who-to-follow.ts wrote for one seed: meta.json {"users": n}, the training graph's edges
(train_src.i32, train_dst.i32, every follow; a friendship appears both ways), the evaluated users (users.i32) and
their hidden follows (hidden_indptr.i32, hidden_indices.i32). The training graph is read as an undirected
nx.Graph (the Last.fm friendships are mutual). For each evaluated user u, the candidates are the accounts u does
not follow; common neighbours and Adamic-Adar (nx.common_neighbors, nx.adamic_adar_index) score the accounts two
hops away, personalized PageRank is nx.pagerank(G, alpha=0.85, personalization={u: 1}). Accounts with score 0 are
not suggested; ties break toward the smaller index (as Resonate).
Prints one JSON line per method: {"method", "recall", "ndcg", "mrr", "seconds"} at K.
"""
import json
import math
import os
import sys
import time

import networkx as nx
import numpy as np


def read(directory, name):
    return np.fromfile(os.path.join(directory, name), dtype=np.int32)


def metrics(top, relevant, k):
    hits = [r for r, v in enumerate(top[:k]) if v in relevant]
    dcg = sum(1 / math.log2(r + 2) for r in hits)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return len(hits) / len(relevant), dcg / idcg, (1 / (hits[0] + 1) if hits else 0.0)


def ranked(scores, k):
    items = [(s, v) for v, s in scores.items() if s > 0]
    items.sort(key=lambda t: (-t[0], t[1]))
    return [v for _, v in items[:k]]


def main():
    directory, k = sys.argv[1], int(sys.argv[2])
    n = json.load(open(os.path.join(directory, "meta.json")))["users"]
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(read(directory, "train_src.i32").tolist(), read(directory, "train_dst.i32").tolist()))
    users = read(directory, "users.i32").tolist()
    indptr, indices = read(directory, "hidden_indptr.i32"), read(directory, "hidden_indices.i32")
    relevant = [set(indices[indptr[j]:indptr[j + 1]].tolist()) for j in range(len(users))]

    def two_hop(u):
        near = set(g[u])
        return {v for w in near for v in g[w]} - near - {u}

    def common_neighbours(u):
        return {v: len(list(nx.common_neighbors(g, u, v))) for v in two_hop(u)}

    def adamic_adar(u):
        return {v: s for _, v, s in nx.adamic_adar_index(g, [(u, v) for v in two_hop(u)])}

    def pagerank(u):
        pr = nx.pagerank(g, alpha=0.85, personalization={u: 1}, tol=1e-10, max_iter=1000)
        near = set(g[u])
        return {v: s for v, s in pr.items() if v != u and v not in near}

    for name, method in [("common-neighbours", common_neighbours), ("adamic-adar", adamic_adar), ("personalized-pagerank", pagerank)]:
        start = time.perf_counter()
        totals = np.zeros(3)
        for j, u in enumerate(users):
            totals += metrics(ranked(method(u), k), relevant[j], k)
        totals /= len(users)
        print(json.dumps({"method": name, "recall": totals[0], "ndcg": totals[1], "mrr": totals[2], "seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    main()
