"""The appendix's generated pages: the data dictionary and downloads, and the Evidence page."""

import html

from .. import tables
from ..dataset import version
from ..display import Block
from .book import Book


class DataAppendix(Book):
    def counts(self):
        return {**super().counts(), "dataset_version": version(self.data_dir)}

    def dictionary(self):
        return tables.data_dictionary(self.ds.descriptor)

    def downloads(self):
        files = ["datapackage.json"] + [r["path"] for r in self.ds.descriptor["resources"]]
        return Block(
            "\n".join(f"- {{download}}`{f} <../data/{f}>`" for f in files),
            "<ul>" + "".join(f"<li>data/{html.escape(f)}</li>" for f in files) + "</ul>",
            f"{len(files)} files",
        )


class Evidence(Book):
    """Every citation with its label, so that {evidence} links land on the quote."""

    def page(self):
        return tables.evidence_list(self.ds)
