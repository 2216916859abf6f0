"""references.bib is generated from data/sources.csv (never written twice):

python -m nkrussia.bibliography > references.bib
"""

import calendar
import sys

import pandas as pd

from . import DATA_DIR
from .dataset import load


def _braced(text):
    return "{" + str(text) + "}"


def bibtex(sources):
    entries = []
    for s in sources.itertuples():
        fields = {
            "title": "{" + s.title + (" [descriptive title]" if s.title_is_ours else "") + "}",
            "howpublished": s.kind,
            "language": "French",
        }
        if pd.notna(s.publisher):
            fields["publisher"] = s.publisher
        if pd.notna(s.published):
            fields["year"] = s.published[:4]
            if len(s.published) > 4:
                fields["month"] = calendar.month_name[int(s.published[5:7])]  # "April 2019", not "4 2019"
        note = f"Publication date {s.published_basis}"
        if pd.notna(s.not_before):
            note += f", not before {s.not_before}"
        fields["note"] = (
            f"{note}. Author and web address: not given in the document (what it gives about itself is in the "
            "introduction's table of sources). "
            f"Corpus file {s.file}, sha256 {s.sha256[:12]}."
        )
        body = ",\n".join(f"  {k} = {_braced(v)}" for k, v in fields.items())
        entries.append(f"@misc{{{s.source_id},\n{body}\n}}\n")
    return "\n".join(entries)


if __name__ == "__main__":
    sys.stdout.write(bibtex(load(sys.argv[1] if len(sys.argv) > 1 else DATA_DIR).sources))
