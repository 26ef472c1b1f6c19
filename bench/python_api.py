# Times python3-lxc's or userbox's Python API on one stopped container: Container.start (until it
# returns, the container running) and attach_wait(attach_run_command, ["true"]) round trips.
# Usage: python3 python_api.py MODULE NAME RUNS; prints JSON medians in seconds.
import importlib
import json
import statistics
import sys
import time

mod = importlib.import_module(sys.argv[1])
c = mod.Container(sys.argv[2])
runs = int(sys.argv[3])
starts, attaches = [], []
for _ in range(runs):
    if c.running:
        c.stop()
        c.wait("STOPPED", 10)
    t = time.perf_counter()
    c.start()
    starts.append(time.perf_counter() - t)
    c.wait("RUNNING", 10)
    for _ in range(5):
        t = time.perf_counter()
        c.attach_wait(mod.attach_run_command, ["true"])
        attaches.append(time.perf_counter() - t)
c.stop()
print(json.dumps({"start": statistics.median(starts), "attach": statistics.median(attaches), "runs": runs}))
