"""Benchmark: ingest 500 transcript files (mixed formats) plus metadata into a fresh SQLite store.

By default a SYNTHETIC corpus is generated in a temporary folder: 500 clips of 20–150
utterances each (seeded), as WebVTT (35%), SRT (25%), ELAN (15%), CSV (15%) and JSON Lines
(10%) files, with overlapping turns, speaker labels in each format's convention and a metadata
CSV with extra columns. ``--corpus DIR`` times an existing folder instead (e.g. one written by
the demo); ``--metadata FILE`` adds its metadata CSV.

Prints the machine, the wall time of reading alone and of the full ingest (read + one store
transaction) — target ≤ 10 s — the time of an idempotent re-ingest, and peak memory: Python
allocations (tracemalloc, on a second fresh store, since tracing slows the run) and the
process's maximum resident set size (getrusage) — target ≤ 500 MB.

    python bench/ingest.py [--clips 500] [--seed 0] [--corpus DIR [--metadata FILE]]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from workbench.ingest import ingest_paths, read_transcript
from workbench.ingest.batch import collect_files
from workbench.store import Store, default_sqlite_url

_VOCABULARY = """you stop search here why because drugs smell bag pocket name station grounds
detained copy record calm down fine okay mate sir please hands officer right looking for
stolen phone description matches seen running shop"""
WORDS = _VOCABULARY.split()
FORMATS = [("vtt", 0.35), ("srt", 0.25), ("eaf", 0.15), ("csv", 0.15), ("jsonl", 0.10)]
OFFICERS = ["PC Smith", "PC Khan", "Sgt Patel", "PS Jones"]
OTHERS = ["Subject", "Subject", "Subject", "Bystander", "Friend"]


def _turns(rng: random.Random, n: int) -> list[tuple[float, float, str, str]]:
    """n SYNTHETIC turns; about one in eight overlaps the one before."""
    turns, t = [], 0.0
    officer = rng.choice(OFFICERS)
    for i in range(n):
        start = max(0.0, t - rng.uniform(0.1, 0.8)) if i and rng.random() < 0.125 else t
        end = start + rng.uniform(0.6, 5.0)
        speaker = officer if rng.random() < 0.55 else rng.choice(OTHERS)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 18))).capitalize() + "."
        turns.append((round(start, 3), round(end, 3), speaker, text))
        t = end + rng.uniform(0.0, 1.5)
    return turns


def _vtt_ts(s: float) -> str:
    return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:06.3f}"


def _srt_ts(s: float) -> str:
    return _vtt_ts(s).replace(".", ",")


def _write_vtt(path: Path, turns) -> None:
    cues = [f"{i + 1}\n{_vtt_ts(a)} --> {_vtt_ts(b)}\n<v {who}>{text}</v>"
            for i, (a, b, who, text) in enumerate(turns)]
    path.write_text("WEBVTT\n\nNOTE SYNTHETIC benchmark transcript\n\n" + "\n\n".join(cues)
                    + "\n", encoding="utf-8")


def _write_srt(path: Path, turns) -> None:
    cues = [f"{i + 1}\n{_srt_ts(a)} --> {_srt_ts(b)}\n{who}: {text}"
            for i, (a, b, who, text) in enumerate(turns)]
    path.write_text("\n\n".join(cues) + "\n", encoding="utf-8")


def _write_eaf(path: Path, turns) -> None:
    slots, tiers = [], {}
    for i, (a, b, who, text) in enumerate(turns):
        slots += [f'<TIME_SLOT TIME_SLOT_ID="ts{2 * i + 1}" TIME_VALUE="{round(a * 1000)}"/>',
                  f'<TIME_SLOT TIME_SLOT_ID="ts{2 * i + 2}" TIME_VALUE="{round(b * 1000)}"/>']
        tiers.setdefault(who, []).append(
            f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i + 1}" '
            f'TIME_SLOT_REF1="ts{2 * i + 1}" TIME_SLOT_REF2="ts{2 * i + 2}"><ANNOTATION_VALUE>'
            f"{text}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>")
    body = "".join(f'<TIER LINGUISTIC_TYPE_REF="utt" PARTICIPANT="{who}" TIER_ID="{who}">'
                   + "".join(anns) + "</TIER>\n" for who, anns in tiers.items())
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- SYNTHETIC benchmark transcript -->\n'
        '<ANNOTATION_DOCUMENT AUTHOR="synthetic" DATE="2024-01-01T00:00:00+00:00" FORMAT="3.0" '
        'VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>\n<TIME_ORDER>' + "".join(slots)
        + "</TIME_ORDER>\n" + body
        + '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="utt" TIME_ALIGNABLE="true"/>\n'
        "</ANNOTATION_DOCUMENT>\n", encoding="utf-8")


def _write_table(path: Path, clip_id: str, turns) -> None:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps({"clip_id": clip_id, "start": a, "end": b,
                                            "speaker": who, "text": text}) + "\n"
                                for a, b, who, text in turns), encoding="utf-8")
        return
    rows = [f'{clip_id},{a},{b},{who},,"{text}"' for a, b, who, text in turns]
    path.write_text("clip_id,start,end,speaker,role,text\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")


def write_corpus(folder: Path, n_clips: int, seed: int) -> tuple[Path, int]:
    """Write the SYNTHETIC corpus and its metadata CSV; returns (metadata path, utterances)."""
    rng = random.Random(seed)
    (folder / "transcripts").mkdir(parents=True)
    meta = ["clip_id,borough,date,power,outcome,n_officers,synthetic,audio_quality"]
    n_utterances = 0
    for k in range(n_clips):
        clip_id = f"bench_{k:04d}"
        fmt = rng.choices([f for f, _ in FORMATS], [w for _, w in FORMATS])[0]
        turns = _turns(rng, rng.randint(20, 150))
        n_utterances += len(turns)
        path = folder / "transcripts" / f"{clip_id}.{fmt}"
        if fmt == "vtt":
            _write_vtt(path, turns)
        elif fmt == "srt":
            _write_srt(path, turns)
        elif fmt == "eaf":
            _write_eaf(path, turns)
        else:
            _write_table(path, clip_id, turns)
        meta.append(f"{clip_id},{rng.choice(['Lambeth', 'Hackney', 'Croydon'])},"
                    f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},PACE s1,nfa,"
                    f"{rng.randint(1, 4)},true,{rng.choice(['good', 'poor'])}")
    meta_path = folder / "clip_metadata.csv"
    meta_path.write_text("\n".join(meta) + "\n", encoding="utf-8")
    return meta_path, n_utterances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, help="time this folder instead of generating")
    parser.add_argument("--metadata", type=Path, help="metadata CSV for --corpus")
    args = parser.parse_args()

    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bwv-bench-ingest-") as tmp:
        tmp_dir = Path(tmp)
        if args.corpus:
            corpus, meta = args.corpus, args.metadata
            print(f"corpus: {corpus}")
        else:
            t0 = time.perf_counter()
            meta, n = write_corpus(tmp_dir, args.clips, args.seed)
            corpus = tmp_dir / "transcripts"
            print(f"corpus: SYNTHETIC, {args.clips} clips, {n} utterances, written in "
                  f"{time.perf_counter() - t0:.1f} s")
        files = collect_files([corpus])
        sizes = {}
        for f in files:
            sizes[f.suffix] = sizes.get(f.suffix, 0) + 1
        print("files: " + ", ".join(f"{n} {ext}" for ext, n in sorted(sizes.items())))

        t0 = time.perf_counter()
        n_read = sum(len(c.turns) for f in files for c in read_transcript(f))
        read_s = time.perf_counter() - t0
        print(f"read only:        {read_s:6.2f} s  ({n_read} utterances)")

        store = Store(default_sqlite_url(tmp_dir / "store.sqlite"))
        t0 = time.perf_counter()
        report = ingest_paths(store, [corpus], metadata=meta, progress=False)
        ingest_s = time.perf_counter() - t0
        print(f"full ingest:      {ingest_s:6.2f} s  ({len(report.added)} clips added, "
              f"{report.n_utterances} utterances; target ≤ 10 s) "
              f"{'OK' if ingest_s <= 10 else 'OVER TARGET'}")
        t0 = time.perf_counter()
        again = ingest_paths(store, [corpus], metadata=meta, progress=False)
        print(f"re-ingest (same): {time.perf_counter() - t0:6.2f} s  "
              f"({len(again.unchanged)} unchanged)")
        store.close()

        traced = Store(default_sqlite_url(tmp_dir / "traced.sqlite"))
        tracemalloc.start()
        ingest_paths(traced, [corpus], metadata=meta, progress=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced.close()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak Python allocations (tracemalloc, one ingest): {peak / 2**20:6.1f} MB")
    print(f"max resident set size (whole run, getrusage):      {maxrss_mb:6.1f} MB; "
          f"target ≤ 500 MB {'OK' if maxrss_mb <= 500 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
