"""The blind coder's packet for codebook 2.2: the codebook as rendered from the data package, and each
event with only its dates and its quotes, under an opaque id (no title, no summary, no codes).

    python method/third_coding/make_packet.py OUT [KEY [SEED]]

writes OUT/codebook.md, OUT/events.csv and OUT/corpus/ (the five documents), and KEY (default: this
folder's key.csv; opaque id -> event_id), which the coder never sees. A later check coding passes its
own KEY and SEED, so that this coding's key stays as it was. The order of the events is shuffled with a
fixed seed so that neither the id nor the row betrays the dataset's order.
"""

import csv
import random
import shutil
import sys
from pathlib import Path

import pandas as pd

from nkrussia import codebook, corpus_dir
from nkrussia.dataset import load

HERE = Path(__file__).parent


def main(out, key_path=HERE / "key.csv", seed=22):
    out = Path(out)
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    ds = load()
    (out / "codebook.md").write_text("# Codebook\n\n" + codebook.markdown(ds) + "\n", encoding="utf-8")
    for doc in sorted(corpus_dir().glob("*.txt")):
        shutil.copy(doc, out / "corpus" / doc.name)
    ids = list(ds.events["event_id"])
    random.Random(int(seed)).shuffle(ids)
    key = {event_id: f"ev{n:03d}" for n, event_id in enumerate(ids, 1)}
    events = ds.events.set_index("event_id")
    cites = ds.citations.dropna(subset=["event_id"])
    with open(out / "events.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "date_end", "span", "quotes"])
        for event_id in ids:
            e = events.loc[event_id]
            quotes = " | ".join(
                f"{c.source_id}, {c.locator}: {c.quote}" for c in cites[cites["event_id"] == event_id].itertuples()
            )
            w.writerow([key[event_id], _plain(e["date"]), _plain(e["date_end"]), _plain(e["span"]), quotes])
    with open(key_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "event_id"])
        w.writerows(sorted((v, k) for k, v in key.items()))


def _plain(value):
    return "" if pd.isna(value) else str(value)


if __name__ == "__main__":
    main(*sys.argv[1:4])
