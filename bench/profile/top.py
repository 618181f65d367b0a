#!/usr/bin/env python3
"""Summarises a dotnet-trace speedscope file: the frames that busy threads spent the most samples in.

dotnet-trace's thread-time profile samples every managed thread, waiting or not; samples whose innermost frames are
a wait (thread pool idling, socket polls, semaphores) are dropped, so what is left approximates CPU time.
usage: top.py FILE.speedscope.json [N] [--inclusive-filter SUBSTRING]
"""
import json
import sys
from collections import Counter

IDLE = ("WaitHandle", "LowLevelLifoSemaphore", "Monitor.Wait", "Thread.Sleep", "WaitOneCore", "WaitForSignal",
        "SocketAsyncEngine.EventLoop", "epoll", "Interop+Sys.WaitForSocketEvents", "ManualResetEventSlim.Wait",
        "SemaphoreSlim.Wait", "Thread.StartCore", "TimerQueue", "LowLevelLock", "WaitNative", "Blocking",
        "PortableThreadPool+GateThread", "SleepEx", "UNMANAGED_CODE_TIME", "ReadKey")


def stacks_of(profile):
    """(stack, weight) pairs of a sampled profile, or of an evented one (open/close events, weighted by time)."""
    if profile.get("type") != "evented":
        yield from zip(profile["samples"], profile["weights"])
        return
    stack, last = [], None
    for event in profile["events"]:
        if last is not None and stack and event["at"] > last:
            yield list(stack), event["at"] - last
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 40
    needle = None
    if "--inclusive-filter" in sys.argv:
        needle = sys.argv[sys.argv.index("--inclusive-filter") + 1]
    doc = json.load(open(path))
    frames = [f["name"] for f in doc["shared"]["frames"]]
    inclusive, exclusive = Counter(), Counter()
    busy = total = 0
    for profile in doc["profiles"]:
        for stack, weight in stacks_of(profile):
            total += weight
            names = [frames[i] for i in stack]
            # thread-time marks running samples with a CPU_TIME pseudo-frame; anything else is a thread waiting.
            if not names or names[-1] != "CPU_TIME":
                continue
            names = names[:-1]
            if not names:
                continue
            leaf = " ".join(names[-3:])
            if any(w in leaf for w in IDLE):
                continue
            if needle and not any(needle in x for x in names):
                continue
            busy += weight
            exclusive[names[-1]] += weight
            for name in set(names):
                inclusive[name] += weight
    print(f"busy samples: {busy} of {total}")
    print("\n== exclusive ==")
    for name, w in exclusive.most_common(n):
        print(f"{100.0 * w / busy:6.2f}%  {name[:160]}")
    print("\n== inclusive ==")
    for name, w in inclusive.most_common(n):
        print(f"{100.0 * w / busy:6.2f}%  {name[:160]}")


if __name__ == "__main__":
    main()
