"""``python -m labkit.hardware``: run the sweep, write the JSON file, print a summary."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._checks import Each, Optional, Text
from .._contract import contract
from .harness import available_devices
from .results import provenance
from .roofline import _peaks
from .storage import _Path, save_results
from .sweep import run_sweep


@contract(argv=Optional(Each(Text(empty=True), min_len=0)))
def main(argv: Sequence[str] | None = None) -> int:
    """``python -m labkit.hardware``: run the sweep, write the JSON file, print a summary."""
    parser = argparse.ArgumentParser(prog="python -m labkit.hardware", description=main.__doc__)
    parser.add_argument("--output", "-o", required=True, help="JSON file to write")
    parser.add_argument("--devices", nargs="+", default=None, help=f"default: all available {available_devices()}")
    parser.add_argument("--profile", choices=("tiny", "quick", "full"), default="full")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: all, plus one-thread rows)")
    args = parser.parse_args(argv)
    _Path("write").check("--output", args.output)  # before the sweep, not after an hour of it
    run = run_sweep(args.devices, args.profile, args.repeats, log=lambda m: print(m, file=sys.stderr, flush=True),
                    threads=args.threads)
    path = save_results(run, args.output)
    for device in run.environment["devices"]:
        peak = _peaks(run.results, device)
        print(f"{device}: {provenance(run, device)}")
        for dtype, flops in peak["peak_flops_by_dtype"].items():
            print(f"  best {dtype} FLOP/s: {flops / 1e9:,.1f} GFLOP/s")
        if peak["bandwidth"] is not None:  # None where every addition failed (out of memory, say)
            print(f"  best bandwidth: {peak['bandwidth'] / 1e9:.1f} GB/s")
    print(f"wrote {len(run.results)} results to {path}")
    return 0
