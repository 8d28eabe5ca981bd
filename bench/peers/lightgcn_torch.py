"""LightGCN epoch-time peer (PyTorch): the same model and sampling as graph/lightgcn, following
gusye1234/LightGCN-PyTorch (sparse Â, layer mean, BPR + λ·½‖E⁰_batch‖²/B, Adam). Reads "user item" lines,
runs EPOCHS epochs, prints JSON with wall and CPU seconds per epoch. Usage: lightgcn_torch.py edges.txt [epochs] [threads]
"""
import json
import sys
import time

import numpy as np
import torch

path = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
torch.manual_seed(0)
rng = np.random.default_rng(0)
edges = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
n_users, n_items = int(edges[:, 0].max()) + 1, int(edges[:, 1].max()) + 1
n = n_users + n_items
d, layers, lr, lam, batch = 64, 3, 1e-3, 1e-4, 2048
rows = np.concatenate([edges[:, 0], edges[:, 1] + n_users])
cols = np.concatenate([edges[:, 1] + n_users, edges[:, 0]])
deg = np.bincount(rows, minlength=n).astype(np.float32)
inv = np.where(deg > 0, deg ** -0.5, 0).astype(np.float32)
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

walls, cpus = [], []
for epoch in range(epochs):
    t0, c0 = time.perf_counter(), time.process_time()
    s = sample()
    for b in range(0, len(s), batch):
        u, i, j = s[b:b + batch].T
        x = emb
        acc = emb
        for _ in range(layers):
            x = torch.sparse.mm(adj, x)
            acc = acc + x
        f = acc / (layers + 1)
        fu, fi, fj = f[u], f[n_users + i], f[n_users + j]
        loss = torch.nn.functional.softplus(-((fu * fi).sum(1) - (fu * fj).sum(1))).mean()
        reg = 0.5 * (emb[u].pow(2).sum() + emb[n_users + i].pow(2).sum() + emb[n_users + j].pow(2).sum()) / len(u)
        opt.zero_grad()
        (loss + lam * reg).backward()
        opt.step()
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "wall": min(walls), "cpu": min(cpus), "edges": len(edges)}))
