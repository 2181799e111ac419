"""Peak memory of a whole process tree: a build and its worker processes, summed.

    python benchmarks/tree_rss.py PROJECT_DIR archivegen build --input articles --output site

Runs the command in PROJECT_DIR and samples the RSS of it and of every descendant from /proc
every 0.2 s (Linux only). Prints the command's output, the peak of the summed RSS with each
process's share at that moment, and, per phase of the build's `phases:` line, the largest sum
and the build process's own RSS (phase boundaries are placed from the phase times, counted
back from the end: approximate by the start-up time).

wait4's ru_maxrss, which ../shared/bench/timecmd.py reports, is the largest single process,
not the sum: issue #18's 100k target (≤ 500 MiB for parent and workers together) needs this.

Last, each process's user and system CPU time as last sampled (a process that ends between
two samples loses at most 0.2 s of it): which process a larger archive costs more in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def tree(root: int, cpu: dict[int, tuple[float, float]] | None = None
         ) -> list[tuple[int, float, str]]:
    """(pid, RSS in MiB, command) of `root` and every process below it; with `cpu`, each
    one's (user, system) CPU seconds so far are put in it."""
    children: dict[int, list[int]] = {}
    times: dict[int, tuple[float, float]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(name))
                times[int(name)] = (int(fields[11]) / TICKS, int(fields[12]) / TICKS)
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status") as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ")[:60].decode(errors="replace")
            found.append((pid, rss / 1024, command))
            if cpu is not None and pid in times:
                cpu[pid] = times[pid]
        except (OSError, StopIteration):
            pass
        todo += children.get(pid, [])
    return found


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    began = time.monotonic()
    proc = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    peak, at, shares = 0.0, 0.0, []
    timeline: list[tuple[float, float, float]] = []
    cpu: dict[int, tuple[float, float]] = {}
    commands: dict[int, str] = {}
    while proc.poll() is None:
        found = tree(proc.pid, cpu)
        commands.update((pid, command) for pid, _, command in found)
        total = sum(rss for _, rss, _ in found)
        own = next((rss for pid, rss, _ in found if pid == proc.pid), 0.0)
        timeline.append((time.monotonic() - began, total, own))
        if total > peak:
            peak, at, shares = total, time.monotonic() - began, found
        time.sleep(0.2)
    wall = time.monotonic() - began
    out = proc.stdout.read() if proc.stdout else ""
    print(out[-800:])
    print(f"exit {proc.returncode}; peak tree RSS {peak:.0f} MiB at {at:.1f} s, wall {wall:.1f} s")
    for pid, rss, command in shares:
        print(f"  {pid} {rss:.0f} MiB {command}")
    if found := re.search(r"phases: (.*)", out):
        phases = [(name.strip(), float(secs))
                  for name, secs in re.findall(r"([a-z+ ]+) ([\d.]+) s", found[1])]
        start = wall - sum(secs for _, secs in phases)
        for name, secs in phases:
            inside = [x for x in timeline if start <= x[0] < start + secs]
            if inside:
                print(f"  {name:14} {start:7.1f}-{start + secs:7.1f} s  tree max "
                      f"{max(x[1] for x in inside):5.0f}  build process max "
                      f"{max(x[2] for x in inside):5.0f} MiB")
            start += secs
    print("CPU by process (user + system, s):")
    for pid, (user, system) in sorted(cpu.items()):
        print(f"  {pid} {user:7.1f} + {system:6.1f}  {commands.get(pid, '')}")
    print(f"  all {sum(u for u, _ in cpu.values()):7.1f} + "
          f"{sum(s for _, s in cpu.values()):6.1f}")
    return proc.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
