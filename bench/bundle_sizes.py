"""Bundle sizes with originals and with --light, for the demo catalog plus generated videos.

    .venv/bin/python bench/bundle_sizes.py [--videos 4] [--seconds 10]

Builds a throwaway home (demo + N generated 854x480 videos of about 2.5 Mbit/s with
stereo AAC, attached to demo works), makes the light renditions, then exports the whole
catalog twice with ``contentlib bundle export`` and prints both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_video(path: Path, seconds: int, seed: int, size=(854, 480), fps=25) -> None:
    import av
    import numpy as np

    rng = np.random.default_rng(seed)
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt, v.bit_rate = size[0], size[1], "yuv420p", 2_500_000
        a = out.add_stream("aac", rate=48000, layout="stereo")
        a.bit_rate = 128_000
        for i in range(seconds * fps):
            arr = np.zeros((size[1], size[0], 3), np.uint8)
            arr[..., 0] = (np.arange(size[0]) + i * (7 + seed)) % 256
            arr[..., 1] = (np.arange(size[1])[:, None] + i * 3) % 256
            arr[::4, ::4, 2] = rng.integers(0, 255, (size[1] // 4, (size[0] + 3) // 4), dtype=np.uint8)
            for p in v.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
                out.mux(p)
        t = 0
        while t < seconds * 48000:
            x = (np.sin(2 * np.pi * (220 + 110 * seed) * np.arange(t, t + 1024) / 48000) * 0.3).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(np.vstack([x, x]), format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = 48000, t
            for p in a.encode(frame):
                out.mux(p)
            t += 1024
        for stream in (v, a):
            for p in stream.encode():
                out.mux(p)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=10)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bundle-sizes-"))
    env = {**os.environ, "CONTENTLIB_HOME": str(tmp / "home")}
    for name in ("CONTENTLIB_DATABASE_URL", "CONTENTLIB_INDEX_DIR", "CONTENTLIB_MEDIA_DIR"):
        env.pop(name, None)
    cmd = [sys.executable, "-c", "from catalog.cli import main; main()"]

    def run(*a) -> str:
        return subprocess.run(cmd + list(a), env=env, check=True, capture_output=True, text=True).stdout

    run("demo")
    demo = [json.loads(line) for line in (ROOT / "contentlib/data/demo/catalog.jsonl").read_text("utf-8").splitlines()]
    demo_files = sum(len(r.get("media", [])) for r in demo)
    (tmp / "src" / "media").mkdir(parents=True)
    videos = []
    for i in range(args.videos):
        make_video(tmp / "src" / "media" / f"v{i}.mp4", args.seconds, seed=i)
        videos.append({"id": f"bench-video-{i}", "type": "video", "titles": {"zh": f"测试视频 {i}"},
                       "subjects": ["physical-science"], "media": [{"path": f"media/v{i}.mp4", "role": "original"}]})
    with open(tmp / "src" / "videos.jsonl", "w", encoding="utf-8") as fh:
        for rec in videos:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    run("import", str(tmp / "src" / "videos.jsonl"))
    started = time.monotonic()
    run("renditions", "make")
    made = time.monotonic() - started
    run("bundle", "export", str(tmp / "full.zip"))
    light_out = run("bundle", "export", str(tmp / "light.zip"), "--light")
    full, light = (tmp / "full.zip").stat().st_size, (tmp / "light.zip").stat().st_size
    print(f"home: demo ({len(demo)} works, {demo_files} files) + {len(videos)} generated "
          f"{args.seconds}-second 854x480 videos")
    print(f"light renditions made in {made:.1f} s")
    print(f"bundle with originals: {full:,} bytes")
    print(f"bundle --light:        {light:,} bytes ({100 * (full - light) / full:.0f}% smaller)")
    print("bundle export --light said:", [line for line in light_out.splitlines() if "smaller" in line][0])
    print(f"(files in {tmp})")


if __name__ == "__main__":
    main()
