"""Chapter kernels are forked from a server that has done the imports: each is still a new process in
which no other chapter's code has run."""

from nkbuild.runner import WarmKernels
from nkrussia import ROOT


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


def test_forked_kernels_draw_their_own_random_numbers_and_keep_default_options(tmp_path):
    """What a fork copies from the server is put back as a new process would have it (the module's
    docstring lists what a kernel inherits)."""
    kernels = WarmKernels(ROOT / "chapters", ahead=2, cache_dir=tmp_path)
    kernels.add(2)
    first, second = kernels.take(), kernels.take()
    code = (
        "import random, numpy, pandas, matplotlib; print(random.random(), numpy.random.rand(), "
        "pandas.get_option('display.max_rows'), matplotlib.rcParams['lines.linewidth'])"
    )
    try:
        a, b = run(first, code), run(second, code)
    finally:
        kernels.stop()
    assert a[0] != b[0] and a[1] != b[1]  # not the server's generator state, copied twice
    assert a[2:] == b[2:] == ["60", "1.5"]  # pandas and matplotlib defaults, as an import leaves them


def test_a_forked_kernel_ends_with_its_server(tmp_path):
    import time

    import psutil

    kernels = WarmKernels(ROOT / "chapters", ahead=1, cache_dir=tmp_path)
    kernels.add(1)
    km = kernels.take()
    pid = km.provisioner.process.pid
    try:
        kernels.server.process.kill()  # as when the build is killed: its pipe to the server closes
        deadline = time.monotonic() + 10
        while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the kernel outlived its server"
            time.sleep(0.2)
    finally:
        kernels.stop()
