"""Benchmark the geography: build time, resident memory of the loaded geography, resolve rate.

    .venv/bin/python bench/geo.py [--n 300000] [--seed 7]

Builds the default geography into a fresh temporary directory (timed), then resolves a realistic
mix of real postcodes typed in varied ways through ``resolve_postcode`` and compares the rate with
a plain dict lookup of already-normalised postcodes.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.settings import get_settings
from hub.geo.build_default import postcode_files, read_postcode_file
from hub.geo.resolver import loaded_geography, resolve_postcode
from hub.geo.store import GeoStore, use_geo_dir
from hub.process_settings import use_settings
from hub.rules import get_active_rules


def rss_mb() -> float:
    """Resident set size of this process in MB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def typed_variants(postcodes: list[str], rng: random.Random) -> list[str]:
    """The postcodes as people type them: case, spacing and white space vary."""
    out: list[str] = []
    for postcode in postcodes:
        compact = postcode.replace(" ", "")
        pretty = f"{compact[:-3]} {compact[-3:]}"
        roll = rng.random()
        if roll < 0.45:
            out.append(pretty)
        elif roll < 0.65:
            out.append(pretty.lower())
        elif roll < 0.80:
            out.append(compact.lower())
        elif roll < 0.90:
            out.append(f"  {pretty} ")
        elif roll < 0.95:
            out.append(f"{compact[:-3]}   {compact[-3:].lower()}")
        elif roll < 0.97:
            out.append(compact[:-3])  # district only
        elif roll < 0.99:
            out.append(f"{compact[:-3]} {compact[-3]}")  # sector only
        else:
            out.append(
                rng.choice(
                    ["", "n/a", "SW1A 1AAA", "12345", "\uff33\uff37\uff11\uff21 \uff11\uff21\uff21"]
                )
            )
    return out


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    use_settings(get_settings())  # this process's edge: its keys, rules file, geography
    share = get_active_rules().partial_postcode_share  # what the router passes

    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        geo_dir = Path(tmp)
        # Sample the workload before measuring memory, so it is not counted as geography.
        every: list[tuple[str, str]] = []
        for path in postcode_files():
            data = read_postcode_file(path)
            every.extend(zip(data["pcd"], data["laua"], strict=True))
        chosen = rng.sample(every, args.n)
        del every
        inputs = typed_variants([p for p, _ in chosen], rng)

        from hub.geo.build_default import build_default_geography

        store = GeoStore(geo_dir)
        started = time.perf_counter()
        with store.lock():
            version_id, _ = build_default_geography(store, activate=True)
        build_seconds = time.perf_counter() - started

        import gc

        gc.collect()
        before = rss_mb()
        geography = loaded_geography(geo_dir)
        # Touch every page of the table so the memory figure is the worst case, not lazy.
        checksum = int(geography._array.sum())
        for postcode in inputs[:20_000]:
            resolve_postcode(postcode, min_share=share, geo_dir=geo_dir)
        after = rss_mb()

        # Without geo_dir the resolver takes its process-wide fast path, as the router does.
        use_geo_dir(geo_dir)
        resolve_postcode("SW1A 1AA", min_share=share)
        started = time.perf_counter()
        matched = 0
        for text in inputs:
            if resolve_postcode(text, min_share=share).authority is not None:
                matched += 1
        resolve_seconds = time.perf_counter() - started

        baseline = {f"{p.replace(' ', '')[:-3]} {p.replace(' ', '')[-3:]}": d for p, d in chosen}
        keys = list(baseline)
        keys = [keys[i % len(keys)] for i in range(len(inputs))]
        started = time.perf_counter()
        hits = 0
        for key in keys:
            if baseline.get(key) is not None:
                hits += 1
        baseline_seconds = time.perf_counter() - started

    rate = len(inputs) / resolve_seconds
    baseline_rate = len(keys) / baseline_seconds
    print(f"geography version:            {version_id} (table checksum {checksum})")
    print(f"build default geography:      {build_seconds:.1f} s (goal <= 60 s)")
    print(f"resident memory added:        {after - before:.1f} MB (goal <= 100 MB)")
    print(f"resolve_postcode:             {rate:,.0f} /s over {len(inputs):,} typed inputs")
    print(f"  (goal >= 200,000 /s; {matched:,} named an authority)")
    print(f"baseline dict.get:            {baseline_rate:,.0f} /s (normalised keys, {hits:,} hits)")
    print(f"resolve / baseline:           {rate / baseline_rate:.3f}")


if __name__ == "__main__":
    main()
