"""Measure the key pages' throughput against a trivial view, served the same way in one run.

`python manage.py bench` builds a realistic organisation in a scratch database (with
`generate_org`, which makes it through the services, see courses/demo), serves the site
with gunicorn on loopback with production settings, and loads each page with wrk. It prints
requests per second and p50/p99 latency per page and each page's throughput as a ratio to the
baseline (/health/), and writes the results to bench-results/. Each page is measured in rounds
that alternate with the baseline, so a machine whose speed drifts during the run moves both
alike; the report gives the ratio over all rounds and the range of the rounds' ratios. Ratios,
not seconds, are the result: they compare like with like on whatever machine runs them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from courses.demo.benchmark import benchmark_plan, build_content

# What each page must reach, as a share of the baseline's throughput (SQLite, 2 sync workers).
TARGETS = {
    "lesson page": 0.15,
    "quiz page": 0.10,
    "quiz submission": 0.08,
    "roleplay step": 0.10,
    "drill card": 0.10,
    "drill answer": 0.08,
    "review card page": 0.10,
    "review answer": 0.08,
    "team dashboard": 0.05,
    "certification report": 0.03,
    "my training": 0.10,
    "call check": 0.15,
}

LUA = r"""
-- Cycles through prepared requests; each wrk thread takes every Nth one, so no two
-- threads ever send the same one-off request (a submission, a call's first reply).
local requests = {}
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("index", threads)
end

function init(args)
  local total = tonumber(args[2])
  local lines = {}
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(lines, line) end
  end
  for n, line in ipairs(lines) do
    -- A page with fewer requests than threads (one URL) is sent by every thread.
    if #lines < total or ((n - 1) % total) == (index - 1) then
      local pattern = "^(%S+)\t(%S+)\t([^\t]*)\t([^\t]*)\t(.*)$"
      local method, path, cookie, token, body = line:match(pattern)
      table.insert(requests, {
        method = method, path = path, cookie = cookie, token = token, body = body
      })
    end
  end
end

function request()
  counter = counter + 1
  local r = requests[((counter - 1) % #requests) + 1]
  local headers = {Cookie = r.cookie, ["X-CSRFToken"] = r.token, Referer = "http://127.0.0.1/"}
  if r.method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", r.path, headers, r.body)
  end
  return wrk.format("GET", r.path, headers)
end

function done(summary, latency, requests)
  io.write(string.format("CALLREADY %d %d %d %d %d\n", summary.requests,
    summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


# Pages whose requests each count once: if a run sends more than were prepared, some are sent
# again and take the cheaper "already done" path, which the report must say.
ONE_OFF_PAGES = {"quiz submission", "roleplay step", "drill answer", "review answer"}


@dataclass
class Run:
    """One wrk run: what it sent, how long it took, and its latencies."""

    requests: int
    non_2xx_3xx: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Result:
    page: str
    requests: int
    non_2xx_3xx: int
    rps: float
    p50_ms: float
    p99_ms: float
    baseline_rps: float  # the baseline over the rounds that alternated with this page
    ratio: float
    round_ratios: list[float]
    target: float | None = None
    repeated: int = 0  # one-off requests sent again, which took the cheaper "already done" path

    @classmethod
    def of(cls, page: str, runs: list[Run], baselines: list[Run], repeated: int = 0) -> Result:
        """The page's rounds taken together: throughput over their whole time, the median of
        their median latencies and the worst of their p99s, each compared with the baseline
        runs that came just before them."""
        rps = sum(r.requests for r in runs) / sum(r.seconds for r in runs)
        baseline_rps = sum(b.requests for b in baselines) / sum(b.seconds for b in baselines)
        return cls(
            page=page,
            requests=sum(r.requests for r in runs),
            non_2xx_3xx=sum(r.non_2xx_3xx for r in runs),
            rps=round(rps, 1),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p99_ms=max(r.p99_ms for r in runs),
            baseline_rps=round(baseline_rps, 1),
            ratio=round(rps / baseline_rps, 3),
            round_ratios=[round(r.rps / b.rps, 3) for r, b in zip(runs, baselines, strict=True)],
            target=TARGETS.get(page),
            repeated=repeated,
        )


class Command(BaseCommand):
    help = "Benchmark the key pages against a trivial view (needs wrk and gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reps", type=int, default=500, help="Reps in the organisation (default 500)."
        )
        parser.add_argument(
            "--reps-per-team", type=int, default=25, help="Reps in each team (default 25)."
        )
        parser.add_argument(
            "--working-reps",
            type=int,
            default=None,
            help="Passed to generate_org: the most reps whose work is made (default: its own).",
        )
        parser.add_argument("--modules", type=int, default=20)
        parser.add_argument(
            "--manager-teams",
            type=int,
            default=20,
            help="Teams the dashboard's manager oversees (default 20: 500 reps at 25 a team). "
            "A larger organisation has more managers, not larger teams; the dashboard over "
            "every team is measured as well when there are more.",
        )
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Rounds each page's seconds are split into, each after a run of the baseline "
            "half as long (default 3).",
        )
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "bench-results")
        parser.add_argument(
            "--database-url",
            default="",
            help="Benchmark this database (it is emptied!) instead of a scratch SQLite file.",
        )
        parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["reps"] < 1 or options["reps_per_team"] < 1:
            raise CommandError("--reps and --reps-per-team must be at least 1.")
        if options["rounds"] < 1 or options["duration"] < options["rounds"]:
            raise CommandError("--rounds must be at least 1, with at least a second each.")
        if options["prepare"]:
            plan = benchmark_plan(
                modules=options["modules"], manager_teams=options["manager_teams"]
            )
            options["prepare"].write_text(json.dumps(plan))
            return
        if shutil.which("wrk") is None:
            raise CommandError("wrk is needed: install it (Debian/Ubuntu: apt-get install wrk).")
        work = Path(tempfile.mkdtemp(prefix="callready-bench-"))
        try:
            self.run(work, options)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def run(self, work: Path, options):
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "trainer.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HTTPS": "0",
            "STATIC_ROOT": str(work / "static"),
            "DATABASE_URL": options["database_url"] or f"sqlite:///{work / 'bench.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DEBUG", None)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

        def step(*command, quiet=True):
            self.stdout.write(f"  {' '.join(command)}")
            subprocess.run(
                [*manage, *command],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL if quiet else None,
            )

        self.stdout.write("Setting up a realistic organisation (production settings):")
        if options["database_url"]:
            step("flush", "--no-input")
        step("migrate", "--no-input")
        step("collectstatic", "--no-input")
        content = build_content(work / "content", options["modules"])
        step("load_content", "--root", str(content))
        teams = math.ceil(options["reps"] / options["reps_per_team"])
        working = options["working_reps"]
        step(
            "generate_org",
            "--teams", str(teams),
            "--reps-per-team", str(math.ceil(options["reps"] / teams)),
            "--modules", str(options["modules"]),
            "--prefix", "bench",
            *(["--working-reps", str(working)] if working is not None else []),
        )  # fmt: skip
        step(
            "bench",
            "--prepare", str(work / "plan.json"),
            "--modules", str(options["modules"]),
            "--manager-teams", str(options["manager_teams"]),
        )  # fmt: skip
        plan = json.loads((work / "plan.json").read_text())

        port = options["port"] or free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "trainer.wsgi",
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(options["workers"]),
                "--worker-class", "sync",
                "--log-level", "warning",
                "--chdir", str(settings.BASE_DIR),
            ],
            env=env,
        )  # fmt: skip
        try:
            wait_until_up(base + "/health/", server)
            results = []
            baseline_path = None
            rounds = options["rounds"]
            seconds = max(1, round(options["duration"] / rounds))
            baseline_seconds = max(1, round(seconds / 2))
            for page, requests in plan["pages"].items():
                path = work / f"{slug(page)}.tsv"
                write_requests(path, requests)
                baseline_path = baseline_path or path  # the first page is the baseline
                if page in ONE_OFF_PAGES:
                    # Warm up on the last third, and give each round its own share of the
                    # rest: nothing is sent twice.
                    split = len(requests) * 2 // 3
                    write_requests(work / "warm.tsv", requests[split:])
                    wrk(base, work, work / "warm.tsv", 1, options)
                    share = split // rounds
                    files = []
                    for n in range(rounds):
                        files.append(work / f"{slug(page)}-{n}.tsv")
                        write_requests(files[-1], requests[n * share : (n + 1) * share])
                else:
                    wrk(base, work, path, 2, options)  # warm-up
                    share, files = 0, [path] * rounds
                # The machine's speed drifts over a run (other work, heat), so the page's
                # rounds alternate with the baseline's and each is compared with the one
                # just before it.
                runs, baselines = [], []
                for requests_file in files:
                    baselines.append(wrk(base, work, baseline_path, baseline_seconds, options))
                    runs.append(wrk(base, work, requests_file, seconds, options))
                repeated = sum(max(0, run.requests - share) for run in runs) if share else 0
                results.append(Result.of(page, runs, baselines, repeated))
            # The largest exports the organisation has: every certification record, and every
            # person's every assigned module for the manager who oversees the most.
            dashboards = [page for page in plan["pages"] if page.startswith("team dashboard")]
            exports = [
                CsvExport(
                    "certification report CSV",
                    *stream_csv_memory(
                        base,
                        server.pid,
                        plan["pages"]["certification report"][0][2],
                        reverse("compliance:report-csv"),
                    ),
                ),
                CsvExport(
                    f"{dashboards[-1]} CSV",
                    *stream_csv_memory(
                        base,
                        server.pid,
                        plan["pages"][dashboards[-1]][0][2],
                        reverse("team:dashboard-csv"),
                    ),
                ),
            ]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

        self.report(results, options, plan, exports)

    def report(self, results: list[Result], options, plan, exports: list[CsvExport]):
        header = (
            f"{'page':<32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'baseline':>9} "
            f"{'ratio':>7} {'rounds':>13} {'target':>7} {'errors':>7}"
        )
        lines = [header, "-" * len(header)]
        notes = []
        for r in results:
            target = f"{r.target:.2f}" if r.target else ""
            verdict = "" if r.target is None else ("  ok" if r.ratio >= r.target else "  BELOW")
            if r.repeated:
                notes.append(
                    f"{r.page}: {r.repeated} of {r.requests} requests were sent again and took "
                    "the cheaper 'already done' path, so this rate is optimistic (use more reps "
                    "or a shorter duration)."
                )
            spread = f"{min(r.round_ratios):.3f}-{max(r.round_ratios):.3f}"
            lines.append(
                f"{r.page:<32} {r.rps:>9.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} "
                f"{r.baseline_rps:>9.1f} {r.ratio:>7.3f} {spread:>13} {target:>7} "
                f"{r.non_2xx_3xx:>7}{verdict}"
            )
        database = "PostgreSQL" if options["database_url"] else "SQLite"
        summary = (
            f"{plan['people']} reps, {plan['modules']} modules, {database}, gunicorn "
            f"{options['workers']} sync workers, wrk {options['connections']} connections, "
            f"{options['duration']} s per page in {options['rounds']} rounds, each after the "
            "baseline"
        )
        lines += [f"note: {note}" for note in notes]
        lines += [
            f"{export.name}: {export.rows} rows streamed; the serving worker's peak memory "
            f"grew by {export.peak_memory_growth_kb} KB while it did"
            for export in exports
        ]
        self.stdout.write("\n" + summary)
        self.stdout.write("\n".join(lines))
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (out / f"bench-{stamp}.json").write_text(
            json.dumps(
                {
                    "summary": summary,
                    "results": [asdict(r) for r in results],
                    "csv": [asdict(export) for export in exports],
                },
                indent=2,
            )
        )
        (out / f"bench-{stamp}.txt").write_text(summary + "\n" + "\n".join(lines) + "\n")
        self.stdout.write(f"\nResults written to {out / f'bench-{stamp}.json'}")


def write_requests(path: Path, requests: list[list[str]]) -> None:
    path.write_text("\n".join("\t".join(request) for request in requests) + "\n")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn stopped before it answered; see its messages above.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"The server did not answer at {url}.")


def peak_memory_kb(master_pid: int) -> dict[int, int]:
    """Each gunicorn worker's peak resident memory so far (VmHWM), by process id."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = {}
    for pid in map(int, children):
        status = Path(f"/proc/{pid}/status").read_text()
        peaks[pid] = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))
    return peaks


@dataclass
class CsvExport:
    name: str
    rows: int
    peak_memory_growth_kb: int


def stream_csv_memory(base: str, master_pid: int, cookie: str, path: str) -> tuple[int, int]:
    """Download a whole CSV export, reading it in pieces, and return its rows and how much
    the peak memory of the worker that served it grew meanwhile: a streamed export costs the same
    memory whatever its size."""
    before = peak_memory_kb(master_pid)
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    rows = 0
    with urllib.request.urlopen(request, timeout=600) as response:
        while chunk := response.read(64 * 1024):
            rows += chunk.count(b"\n")
    after = peak_memory_kb(master_pid)
    growth = max((after[pid] - before.get(pid, after[pid]) for pid in after), default=0)
    return max(rows - 1, 0), growth  # the first line is the header


def wrk(base: str, work: Path, requests_file: Path, duration: int, options):
    script = work / "cycle.lua"
    script.write_text(LUA)
    threads = 2
    completed = subprocess.run(
        [
            "wrk", "-t", str(threads), "-c", str(options["connections"]), "-d", f"{duration}s",
            "--timeout", "30s", "-s", str(script), base, "--", str(requests_file), str(threads),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if completed.returncode != 0:
        raise CommandError(f"wrk failed:\n{completed.stdout}{completed.stderr}")
    match = re.search(r"^CALLREADY (\d+) (\d+) (\d+) (\d+) (\d+)$", completed.stdout, re.M)
    if match is None:
        raise CommandError(f"Could not read wrk's output:\n{completed.stdout}{completed.stderr}")
    total, errors, p50_us, p99_us, duration_us = map(int, match.groups())
    return Run(total, errors, duration_us / 1e6, p50_us / 1000, p99_us / 1000)
