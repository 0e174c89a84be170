"""Measure how many round-trips per second a running msgpact peer answers (a quick load client).

Why this file exists: the Python peer must keep up with the Go and Rust peers (within 3x), so the per-message
path of msgpact_peer is measured, not guessed. The client keeps a window of requests in flight, as the runner
does, on one reply subscription, and checks every reply (status ok, case echoed, bytes as expected).

    python tools/bench_throughput.py --url nats://127.0.0.1:4222 --prefix msgpact.run.bench --peer python \
        --type test.Point --count 20000 --window 256

The peer under test is any peer serving --type; the payload is msgpack {"x": 1, "y": 2} unless --payload-hex.
A reply is bad when its status is not ok or its case is not the request's; replies whose bytes differ from the
request's are counted apart ("other bytes": a Go or Rust peer may write the same value differently).
Requests are bounded by --count and by --timeout seconds; the script always stops by itself.
"""

import argparse
import asyncio
import sys
import time

import msgpack
import nats


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--type", default="test.Point")
    ap.add_argument("--payload-hex", default=None)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--window", type=int, default=256)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    payload = bytes.fromhex(args.payload_hex) if args.payload_hex else msgpack.packb({"x": 1, "y": 2})
    subject = f"{args.prefix}.{args.peer}.roundtrip"
    nc = await nats.connect(args.url, pending_size=64 * 1024 * 1024)
    inbox = nc.new_inbox()
    done = asyncio.Event()
    state = {"answered": 0, "bad": 0, "other_bytes": 0, "sent": 0}
    window = asyncio.Semaphore(args.window)

    async def on_reply(msg):
        h = msg.headers or {}
        case = msg.subject.rpartition(".")[2]
        if h.get("Msgpact-Status") != "ok" or h.get("Msgpact-Case") != case:
            state["bad"] += 1
            if state["bad"] <= 3:
                print(f"bad reply: {h} {msg.data!r}", file=sys.stderr)
        elif msg.data != payload:
            state["other_bytes"] += 1
        state["answered"] += 1
        window.release()
        if state["answered"] >= args.count:
            done.set()

    await nc.subscribe(inbox + ".*", cb=on_reply)
    await nc.flush()
    start = time.perf_counter()
    deadline = start + args.timeout

    async def send():
        for i in range(args.count):
            await window.acquire()
            if time.perf_counter() > deadline:
                break
            case = f"c{i}"
            await nc.publish(subject, payload, reply=f"{inbox}.{case}",
                             headers={"Msgpact-Type": args.type, "Msgpact-Case": case})
            state["sent"] += 1

    sender = asyncio.ensure_future(send())
    try:
        await asyncio.wait_for(done.wait(), timeout=args.timeout)
    except asyncio.TimeoutError:
        print("timed out", file=sys.stderr)
    elapsed = time.perf_counter() - start
    sender.cancel()
    await nc.close()
    rate = state["answered"] / elapsed if elapsed else 0.0
    print(f"{state['answered']} of {args.count} answered ({state['bad']} bad, {state['other_bytes']} other bytes) "
          f"in {elapsed:.2f} s: "
          f"{rate:,.0f} exchanges/s (window {args.window})")
    return 0 if state["answered"] == args.count and state["bad"] == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
