"""PyTorch peer of bench/nn-train.ts: ms per training step (forward + backward + Adam) for the same four models,
shapes, init scheme and batch. Usage: /usr/bin/python3 nn_train.py --threads 1 [--steps 10] [--models mlp,textcnn].
Prints one JSON object per model: {"model", "threads", "ms" (median wall), "cpu" (CPU ms per step, all threads),
"forward", "backward", "optim" (mean wall ms)}."""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # noqa: BLE001
    print(json.dumps({"error": f"torch unavailable: {e}"}))
    sys.exit(0)

VOCAB, EMB, T, B, CLASSES = 20000, 100, 50, 64, 3


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(784, 256), nn.Linear(256, 128), nn.Linear(128, 10)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


class TextCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB)
        self.convs = nn.ModuleList([nn.Conv1d(EMB, 100, k) for k in (3, 4, 5)])
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(300, CLASSES)

    def forward(self, ids):
        x = self.emb(ids).transpose(1, 2)  # [B, EMB, T]
        pooled = [F.relu(c(x)).max(dim=2).values for c in self.convs]
        return self.fc(self.drop(torch.cat(pooled, dim=1)))


class GruClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB)
        self.gru = nn.GRU(EMB, 128, batch_first=True)
        self.fc = nn.Linear(128, CLASSES)

    def forward(self, ids):
        _, h = self.gru(self.emb(ids))
        return self.fc(h[-1])


class TransformerClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 64)
        self.pos = nn.Embedding(T, 64)
        layer = nn.TransformerEncoderLayer(64, 2, dim_feedforward=256, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.fc = nn.Linear(64, CLASSES)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        h = self.enc(self.emb(ids) + self.pos(pos))
        return self.fc(h.mean(dim=1))


def batch(name, gen):
    if name == "mlp":
        return torch.rand(B, 784, generator=gen), torch.randint(0, 10, (B,), generator=gen)
    return torch.randint(0, VOCAB, (B, T), generator=gen), torch.randint(0, CLASSES, (B,), generator=gen)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--models", default="mlp,textcnn,gru,transformer")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    makers = {"mlp": Mlp, "textcnn": TextCnn, "gru": GruClassifier, "transformer": TransformerClassifier}
    for name in args.models.split(","):
        model = makers[name]()
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x, y = batch(name, gen)
        fw = bw = op = 0.0
        times = []
        cpu0 = 0.0
        for step in range(args.steps + 3):
            if step == 3:
                cpu0 = time.process_time()
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            opt.step()
            t3 = time.perf_counter()
            if step >= 3:  # warm-up steps excluded
                times.append((t3 - t0) * 1000)
                fw += (t1 - t0) * 1000
                bw += (t2 - t1) * 1000
                op += (t3 - t2) * 1000
        cpu = (time.process_time() - cpu0) * 1000 / args.steps
        times.sort()
        n = args.steps
        print(json.dumps({"model": name, "threads": args.threads, "ms": times[len(times) // 2], "cpu": cpu,
                          "forward": fw / n, "backward": bw / n, "optim": op / n}), flush=True)


if __name__ == "__main__":
    main()
