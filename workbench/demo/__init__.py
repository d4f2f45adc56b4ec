"""The synthetic demo corpus (500 stop-and-search encounters) and simulated coders.

Everything this package makes is SYNTHETIC and labelled so: invented dialogue, invented
people, personal details from reserved ranges (Ofcom drama numbers, ``example.com``).

- :func:`build_demo_corpus` writes transcripts (WebVTT, SRT, ELAN, CSV/JSONL), metadata and a
  hidden ``_truth/`` folder, deterministically by seed;
- :func:`generate_encounters` and the ``*_frame`` functions give the same data in memory;
- :func:`simulate_coding` turns the ground truth into several coders' annotations with known
  per-code error rates;
- :mod:`workbench.demo.effects` documents the planted effects and the default error profile.
"""

from workbench.demo.coders import simulate_coding
from workbench.demo.corpus import DemoCorpus, build_demo_corpus
from workbench.demo.generate import (
                                     generate_encounters,
                                     metadata_frame,
                                     truth_frame,
                                     utterance_frame,
)
from workbench.demo.pii import PlantedDetail

__all__ = ["DemoCorpus", "PlantedDetail", "build_demo_corpus", "generate_encounters",
           "metadata_frame", "simulate_coding", "truth_frame", "utterance_frame"]
