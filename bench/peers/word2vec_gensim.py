"""gensim peer of bench/text.ts: trains word2vec on the same tokenized corpus (one sentence per line, tokens
separated by single spaces), saves the vectors in word2vec binary format, and checks that gensim reads the
vectors Resonate wrote.

Usage: python3 word2vec_gensim.py CORPUS OUT_BIN SG(0|1) WORKERS [OURS_BIN|-] [SEED]
Prints one JSON line: seconds, words_per_second (epochs x in-vocabulary corpus words / seconds), vocab, ours_vocab.
"""
import json
import sys
import time

from gensim.models import KeyedVectors, Word2Vec
from gensim.models.word2vec import LineSentence


def main():
    corpus, out, sg, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ours = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] != "-" else None
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 42
    sentences = list(LineSentence(corpus))
    model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=5, workers=workers,
                     sg=sg, seed=seed, alpha=0.025 if sg else 0.05)
    model.build_vocab(sentences)
    t0, c0 = time.perf_counter(), time.process_time()
    model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key)
    model.wv.save_word2vec_format(out, binary=True)
    result = {"seconds": seconds, "cpu_seconds": cpu, "words_per_second": model.epochs * words / seconds, "vocab": len(model.wv)}
    if ours:
        kv = KeyedVectors.load_word2vec_format(ours, binary=True)
        result["ours_vocab"] = len(kv)
        result["ours_dim"] = kv.vector_size
    print(json.dumps(result))


if __name__ == "__main__":
    main()
