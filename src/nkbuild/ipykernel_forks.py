"""Chapter kernels forked from one warmed process, so that no chapter pays Python's start-up and the
heavy imports again (on two cores, those were a third of a cold build's CPU time).

    python -m nkbuild.ipykernel_forks    (started by ForkServer; reads requests on stdin)

The server imports ipykernel and the chapters' common imports (`WARM_UP`), then forks one child per
request; the child becomes an ordinary ipykernel on the connection file it is given. Each kernel is
still a new process in which no chapter's code has run. `ForkProvisioner` is a jupyter_client
provisioner, registered under the entry point `nkrussia-fork` (pyproject.toml), that asks the server
for a kernel instead of starting a new Python; the runner selects it in the kernel spec's metadata.

What a kernel inherits from the server, and what is done about it (tests/test_kernels.py):
- the modules WARM_UP imported (pandas, matplotlib.pyplot, the book's package), in the state an import
  leaves them: default pandas options and matplotlib rcParams (the book's figure style is applied in a
  context, never globally), the inline backend chosen before matplotlib is imported, as in a kernel;
- the random generators' state: `random` and numpy's global generator are seeded again from the
  system's entropy in every child, as a new Python would be, so no two kernels draw the same numbers;
- no thread: the server checks before each fork that it runs none (a thread holding a lock at the
  moment of the fork would leave the child dead-locked), and refuses to fork otherwise.
A kernel dies with its server (ipykernel's parent poller, given the server's pid), and the server dies
with the build: it reads its requests from the build's pipe and exits when that pipe closes, which it
does however the build ends, SIGKILL included.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import traceback

import psutil
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

# The matplotlib backend a Jupyter kernel uses; matplotlib reads it once, when it is imported.
INLINE = "module://matplotlib_inline.backend_inline"


def serve(warm_up):
    """The server: import, then fork a kernel per request line ({connection_file, cwd, env, log})."""
    os.environ.setdefault("MPLBACKEND", INLINE)
    from ipykernel.kernelapp import IPKernelApp

    exec(warm_up)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # exited kernels are reaped by the system
    for line in sys.stdin:
        request = json.loads(line)
        if threading.active_count() != 1:  # forking with another thread alive can dead-lock the child
            raise RuntimeError(f"a thread runs in the kernel fork server: {threading.enumerate()}")
        server = os.getpid()
        pid = os.fork()
        if pid == 0:
            _become_kernel(IPKernelApp, request, server)
        print(pid, flush=True)


def _become_kernel(app_class, request, server):
    status = 1
    try:
        if os.getppid() != server:  # the server (and so the build) ended while this kernel was forked
            os._exit(0)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, which jupyter_client signals (interrupt, kill)
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # not the server's request pipe
        os.dup2(devnull, 1)  # not the server's reply pipe
        os.dup2(log, 2)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.stdin = open(os.devnull)  # noqa: SIM115
        _reseed()
        app = app_class.instance()
        # the parent poller ends the kernel when the server (its parent) ends
        app.initialize(["-f", request["connection_file"], f"--IPKernelApp.parent_handle={server}"])
        app.start()
        status = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(status)


def _reseed():
    """The child's random generators, seeded from entropy as in a new process (a fork copies their state)."""
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()


class ForkServer:
    """The running server: `fork(...)` returns the pid of a new kernel. Thread-safe."""

    def __init__(self, warm_up, env, cwd):
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nkbuild.ipykernel_forks", warm_up],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=cwd,
            env=env,
            text=True,
        )

    def fork(self, connection_file, cwd, env, log):
        request = {"connection_file": connection_file, "cwd": str(cwd), "env": env, "log": log}
        with self.lock:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            reply = self.process.stdout.readline()
        if not reply.strip():
            raise RuntimeError(f"the kernel fork server exited (status {self.process.poll()})")
        return int(reply)

    def stop(self):
        with self.lock:
            self.process.kill()
            self.process.wait()


class Forked:
    """The part of subprocess.Popen that jupyter_client uses, for a kernel forked by the server (a
    grandchild: its exit status is not ours to collect)."""

    stdin = stdout = stderr = None

    def __init__(self, pid):
        self.pid, self.returncode = pid, None
        self._process = psutil.Process(pid)

    def poll(self):
        # the server reaps its children at once (SIGCHLD ignored): a kernel that ended is simply gone
        if self.returncode is None and not self._process.is_running():
            self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout=None):
        with contextlib.suppress(psutil.NoSuchProcess):
            self._process.wait(timeout)
        return self.poll()

    def send_signal(self, signum):
        os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


SERVERS = {}  # server id -> ForkServer, in the process that starts kernels


def spec_metadata(server, log):
    """The kernel spec's `kernel_provisioner` stanza that selects a kernel forked by `server`."""
    SERVERS[str(id(server))] = server
    return {"provisioner_name": "nkrussia-fork", "config": {"server_id": str(id(server)), "stderr_path": log}}


class ForkProvisioner(LocalProvisioner):
    """A LocalProvisioner whose kernel comes from a ForkServer instead of a new Python process."""

    server_id = Unicode("", config=True, help="which ForkServer of this process forks the kernel")
    stderr_path = Unicode("", config=True, help="path of the file that receives the kernel's stderr")

    async def launch_kernel(self, cmd, **kwargs):
        connection_file = cmd[cmd.index("-f") + 1]
        cwd = kwargs.get("cwd") or os.getcwd()
        env = kwargs.get("env") or dict(os.environ)
        self.process = Forked(SERVERS[self.server_id].fork(connection_file, cwd, env, self.stderr_path))
        self.pid = self.pgid = self.process.pid
        self.cwd = cwd
        return self.connection_info


if __name__ == "__main__":
    serve(sys.argv[1])
