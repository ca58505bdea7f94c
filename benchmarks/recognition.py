#!/usr/bin/env python3
"""Precision and recall of recognition on the labelled corpus, per pattern.

    .venv/bin/python benchmarks/recognition.py

Reads tests/fixtures/recognition/corpus.txt (sentences written for the tests, each
labelled with the facts, counts and totals a careful reader finds in it) against the
registry corpus-indicators.xml, reads every sentence on its own as a paragraph of a
plan for 2021–2025, and prints true positives, false positives, misses, precision
and recall per pattern and overall. docs/recognition.md quotes its output.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from plandoc.load import secure_parser  # noqa: E402
from plandoc.recognise import Recogniser  # noqa: E402

CORPUS = ROOT / "tests/fixtures/recognition/corpus.txt"
REGISTRY = ROOT / "tests/fixtures/recognition/corpus-indicators.xml"


def load_corpus(path: Path = CORPUS) -> list[tuple[str, str, Counter]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, sentence, expected = (x.strip() for x in line.split(" | "))
        out.append((pattern, sentence, Counter(_expected(expected))))
    return out


def _expected(text: str) -> list[tuple]:
    if text == "-":
        return []
    out = []
    for item in text.split(";"):
        kind, *rest = item.split()
        if kind == "F":
            out.append(("F", rest[0], int(rest[1]), rest[2], float(rest[3])))
        elif kind == "C":
            out.append(("C", int(rest[0]), int(rest[1])))
        else:
            out.append(("T", float(rest[0]), tuple(sorted(float(x) for x in rest[1].split("+")))))
    return out


def read(rec: Recogniser, sentence: str) -> Counter:
    """What recognition finds in one sentence, in the corpus's notation."""
    rec.chapter()
    el = etree.fromstring(f"<p>{_escape(sentence)}</p>".encode(), secure_parser())
    scan = rec.scan(el)
    found = [("F", f.ind, f.year, f.role, f.quantity.value) for f in scan.facts]
    found += [("C", c.value, len(c.members)) for c in scan.counts]
    found += [("T", t.quantities[0].value, tuple(sorted(round(q.value, 6) for q in t.quantities[1:])))
              for t in scan.totals]
    return Counter(found)


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;")


def score(corpus=None) -> dict[str, list[int]]:
    """pattern -> [true positives, false positives, misses]."""
    corpus = corpus or load_corpus()
    rec = Recogniser(etree.parse(str(REGISTRY), secure_parser()).getroot(), [], 2021, 2025)
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pattern, sentence, expected in corpus:
        found = read(rec, sentence)
        row = table[pattern]
        row[0] += sum((found & expected).values())
        row[1] += sum((found - expected).values())
        row[2] += sum((expected - found).values())
    return dict(table)


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


HELDOUT = ROOT / "tests/fixtures/recognition/corpus-heldout.txt"


def main() -> None:
    report(load_corpus(), "corpus.txt")
    print()
    report(load_corpus(HELDOUT), "corpus-heldout.txt (written after tuning)")


def report(corpus, title: str) -> None:
    print(title)
    table = score(corpus)
    sentences = Counter(p for p, _, _ in corpus)
    print(f"{len(corpus)} sentences, {len(table)} patterns")
    print(f"{'pattern':20} {'n':>3} {'tp':>4} {'fp':>4} {'miss':>4} {'precision':>9} {'recall':>7}")
    total = [0, 0, 0]
    for pattern in sorted(table):
        tp, fp, fn = table[pattern]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        print(f"{pattern:20} {sentences[pattern]:3} {tp:4} {fp:4} {fn:4} "
              f"{ratio(tp, tp + fp):9.2f} {ratio(tp, tp + fn):7.2f}")
    tp, fp, fn = total
    print(f"{'all':20} {len(corpus):3} {tp:4} {fp:4} {fn:4} {ratio(tp, tp + fp):9.2f} {ratio(tp, tp + fn):7.2f}")


if __name__ == "__main__":
    main()
