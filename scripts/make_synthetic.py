"""Write a valid synthetic data package of N events, with a matching synthetic corpus, for benchmarks.

    python scripts/make_synthetic.py N OUT_DIR [--seed S]

OUT_DIR/data holds the package (same schema, periods and categories as the real one) and
OUT_DIR/corpus the documents its quotes are taken from, so every validation rule applies.
"""

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
N_SOURCES, LINES_PER_SOURCE, N_ACTORS = 5, 2000, 60
WORDS = np.array(
    [
        "accord",
        "visite",
        "traité",
        "aide",
        "armes",
        "pétrole",
        "sommet",
        "délégation",
        "frontière",
        "dette",
        "coopération",
        "ministre",
        "président",
        "relations",
        "militaire",
        "économique",
        "culturel",
        "soutien",
        "pont",
        "vol",
    ]
)


def corpus(rng, out):
    out.mkdir(parents=True, exist_ok=True)
    texts = {}
    for i in range(N_SOURCES):
        words = rng.choice(WORDS, size=(LINES_PER_SOURCE, 12))
        lines = [f"{n} " + " ".join(row) for n, row in enumerate(words, start=1)]  # unique lines
        name = f"synthetic_{i}.txt"
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        texts[name] = lines
    return texts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n = args.events
    data = args.out / "data"
    data.mkdir(parents=True, exist_ok=True)
    texts = corpus(rng, args.out / "corpus")
    for name in ["datapackage.json", "periods.csv", "categories.csv"]:
        shutil.copyfile(ROOT / "data" / name, data / name)

    source_ids = [f"synthetic-{i}" for i in range(N_SOURCES)]
    files = sorted(texts)
    pd.DataFrame(
        {
            "source_id": source_ids,
            "title": [f"Synthetic document {i}" for i in range(N_SOURCES)],
            "title_is_ours": "true",
            "publisher": "",
            "language": "fr",
            "published": "2025",
            "published_basis": "stated",
            "not_before": "",
            "published_note": "",
            "kind": "news report",
            "file": files,
            "sha256": [hashlib.sha256((args.out / "corpus" / f).read_bytes()).hexdigest() for f in files],
        }
    ).to_csv(data / "sources.csv", index=False)

    actor_ids = [f"actor-{i}" for i in range(N_ACTORS)]
    pd.DataFrame({"actor_id": actor_ids, "kind": "organisation", "iso3": "", "name_en": actor_ids}).to_csv(
        data / "actors.csv", index=False
    )
    first_words = [texts[f][0].split()[1] for f in files]  # a spelling that occurs in each source
    pd.DataFrame(
        {"actor_id": actor_ids[:N_SOURCES], "name": first_words, "language": "fr", "source_id": source_ids}
    ).to_csv(data / "actor_names.csv", index=False)

    categories = pd.read_csv(ROOT / "data" / "categories.csv")["category_id"].to_numpy()
    day = pd.Timestamp("1945-01-01") + pd.to_timedelta(rng.integers(0, 29_200, n), unit="D")
    precision = rng.choice(["day", "month", "year"], n, p=[0.6, 0.25, 0.15])
    date = np.where(
        precision == "day",
        day.strftime("%Y-%m-%d"),
        np.where(precision == "month", day.strftime("%Y-%m"), day.strftime("%Y")),
    )
    spans = rng.random(n) < 0.1
    end_year = np.minimum(day.year + rng.integers(1, 5, n), 2025)
    date_end = np.where(spans & (precision == "year"), end_year.astype(str), "")
    anchors = pd.read_csv(ROOT / "data" / "intensity_anchors.csv")
    levels = anchors["level"].to_numpy()
    category = rng.choice(categories, n)
    scope = np.where(
        category == "domestic", "context", rng.choice(["bilateral", "multilateral", "context"], n, p=[0.75, 0.05, 0.2])
    )
    intensity = np.where(scope == "context", 0, rng.choice(levels, n))  # codebook rules I1, T2
    tone = np.where(intensity > 0, "cooperation", np.where(intensity < 0, "friction", "neutral"))  # rule T3
    event_ids = np.char.add("e", np.arange(n).astype(str))
    pd.DataFrame(
        {
            "event_id": event_ids,
            "date": date,
            "date_end": date_end,
            "span": np.where(date_end != "", rng.choice(["duration", "window"], n), ""),
            "date_note": "",
            "category": category,
            "tone": tone,
            "intensity": intensity,
            "scope": scope,
            "place": "",
            "title": np.char.add("Synthetic event ", event_ids),
            "summary": "A generated event for benchmarks.",
        }
    ).to_csv(data / "events.csv", index=False)
    examples = [event_ids[intensity == level][0] if (intensity == level).any() else "" for level in levels]
    anchors.assign(example_event_id=examples)[[e != "" for e in examples]].to_csv(
        data / "intensity_anchors.csv", index=False
    )
    pd.DataFrame(
        {
            "rule_id": ["C1"],
            "field": ["category"],
            "order": [1],
            "rule": ["Code the act."],
            "example_event_id": [""],
            "added_because": ["synthetic"],
        }
    ).to_csv(data / "codebook_rules.csv", index=False)
    for name in [
        "coding_first",
        "coding_second",
        "coding_third",
        "reconciliation",
        "reconciliation_third",
        "assessments",
    ]:
        header = pd.read_csv(ROOT / "data" / f"{name}.csv", nrows=0)
        header.to_csv(data / f"{name}.csv", index=False)

    pairs = rng.integers(0, N_ACTORS, (n, 2))
    pairs[:, 1] = (pairs[:, 0] + 1 + pairs[:, 1] % (N_ACTORS - 1)) % N_ACTORS  # two distinct actors
    pd.DataFrame(
        {
            "event_id": np.repeat(event_ids, 2),
            "actor_id": np.array(actor_ids)[pairs.ravel()],
            "role": np.tile(["initiator", "recipient"], n),
        }
    ).to_csv(data / "event_actors.csv", index=False)

    n_q = max(1, n // 20)
    q_ids = np.char.add("q", np.arange(n_q).astype(str))
    pd.DataFrame(
        {
            "quantity_id": q_ids,
            "event_id": rng.choice(event_ids, n_q),
            "measure": "soldiers sent",
            "value": rng.integers(1, 100_000, n_q),
            "approximate": "false",
            "qualifier": "",
            "magnitude": "",
            "unit": "soldiers",
            "note": "",
        }
    ).to_csv(data / "quantities.csv", index=False)

    per_event = rng.choice([1, 2], n, p=[0.6, 0.4])
    cited_events = np.repeat(event_ids, per_event)
    targets = np.concatenate([cited_events, q_ids])
    m = len(targets)
    src = rng.integers(0, N_SOURCES, m)
    line = rng.integers(1, LINES_PER_SOURCE + 1, m)
    quote = [texts[files[s]][n - 1] for s, n in zip(src, line, strict=True)]
    pd.DataFrame(
        {
            "citation_id": np.char.add("c", np.arange(m).astype(str)),
            "event_id": np.concatenate([cited_events, np.full(n_q, "")]),
            "quantity_id": np.concatenate([np.full(len(cited_events), ""), q_ids]),
            "assessment_id": "",
            "source_id": np.array(source_ids)[src],
            "locator": np.char.add("line ", line.astype(str)),
            "quote": quote,
            "origin": "",
            "origin_basis": "",
            "note": "",
        }
    ).to_csv(data / "citations.csv", index=False)

    pd.DataFrame(
        {
            "disagreement_id": ["synthetic-1"],
            "kind": ["date"],
            "relation": ["contradiction"],
            "subject": ["A generated disagreement"],
            "event_id": [event_ids[0]],
            "source_a": [source_ids[0]],
            "locator_a": ["line 1"],
            "quote_a": [texts[files[0]][0]],
            "source_b": [source_ids[1]],
            "locator_b": ["line 1"],
            "quote_b": [texts[files[1]][0]],
            "description": ["Generated."],
            "resolution": ["Generated."],
        }
    ).to_csv(data / "disagreements.csv", index=False)
    pd.DataFrame(columns=["source_id", "line", "expression", "reason"]).to_csv(data / "uncovered.csv", index=False)
    conform(data)
    print(json.dumps({"events": n, "citations": m, "quantities": n_q, "out": str(args.out)}))
    return 0


def conform(data):
    """Give every table the real dataset's columns, in its order: a column the generator does not fill
    (a text such as a translation or a note, or an optional code) is empty, except how a citation is
    asserted, which is required ("stated"), and the required texts ("(synthetic)")."""
    for path in sorted(data.glob("*.csv")):
        columns = list(pd.read_csv(ROOT / "data" / path.name, nrows=0).columns)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(frame.columns) == columns:
            continue
        frame = frame.reindex(columns=columns, fill_value="")
        if "assertion" in columns:
            frame["assertion"] = frame["assertion"].replace("", "stated")
        for text in ["credits", "quote_en", "quote_a_en", "quote_b_en"]:
            if text in columns:
                frame[text] = frame[text].replace("", "(synthetic)")
        frame.to_csv(path, index=False)


if __name__ == "__main__":
    sys.exit(main())
