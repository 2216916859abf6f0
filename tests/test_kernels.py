"""Chapter kernels are forked from a server that has done the imports: each is still a new process in
which no other chapter's code has run."""

from nkrussia import ROOT
from nkrussia.build.runner import WarmKernels


def run(km, code):
    client = km.blocking_client()
    client.start_channels()
    printed = []
    client.execute_interactive(code, timeout=60, output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    client.stop_channels()
    return "".join(printed).split()


def test_each_kernel_is_a_fresh_process_with_the_imports_done(tmp_path):
    kernels = WarmKernels(ROOT / "chapters", ahead=2, cache_dir=tmp_path)
    kernels.add(2)
    first, second = kernels.take(), kernels.take()
    try:
        assert not getattr(first, "warm_error", None) and not getattr(second, "warm_error", None)
        code = "import os, sys; print(os.getpid(), os.getcwd(), 'pandas' in sys.modules, 'x' in dir())"
        pid, cwd, imported, defined = run(first, code + "; x = 1")
        assert (cwd, imported, defined) == (str(ROOT / "chapters"), "True", "False")
        pid_2, _, _, defined_2 = run(second, code)
        assert pid_2 != pid and defined_2 == "False"  # nothing the first ran is seen by the second
        assert int(pid) != kernels.server.process.pid
    finally:
        kernels.stop()
    assert kernels.server.process.poll() is not None
