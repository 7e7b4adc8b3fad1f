"""Start gunicorn servers on loopback for the benchmark, and always stop them."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# One worker with four threads, so that it keeps its core busy while a request waits for
# PostgreSQL; gthread also keeps connections alive, so the figures measure the application rather
# than TCP set-up. Both servers get exactly these options. One worker, not one per core: on this
# 2-core machine wrk's 8 keep-alive connections are split between two workers as accept() races
# fall, and a run whose connections all land on one worker is bound to one core, so two-worker
# figures swing by a factor of two from run to run for both servers (docs/benchmarks.md).
# BENCH_GUNICORN_OPTIONS replaces the worker options for experiments.
WORKER_OPTIONS = os.environ.get("BENCH_GUNICORN_OPTIONS", "--workers 1 --worker-class gthread --threads 4").split()
GUNICORN_OPTIONS = (*WORKER_OPTIONS, "--keep-alive", "30", "--backlog", "256", "--log-level", "warning")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master and its workers, in their own process group."""

    def __init__(self, name: str, module: str, env: dict, chdir: Path, log_dir: Path,
                 options: tuple = GUNICORN_OPTIONS):
        self.name, self.port = name, free_port()
        self.log = log_dir / f"{name}.log"
        command = [str(GUNICORN), *options, "--bind", f"127.0.0.1:{self.port}", "--chdir", str(chdir),
                   module]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 30) -> None:
        """Block until `path` answers 200, or fail with the server's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not become ready; its log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log, for error messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def pids(self) -> list[int]:
        """The master's pid and its workers' pids."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [self.process.pid, *map(int, children.read_text().split())]
        except OSError:
            return [self.process.pid]

    def stop(self) -> None:
        """Stop the master and its workers (their own process group), forcibly if they linger."""
        if self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def process_cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes have used so far."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def postgres_backend_pids(database: str) -> list[int]:
    """The PostgreSQL server processes serving connections to `database` (ps shows them by name)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                pids.append(int(entry.name))
    return pids


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / ticks, sum(values) / ticks


def stop_on_signal(signum, frame):
    """SIGTERM/SIGHUP: unwind through the caller's `finally`, which stops the servers."""
    raise SystemExit(128 + signum)
