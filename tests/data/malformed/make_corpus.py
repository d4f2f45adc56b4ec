"""Writes the fixed corpus of malformed inputs (run from this folder; the files are committed).

Every file is SYNTHETIC and made here by hand, after the kinds of input that ended in a
traceback, a hang or a PostgreSQL-only failure in the fuzzing of issue 11. Expectations live in
``tests/test_malformed_inputs.py``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
MINI = (HERE.parents[0] / "codebooks" / "mini" / "1.0.0.yaml").read_text(encoding="utf-8")
PARAMS = "layer: consensus\nboroughs: [Lambeth]\nseed: 7\n"
EAF = (HERE.parents[0] / "transcripts" / "stop_0003.eaf").read_text(encoding="utf-8")
LAUGHS = ('<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY l0 "lol">'
          + "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10)) + "]>\n")
CONFIG = "store: sqlite:///store.sqlite\ncodebook: stop-search@1.0.0\n"


def bomb(levels: int = 9, width: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * width)}]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


FILES: dict[str, bytes] = {
    # codebooks
    "codebook/cp1252.yaml": MINI.replace("Mini test codebook", "Mini codebook – café").encode(
        "cp1252"),
    "codebook/nul.yaml": MINI.replace("title: Mini", "title: Mi\x00ni").encode(),
    "codebook/alias_bomb.yaml": (MINI + "x-bomb:\n" + "".join(
        "  " + line + "\n" for line in bomb().splitlines())).encode(),
    "codebook/deep.yaml": (MINI + "x-deep: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "codebook/huge_int.yaml": MINI.replace("max: 3600", "max: " + "9" * 5000).encode(),
    "codebook/recursive_alias.yaml": (MINI + "x-loop: &loop [1, *loop]\n").encode(),
    "codebook/utf16_no_bom.yaml": MINI.encode("utf-16-le"),
    # study parameters
    "params/cp1252.yaml": (PARAMS + "bcus: [Süd]\n").encode("cp1252"),
    "params/nul.yaml": (PARAMS + "bcus: [a\x00b]\n").encode(),
    "params/huge_int.yaml": PARAMS.replace("seed: 7", "seed: " + "9" * 5000).encode(),
    "params/int_over_64_bits.yaml": PARAMS.replace("seed: 7", "seed: 9223372036854775808").encode(),
    "params/alias_bomb.yaml": (bomb() + "seed: 7\n").encode(),
    "params/deep.yaml": ("boroughs: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "params/bad_date.yaml": (PARAMS + "date_from: 2021-13-45\n").encode(),
    # project config (bwv.yaml, one folder each)
    "project/alias_bomb/bwv.yaml": (CONFIG + "x: " + "\n" + "".join(
        "  " + line + "\n" for line in bomb().splitlines())).encode(),
    "project/nul/bwv.yaml": CONFIG.replace("stop-search", "stop\x00search").encode(),
    "project/cp1252/bwv.yaml": (CONFIG + "# café\n").encode("cp1252"),
    "project/store_not_text/bwv.yaml": b"store: [1, 2]\n",
    "project/bad_speaker_rule/bwv.yaml": (CONFIG + "speakers:\n  - {pattern: '(', "
                                          "role: officer}\n").encode(),
    # transcripts
    "transcripts/nul.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v PC A>Hel\x00lo\n",
    "transcripts/cp1252.srt": "1\n00:00:01,000 --> 00:00:02,000\nPC A: café\n".encode("cp1252"),
    "transcripts/deep.jsonl": (b'{"clip_id": "c1", "start": 0, "end": 1, "speaker": "PC A", '
                               b'"text": "hi", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}\n"),
    "transcripts/huge_int.jsonl": (b'{"clip_id": "c1", "start": ' + b"9" * 5000 +
                                   b', "end": 1, "speaker": "PC A", "text": "hi"}\n'),
    "transcripts/surrogate.jsonl": (b'{"clip_id": "c1", "start": 0, "end": 1, "speaker": "PC A"'
                                    b', "text": "half a pair: \\ud800"}\n'),
    "transcripts/long_speaker.csv": ("clip_id,start,end,speaker,text\nc1,0,1," + "Officer " * 40
                                     + ",hello\n").encode(),
    "transcripts/nan_time.jsonl": (b'{"clip_id": "c1", "start": NaN, "end": 1, "speaker": "PC A"'
                                   b', "text": "hi"}\n'),
    "transcripts/billion_laughs.eaf": EAF.replace("<!-- SYNTHETIC", LAUGHS + "<!-- SYNTHETIC")
    .replace("<ANNOTATION_VALUE>Stop", "<ANNOTATION_VALUE>&l9; Stop").encode(),
    "transcripts/huge_time.eaf": EAF.replace('TIME_VALUE="1000"', 'TIME_VALUE="' + "9" * 400
                                             + '"').encode(),  # overflowed a float
    "transcripts/huge_time_5000_digits.eaf": EAF.replace(
        'TIME_VALUE="1000"', 'TIME_VALUE="' + "9" * 5000 + '"').encode(),
    "transcripts/nul.eaf": EAF.replace("synthetic", "synth\x00etic", 1).encode(),
    "transcripts/deep.json": b"[" * 5000 + b"]" * 5000,  # Whisper JSON: RecursionError
    "transcripts/huge_int.json": b'[{"start": ' + b"9" * 5000 + b', "end": 1, "text": "x"}]',
    "transcripts/surrogate.json": b'[{"start": 0, "end": 1, "text": "\\ud800 alone"}]',
    # clip metadata
    "metadata/long_borough.csv": ("clip_id,borough\nc1," + "Lambeth" * 20 + "\n").encode(),
    "metadata/huge_officers.csv": b"clip_id,n_officers\nc1,99999999999\n",
    "metadata/nul.csv": b"clip_id,borough\nc1,Lam\x00beth\n",
    # ratings files for bwv irr
    "ratings/nul.csv": b"unit,coder,value\nu1,A,1\nu1,B,\x001\n",
    "ratings/cp1252.csv": "unit,coder,value\nu1,A,oui\nu1,B,café\n".encode("cp1252"),
    # store files
    "store/not_a_database.sqlite": b"# this is a text file, not a SQLite store\n" * 20,
    "store/header_only.sqlite": b"SQLite format 3\x00" + b"\x00" * 84,
}


def main() -> None:
    for name, data in FILES.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


if __name__ == "__main__":
    main()
