"""SASRec peer: a faithful port of pmixer/SASRec.pytorch (model.py, utils.py, main.py) for bench/neural-seq.ts.

Same settings as seq/sasrec: d = 50, 2 blocks, 1 head, maxlen 50, dropout 0.5, Adam(lr 1e-3, betas (0.9, 0.98)),
batch 128, one negative per position, BCE on positive and negative logits of non-padding positions, Xavier-normal
init, LayerNorm eps 1e-8, Q = LN(seqs), seqs = Q + MHA(Q, seqs, seqs) with a causal mask, timeline mask after the
embedding dropout and every block. torch.set_num_threads(2). Data: Video.txt (`user item` per line, time order),
SASRec's data_partition (last item test, second-to-last validation for users with >= 3 items).

Prints one JSON line per epoch (wall and CPU seconds, loss, validation NDCG@10 / HR@10 on 100 sampled negatives
every --eval-every epochs) and a final line with test NDCG@10 / HR@10 (100 sampled negatives, every test user).
"""
import argparse
import json
import random
import sys
import time
from collections import defaultdict

import numpy as np
import torch

torch.set_num_threads(2)


def data_partition(path):
    User = defaultdict(list)
    usernum = itemnum = 0
    with open(path) as f:
        for line in f:
            u, i = line.rstrip().split(' ')
            u, i = int(u), int(i)
            usernum, itemnum = max(u, usernum), max(i, itemnum)
            User[u].append(i)
    train, valid, test = {}, {}, {}
    for user in User:
        n = len(User[user])
        if n < 3:
            train[user], valid[user], test[user] = User[user], [], []
        else:
            train[user], valid[user], test[user] = User[user][:-2], [User[user][-2]], [User[user][-1]]
    return train, valid, test, usernum, itemnum


def random_neq(l, r, s):
    t = np.random.randint(l, r)
    while t in s:
        t = np.random.randint(l, r)
    return t


def sample_batch(user_train, usernum, itemnum, batch_size, maxlen):
    def sample():
        user = np.random.randint(1, usernum + 1)
        while len(user_train.get(user, [])) <= 1:
            user = np.random.randint(1, usernum + 1)
        seq = np.zeros([maxlen], dtype=np.int32)
        pos = np.zeros([maxlen], dtype=np.int32)
        neg = np.zeros([maxlen], dtype=np.int32)
        nxt = user_train[user][-1]
        idx = maxlen - 1
        ts = set(user_train[user])
        for i in reversed(user_train[user][:-1]):
            seq[idx] = i
            pos[idx] = nxt
            if nxt != 0:
                neg[idx] = random_neq(1, itemnum + 1, ts)
            nxt = i
            idx -= 1
            if idx == -1:
                break
        return user, seq, pos, neg
    return zip(*[sample() for _ in range(batch_size)])


class PointWiseFeedForward(torch.nn.Module):
    def __init__(self, hidden_units, dropout_rate):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(hidden_units, hidden_units, kernel_size=1)
        self.dropout1 = torch.nn.Dropout(p=dropout_rate)
        self.relu = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv1d(hidden_units, hidden_units, kernel_size=1)
        self.dropout2 = torch.nn.Dropout(p=dropout_rate)

    def forward(self, inputs):
        outputs = self.dropout2(self.conv2(self.relu(self.dropout1(self.conv1(inputs.transpose(-1, -2))))))
        outputs = outputs.transpose(-1, -2)
        outputs += inputs
        return outputs


class SASRec(torch.nn.Module):
    def __init__(self, item_num, args):
        super().__init__()
        self.item_emb = torch.nn.Embedding(item_num + 1, args.hidden_units, padding_idx=0)
        self.pos_emb = torch.nn.Embedding(args.maxlen, args.hidden_units)
        self.emb_dropout = torch.nn.Dropout(p=args.dropout_rate)
        self.attention_layernorms = torch.nn.ModuleList()
        self.attention_layers = torch.nn.ModuleList()
        self.forward_layernorms = torch.nn.ModuleList()
        self.forward_layers = torch.nn.ModuleList()
        self.last_layernorm = torch.nn.LayerNorm(args.hidden_units, eps=1e-8)
        for _ in range(args.num_blocks):
            self.attention_layernorms.append(torch.nn.LayerNorm(args.hidden_units, eps=1e-8))
            self.attention_layers.append(torch.nn.MultiheadAttention(args.hidden_units, args.num_heads, args.dropout_rate))
            self.forward_layernorms.append(torch.nn.LayerNorm(args.hidden_units, eps=1e-8))
            self.forward_layers.append(PointWiseFeedForward(args.hidden_units, args.dropout_rate))

    def log2feats(self, log_seqs):
        seqs = self.item_emb(torch.LongTensor(log_seqs))
        seqs *= self.item_emb.embedding_dim ** 0.5
        positions = np.tile(np.array(range(log_seqs.shape[1])), [log_seqs.shape[0], 1])
        seqs += self.pos_emb(torch.LongTensor(positions))
        seqs = self.emb_dropout(seqs)
        timeline_mask = torch.BoolTensor(log_seqs == 0)
        seqs *= ~timeline_mask.unsqueeze(-1)
        tl = seqs.shape[1]
        attention_mask = ~torch.tril(torch.ones((tl, tl), dtype=torch.bool))
        for i in range(len(self.attention_layers)):
            seqs = torch.transpose(seqs, 0, 1)
            Q = self.attention_layernorms[i](seqs)
            mha_outputs, _ = self.attention_layers[i](Q, seqs, seqs, attn_mask=attention_mask)
            seqs = Q + mha_outputs
            seqs = torch.transpose(seqs, 0, 1)
            seqs = self.forward_layernorms[i](seqs)
            seqs = self.forward_layers[i](seqs)
            seqs *= ~timeline_mask.unsqueeze(-1)
        return self.last_layernorm(seqs)

    def forward(self, log_seqs, pos_seqs, neg_seqs):
        log_feats = self.log2feats(log_seqs)
        pos_embs = self.item_emb(torch.LongTensor(pos_seqs))
        neg_embs = self.item_emb(torch.LongTensor(neg_seqs))
        return (log_feats * pos_embs).sum(dim=-1), (log_feats * neg_embs).sum(dim=-1)

    def predict(self, log_seqs, item_indices):
        final_feat = self.log2feats(log_seqs)[:, -1, :]
        item_embs = self.item_emb(torch.LongTensor(item_indices))
        return item_embs.matmul(final_feat.unsqueeze(-1)).squeeze(-1)


def evaluate(model, train, valid, test, usernum, itemnum, maxlen, on_test, max_users, rng):
    """evaluate / evaluate_valid of utils.py, batched: NDCG@10 and HR@10 among 100 sampled negatives."""
    users = [u for u in range(1, usernum + 1) if len(train.get(u, [])) >= 1 and len((test if on_test else valid).get(u, [])) >= 1]
    if max_users and len(users) > max_users:
        users = rng.sample(users, max_users)
    ndcg = hr = 0.0
    model.eval()
    with torch.no_grad():
        for s in range(0, len(users), 256):
            chunk = users[s:s + 256]
            seqs, items = [], []
            for u in chunk:
                seq = np.zeros([maxlen], dtype=np.int32)
                idx = maxlen - 1
                if on_test:
                    seq[idx] = valid[u][0]
                    idx -= 1
                for i in reversed(train[u]):
                    seq[idx] = i
                    idx -= 1
                    if idx == -1:
                        break
                rated = set(train[u])
                rated.add(0)
                target = (test if on_test else valid)[u][0]
                cand = [target]
                for _ in range(100):
                    t = np.random.randint(1, itemnum + 1)
                    while t in rated:
                        t = np.random.randint(1, itemnum + 1)
                    cand.append(t)
                seqs.append(seq)
                items.append(cand)
            logits = -model.predict(np.array(seqs), np.array(items))
            ranks = logits.argsort(dim=1).argsort(dim=1)[:, 0].numpy()
            for rank in ranks:
                if rank < 10:
                    ndcg += 1 / np.log2(rank + 2)
                    hr += 1
    model.train()
    return ndcg / len(users), hr / len(users)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--epochs', type=int, default=20)
    p.add_argument('--eval-every', type=int, default=5)
    p.add_argument('--batch_size', type=int, default=128)
    p.add_argument('--lr', type=float, default=0.001)
    p.add_argument('--maxlen', type=int, default=50)
    p.add_argument('--hidden_units', type=int, default=50)
    p.add_argument('--num_blocks', type=int, default=2)
    p.add_argument('--num_heads', type=int, default=1)
    p.add_argument('--dropout_rate', type=float, default=0.5)
    p.add_argument('--seed', type=int, default=42)
    args = p.parse_args()
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train, valid, test, usernum, itemnum = data_partition(args.data)
    model = SASRec(itemnum, args)
    for _, param in model.named_parameters():
        try:
            torch.nn.init.xavier_normal_(param.data)
        except Exception:
            pass
    model.item_emb.weight.data[0, :] = 0
    model.train()
    bce = torch.nn.BCEWithLogitsLoss()
    adam = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98))
    num_batch = len(train) // args.batch_size
    for epoch in range(1, args.epochs + 1):
        w0, c0 = time.time(), time.process_time()
        total = 0.0
        for _ in range(num_batch):
            u, seq, pos, neg = sample_batch(train, usernum, itemnum, args.batch_size, args.maxlen)
            seq, pos, neg = np.array(seq), np.array(pos), np.array(neg)
            pos_logits, neg_logits = model(seq, pos, neg)
            pos_labels, neg_labels = torch.ones(pos_logits.shape), torch.zeros(neg_logits.shape)
            adam.zero_grad()
            indices = np.where(pos != 0)
            loss = bce(pos_logits[indices], pos_labels[indices]) + bce(neg_logits[indices], neg_labels[indices])
            loss.backward()
            adam.step()
            total += loss.item()
        rec = {'epoch': epoch, 'loss': total / num_batch, 'seconds': time.time() - w0, 'cpuSeconds': time.process_time() - c0}
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            rec['valNdcg'], rec['valHr'] = evaluate(model, train, valid, test, usernum, itemnum, args.maxlen, False, 10000, rng)
        print(json.dumps(rec), flush=True)
    ndcg, hr = evaluate(model, train, valid, test, usernum, itemnum, args.maxlen, True, 0, rng)
    print(json.dumps({'final': True, 'testNdcg': ndcg, 'testHr': hr, 'users': usernum, 'items': itemnum}), flush=True)


if __name__ == '__main__':
    sys.exit(main())
