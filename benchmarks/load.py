"""The load generator: wrk (installed with apt-get when missing), driven through a small Lua script."""
import os
import re
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from servers import machine_cpu, process_cpu_seconds

LUA = """\
local paths = {%s}
local etags = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  if #etags > 0 then
    return wrk.format("GET", paths[i], {["If-None-Match"] = etags[i]})
  end
  return wrk.format("GET", paths[i])
end
"""


def ensure_wrk() -> str:
    """The path of wrk, installing the Debian package first when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed and this is not root: run `sudo apt-get install -y wrk`, then again.")
    print("Installing wrk (apt-get install -y wrk) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get reported success but wrk is still not on PATH.")
    return found


def write_script(directory: Path, name: str, paths: list[str], etags: list[str] | None = None) -> Path:
    """A wrk Lua script that requests `paths` in turn, round-robin; with `etags` (one per path), each
    request revalidates with If-None-Match, as a browser or proxy holding the page does."""
    def lua(values):
        return ", ".join("'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in values)
    script = directory / f"{name.replace(' ', '-')}.lua"
    script.write_text(LUA % (lua(paths), lua(etags or [])))
    return script


@dataclass
class Result:
    """One wrk run against one server."""

    rps: float
    requests: int
    p50_ms: float
    p99_ms: float
    errors: int
    seconds: float
    machine_busy: float  # share of all cores busy during the run (0..1)
    wrk_share: float  # share of all cores used by wrk itself
    server_share: float  # share of all cores used by the gunicorn processes
    postgres_share: float  # share of all cores used by PostgreSQL backends of the benchmark database

    @property
    def other_share(self) -> float:
        """Share of all cores used by anything else: noise from other programs."""
        return max(0.0, self.machine_busy - self.wrk_share - self.server_share - self.postgres_share)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse(output: str) -> dict:
    """Requests/s, request count, latency percentiles and error count from wrk's report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors += sum(map(int, socket.groups())) if socket else 0
    return dict(rps=rps, requests=requests, p50_ms=p50, p99_ms=p99, errors=errors)


def run_wrk(wrk: str, base_url: str, script: Path, *, connections: int, seconds: int, server_pids,
            postgres_pids=lambda: []) -> Result:
    """Load `base_url` for `seconds` with one wrk thread and `connections` keep-alive connections.

    `server_pids` and `postgres_pids()` name the processes whose CPU use is reported beside wrk's.
    """
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(script),
               base_url]
    busy0, total0 = machine_cpu()
    server0 = process_cpu_seconds(server_pids)
    backends0 = postgres_pids()  # backends that start during the run count from zero
    postgres0 = process_cpu_seconds(backends0)
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    elapsed = time.monotonic() - started
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, total1 = machine_cpu()
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    cores_seconds = total1 - total0
    wrk_cpu = (child1.ru_utime - child0.ru_utime) + (child1.ru_stime - child0.ru_stime)
    return Result(**parse(done.stdout), seconds=elapsed, machine_busy=(busy1 - busy0) / cores_seconds,
                  wrk_share=wrk_cpu / cores_seconds,
                  server_share=(process_cpu_seconds(server_pids) - server0) / cores_seconds,
                  postgres_share=(process_cpu_seconds(set(backends0) | set(postgres_pids())) - postgres0)
                  / cores_seconds)
