"""scikit-learn peer of bench/text.ts: TF-IDF (word 1-2 + char_wb 2-5, sublinear tf, min_df 2, each block
l2-normalised) and LogisticRegression(class_weight='balanced', lbfgs) on the same train/validation files.

Usage: python3 text_sklearn.py TRAIN_TEXT TRAIN_LABELS VAL_TEXT VAL_LABELS
Prints one JSON line: macro_recall, macro_f1, accuracy, fit_seconds, fit_cpu_seconds, predict_seconds.
"""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.pipeline import FeatureUnion, make_pipeline


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def main():
    tt, tl, vt, vl = sys.argv[1:5]
    x_train, y_train = read_lines(tt), read_lines(tl)
    x_val, y_val = read_lines(vt), read_lines(vl)
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])
    model = make_pipeline(features, LogisticRegression(class_weight="balanced", max_iter=100))
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(x_train, y_train)
    fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    pred = model.predict(x_val)
    pred_s = time.perf_counter() - t0
    print(json.dumps({
        "macro_recall": recall_score(y_val, pred, average="macro"),
        "macro_f1": f1_score(y_val, pred, average="macro"),
        "accuracy": accuracy_score(y_val, pred),
        "fit_seconds": fit_s,
        "fit_cpu_seconds": fit_cpu,
        "predict_seconds": pred_s,
        "n_features": len(model[0].transformer_list[0][1].vocabulary_) + len(model[0].transformer_list[1][1].vocabulary_),
    }))


if __name__ == "__main__":
    main()
