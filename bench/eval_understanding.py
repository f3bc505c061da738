"""Measure complaint detection and the speed of understanding.

    .venv/bin/python bench/eval_understanding.py [--split holdout|dev] [--speed N]

1. The project's own labelled examples (watcher/understanding/data/): each
   language's lines split 3:1 by hand-written line (variants stay together);
   the model is refitted without the held-out quarter.
2. Real data no one here wrote, read from ../shared/data when present and
   never copied: complaints_en (tweets to brands, gold complaint labels,
   per-domain figures) and complaints_pl (Allegro buyer feedback, negative
   taken as complaint). Report the holdout split; tune only on dev.
3. Speed: posts understood per second (language, brand, complaint, category,
   severity, identifiers, loudness) on generated PL/EN posts.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import defaultdict
from pathlib import Path

from watcher.config import Brand
from watcher.formats.posts import PostRecord
from watcher.understanding.complaint import (
    classify_complaint,
    fit_model,
    load_examples,
    model_probabilities,
)
from watcher.understanding.language import detect_languages
from watcher.understanding.pipeline import understand

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def scores(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pairs)


def line(name: str, pairs: list[tuple[bool, bool]]) -> None:
    p, r, f, n = scores(pairs)
    print(f"{name:<38} n={n:>5}  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")


def own_set() -> None:
    for lang in ("pl", "en"):
        examples = load_examples(lang)
        other = load_examples("en" if lang == "pl" else "pl")
        bases = sorted({e.base for e in examples})
        random.Random(7).shuffle(bases)
        held = set(bases[: len(bases) // 4])
        model = fit_model([e for e in examples if e.base not in held] + other)
        pairs = [(classify_complaint(e.text, model=model).is_complaint, e.is_complaint)
                 for e in examples if e.base in held]  # fmt: skip
        line(f"own set, {lang}, held-out quarter", pairs)


def shared(split: str) -> None:
    en, pl = SHARED / "complaints_en" / f"{split}.csv", SHARED / "complaints_pl" / f"{split}.csv"
    if not en.exists() or not pl.exists():
        print(f"../shared/data not found: real-data figures skipped ({en})")
        return
    by_domain: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    with en.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pair = (classify_complaint(row["text"], "en").is_complaint, row["label"] == "1")
            by_domain[row["domain"]].append(pair)
    line(f"complaints_en/{split}.csv, all", [p for v in by_domain.values() for p in v])
    for domain, pairs in sorted(by_domain.items()):
        line(f"  domain {domain}", pairs)
    with pl.open(encoding="utf-8") as handle:
        pairs = [(classify_complaint(row["text"], "pl").is_complaint, row["label"] == "negative")
                 for row in csv.DictReader(handle)]  # fmt: skip
    line(f"complaints_pl/{split}.csv (negative = complaint)", pairs)


def speed(count: int) -> None:
    brands = [Brand("Netia", ("Netia", "Dropss"))]
    texts = [e.text for e in load_examples("pl") + load_examples("en")]
    rng = random.Random(1)
    posts = [
        PostRecord(source="s", external_id=str(i), text=rng.choice(texts),
                   author_followers=rng.randint(0, 10**5))
        for i in range(count)
    ]  # fmt: skip
    understand(posts[0], brands)  # warm-up: model fit and language models
    started = time.perf_counter()
    # As the stage does it: the model and the language detector see the whole batch at once
    # (lingua on both cores), the rest is per post.
    probabilities = model_probabilities([p.text for p in posts])
    languages = detect_languages([p.text for p in posts])
    for post, probability, language in zip(posts, probabilities, languages, strict=True):
        understand(post, brands, ref_patterns=(r"NT-\d+",), probability=probability,
                   language=language)  # fmt: skip
    elapsed = time.perf_counter() - started
    print(f"speed: {count} posts in {elapsed:.1f} s = {count / elapsed:,.0f} posts/s (one process)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="holdout", choices=["holdout", "dev"])
    parser.add_argument("--speed", type=int, default=2000)
    args = parser.parse_args()
    own_set()
    shared(args.split)
    speed(args.speed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
