"""Build the synthetic demo corpus on disk: transcripts in four formats, metadata, and a hidden
``_truth/`` folder (ground-truth codes, planted personal details, planted effects).

Layout of ``out_dir``::

    README.txt                     SYNTHETIC notice, what is where
    metadata.csv                   clip_id, source_file, duration, standard columns, extras
    transcripts/webvtt/*.vtt       ~40 % of clips
    transcripts/srt/*.srt          ~25 %
    transcripts/elan/*.eaf         ~15 %
    transcripts/tabular/utterances.csv, utterances.jsonl   ~10 % + ~10 %
    _truth/codes.csv               clip_id, utterance_index (empty for clip codes), code_id, value
    _truth/utterances.csv          the canonical utterances (with roles)
    _truth/latent.csv              the generator's hidden plan per clip
    _truth/planted_pii.json        {clip_id: [{utterance_index, kind, text}]}
    _truth/effects.json            planted parameters and their realised values
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.demo import effects
from workbench.demo.encounter import Encounter
from workbench.demo.generate import (
    generate_encounters,
    latent_frame,
    metadata_frame,
    planted_details,
    truth_frame,
    utterance_frame,
)
from workbench.demo.pii import PlantedDetail
from workbench.demo.recovery import measure_effects
from workbench.demo.writers import FORMAT_README, PER_CLIP, SYNTHETIC_NOTICE, TABULAR, write_readme
from workbench.exceptions import ParameterError

#: Share of clips written in each format.
FORMAT_SHARES = {"webvtt": 0.40, "srt": 0.25, "elan": 0.15, "csv": 0.10, "jsonl": 0.10}
_OURS = ("README.txt", "metadata.csv", "transcripts", "_truth")


@dataclass(frozen=True)
class DemoCorpus:
    """What :func:`build_demo_corpus` wrote, and the truth tables it wrote from.

    ``transcript_files`` maps each clip to the file holding it; ``formats`` to its format
    (webvtt, srt, elan, csv, jsonl). ``build_seconds`` is the wall time of the build.
    """

    out_dir: Path
    metadata_path: Path
    transcript_files: dict[str, Path]
    formats: dict[str, str]
    truth_dir: Path
    metadata: pd.DataFrame
    utterances: pd.DataFrame
    truth: pd.DataFrame
    pii: list[PlantedDetail]
    build_seconds: float

    def pii_by_clip(self) -> dict[str, list[str]]:
        """Planted personal-detail strings per clip (clips without any are left out)."""
        found: dict[str, list[str]] = {}
        for detail in self.pii:
            found.setdefault(detail.clip_id, []).append(detail.text)
        return found


def assign_formats(clip_ids: list[str], seed: int) -> dict[str, str]:
    """Clip → format, by :data:`FORMAT_SHARES` (largest remainders; every format present
    once there are at least five clips), in a seeded random order."""
    n = len(clip_ids)
    exact = {f: share * n for f, share in FORMAT_SHARES.items()}
    counts = {f: int(v) for f, v in exact.items()}
    for f in sorted(exact, key=lambda f: counts[f] - exact[f])[:n - sum(counts.values())]:
        counts[f] += 1
    for f in counts:
        if n >= len(counts) and counts[f] == 0:
            counts[max(counts, key=counts.__getitem__)] -= 1
            counts[f] = 1
    order = list(clip_ids)
    random.Random(seed).shuffle(order)
    formats: dict[str, str] = {}
    for f, k in counts.items():
        formats.update({c: f for c in order[:k]})
        order = order[k:]
    return {c: formats[c] for c in clip_ids}


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        readme = out_dir / "README.txt"
        if not (readme.is_file() and readme.read_text(encoding="utf-8").startswith(
                "SYNTHETIC DATA")):
            raise ParameterError("the folder is not empty and is not a demo corpus; expected "
                                 "an empty or new folder", path=out_dir, field="out_dir")
        for name in _OURS:
            target = out_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def _write_transcripts(encounters: list[Encounter], formats: dict[str, str], root: Path,
                       seed: int) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for fmt, (folder, suffix, writer) in PER_CLIP.items():
        write_readme(root / folder, FORMAT_README[fmt])
        for e in encounters:
            if formats[e.clip_id] == fmt:
                files[e.clip_id] = root / folder / f"{e.clip_id}{suffix}"
                writer(e, files[e.clip_id], seed)
    write_readme(root / "tabular", FORMAT_README["tabular"])
    for fmt, (name, writer) in TABULAR.items():
        chosen = [e for e in encounters if formats[e.clip_id] == fmt]
        writer(chosen, root / "tabular" / name)
        files.update({e.clip_id: root / "tabular" / name for e in chosen})
    return files


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def build_demo_corpus(out_dir: str | Path, n_clips: int = 500, seed: int = 20211,
                      progress: bool = False, *,
                      ethnic_disparity: Mapping[str, float] | None = None) -> DemoCorpus:
    """Generate ``n_clips`` synthetic encounters and write the corpus to ``out_dir``.

    Deterministic: the same ``seed`` (and arguments) gives byte-identical files.
    ``out_dir`` must be new, empty, or an earlier demo corpus (whose files are replaced).
    ``ethnic_disparity`` plants an odds multiplier of escalated outcomes by self-defined
    ethnicity; default none. ``progress`` shows a progress bar while generating.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    _prepare(out)
    encounters = generate_encounters(n_clips, seed, ethnic_disparity=ethnic_disparity,
                                     progress=progress)
    formats = assign_formats([e.clip_id for e in encounters], seed)
    files = _write_transcripts(encounters, formats, out / "transcripts", seed)
    metadata = metadata_frame(encounters)
    metadata.insert(1, "source_file",
                    [files[c].relative_to(out).as_posix() for c in metadata["clip_id"]])
    utterances, truth = utterance_frame(encounters), truth_frame(encounters)
    pii = planted_details(encounters)
    write_readme(out, "Synthetic demo corpus of stop-and-search encounters on body-worn video "
                      f"({n_clips} clips, seed {seed}). metadata.csv describes the clips; "
                      "transcripts/ holds them in WebVTT, SRT, ELAN and tabular formats; "
                      "_truth/ holds the generator's ground truth (do not show it to coders).")
    _csv(metadata, out / "metadata.csv")
    truth_dir = out / "_truth"
    write_readme(truth_dir, "Ground truth of the synthetic corpus: codes.csv (the codes every "
                            "utterance and clip really has), utterances.csv, latent.csv (the "
                            "generator's plan), planted_pii.json, effects.json.")
    _csv(truth, truth_dir / "codes.csv")
    _csv(utterances, truth_dir / "utterances.csv")
    _csv(latent_frame(encounters), truth_dir / "latent.csv")
    by_clip: dict[str, list[dict[str, object]]] = {}
    for d in pii:
        by_clip.setdefault(d.clip_id, []).append(
            {"utterance_index": d.utterance_index, "kind": d.kind, "text": d.text})
    _json({"notice": SYNTHETIC_NOTICE, "planted": by_clip}, truth_dir / "planted_pii.json")
    _json({"notice": SYNTHETIC_NOTICE, "seed": seed, "n_clips": n_clips,
           "ethnic_disparity": dict(ethnic_disparity or {}),
           "planted": effects.planted_parameters(),
           "realised": measure_effects(truth, utterances, metadata)},
          truth_dir / "effects.json")
    return DemoCorpus(out, out / "metadata.csv", files, formats, truth_dir, metadata,
                      utterances, truth, pii, time.perf_counter() - started)


def _json(data: object, path: Path) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8", newline="\n")
