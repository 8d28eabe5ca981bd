"""LightGCN peer (PyTorch): the same model and sampling as graph/lightgcn, following
gusye1234/LightGCN-PyTorch (sparse Â, layer mean, BPR + λ·½‖E⁰_batch‖²/B, Adam, N(0, 0.1²) init).
Reads "user item" training lines, trains EPOCHS epochs, prints JSON with wall and CPU seconds per epoch
(fastest and mean). With --topk FILE it also writes each user's top-k unseen items ("user i1 i2 …", best
first) so the caller scores them with its own metrics on the same split.

Usage: lightgcn_torch.py edges.txt [epochs] [threads] [--lr 1e-3] [--batch 2048] [--dim 64] [--layers 3]
       [--reg 1e-4] [--users N] [--items M] [--seed 0] [--topk FILE] [--k 10]
"""
import argparse
import json
import time

import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("edges")
ap.add_argument("epochs", nargs="?", type=int, default=1)
ap.add_argument("threads", nargs="?", type=int, default=1)
ap.add_argument("--lr", type=float, default=1e-3)
ap.add_argument("--batch", type=int, default=2048)
ap.add_argument("--dim", type=int, default=64)
ap.add_argument("--layers", type=int, default=3)
ap.add_argument("--reg", type=float, default=1e-4)
ap.add_argument("--users", type=int, default=0, help="number of users (default: max id + 1)")
ap.add_argument("--items", type=int, default=0, help="number of items (default: max id + 1)")
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--topk", default="")
ap.add_argument("--k", type=int, default=10)
args = ap.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
rng = np.random.default_rng(args.seed)
edges = np.loadtxt(args.edges, dtype=np.int64).reshape(-1, 2)
n_users = max(args.users, int(edges[:, 0].max()) + 1)
n_items = max(args.items, int(edges[:, 1].max()) + 1)
n = n_users + n_items
d, layers, lr, lam, batch = args.dim, args.layers, args.lr, args.reg, args.batch
rows = np.concatenate([edges[:, 0], edges[:, 1] + n_users])
cols = np.concatenate([edges[:, 1] + n_users, edges[:, 0]])
deg = np.bincount(rows, minlength=n).astype(np.float32)
inv = np.zeros(n, dtype=np.float32)
inv[deg > 0] = deg[deg > 0] ** -0.5
vals = inv[rows] * inv[cols]
adj = torch.sparse_coo_tensor(np.vstack([rows, cols]), vals, (n, n)).coalesce().to_sparse_csr()
emb = torch.nn.Parameter(torch.randn(n, d) * 0.1)
opt = torch.optim.Adam([emb], lr=lr)
pos = [set() for _ in range(n_users)]
lists = [[] for _ in range(n_users)]
for u, i in edges:
    pos[u].add(int(i))
    lists[u].append(int(i))


def sample():
    """UniformSample_original: |R| uniform users, one positive each, one uniform non-positive."""
    users = rng.integers(0, n_users, len(edges))
    out = []
    for u in users:
        if not lists[u]:
            continue
        i = lists[u][rng.integers(len(lists[u]))]
        j = int(rng.integers(n_items))
        while j in pos[u]:
            j = int(rng.integers(n_items))
        out.append((u, i, j))
    return torch.tensor(out)


def propagate():
    x = emb
    acc = emb
    for _ in range(layers):
        x = torch.sparse.mm(adj, x)
        acc = acc + x
    return acc / (layers + 1)


walls, cpus = [], []
for epoch in range(args.epochs):
    t0, c0 = time.perf_counter(), time.process_time()
    s = sample()
    for b in range(0, len(s), batch):
        u, i, j = s[b:b + batch].T
        f = propagate()
        fu, fi, fj = f[u], f[n_users + i], f[n_users + j]
        loss = torch.nn.functional.softplus(-((fu * fi).sum(1) - (fu * fj).sum(1))).mean()
        reg = 0.5 * (emb[u].pow(2).sum() + emb[n_users + i].pow(2).sum() + emb[n_users + j].pow(2).sum()) / len(u)
        opt.zero_grad()
        (loss + lam * reg).backward()
        opt.step()
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)

if args.topk:
    with torch.no_grad():
        f = propagate()
        scores = f[:n_users] @ f[n_users:].T
        scores[torch.from_numpy(edges[:, 0]), torch.from_numpy(edges[:, 1])] = float("-inf")
        top = torch.topk(scores, args.k, dim=1).indices.numpy()
    with open(args.topk, "w") as out:
        for u in range(n_users):
            out.write(f"{u} {' '.join(map(str, top[u]))}\n")

print(json.dumps({
    "torch": torch.__version__, "threads": torch.get_num_threads(), "edges": len(edges), "epochs": args.epochs,
    "wall": min(walls), "cpu": min(cpus), "wallMean": float(np.mean(walls)), "cpuMean": float(np.mean(cpus)),
}))
