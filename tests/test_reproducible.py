"""Two clean builds of the same commit give byte-identical executed notebooks and HTML."""

import difflib

from conftest import BUILD, RUN, run

# The execution report records the build itself (times, memory), so it is expected to differ; it is
# kept out of the search index so that nothing else does.
RECORDS_OF_THE_BUILD = {"report.json", "execution_report.html", "execution_report.md", ".source-hash"}


def differences(a, b, limit=5):
    """The first differing files between two trees, each with its first differing lines."""

    def files(root):
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name not in RECORDS_OF_THE_BUILD}

    files_a, files_b = files(a), files(b)
    report = [f"only in one build: {name}" for name in sorted(files_a ^ files_b)]
    for name in sorted(files_a & files_b):
        left, right = (a / name).read_bytes(), (b / name).read_bytes()
        if left != right:
            try:
                diff = difflib.unified_diff(left.decode().splitlines(), right.decode().splitlines(), lineterm="", n=0)
                lines = [line for line in diff if not line.startswith(("---", "+++"))][:6]
            except UnicodeDecodeError:
                lines = ["(binary)"]
            report.append(f"{name} differs:\n    " + "\n    ".join(lines))
        if len(report) >= limit:
            break
    return report


def test_two_clean_builds_are_byte_identical(built, tmp_path):
    executed, html, _ = built
    second = run(RUN + ["--out", str(tmp_path / "executed")])
    assert second.returncode == 0, second.stderr
    book = run(BUILD + ["--executed", str(tmp_path / "executed"), "--html", str(tmp_path / "html")])
    assert book.returncode == 0, book.stderr
    assert differences(executed, tmp_path / "executed") == []
    assert differences(html, tmp_path / "html") == []
