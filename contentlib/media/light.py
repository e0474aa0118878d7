"""The light rendition of a video: at most 360 lines, H.264 about 350 kbit/s, AAC mono 48 kbit/s, faststart.

For viewers on slow or costly connections, and for ``bundle export --light``.
It runs outside a request (a worker or ``contentlib renditions make``).
"""

from __future__ import annotations

import fractions
import os
from pathlib import Path

import av

from ..atomic import atomic_path
from ._files import owner_tag

HEIGHT = 360
VIDEO_BITRATE = 350_000
AUDIO_BITRATE = 48_000
AUDIO_RATE = 48_000
#: A video already this small (lines and bits per second) is its own light rendition.
LIGHT_ENOUGH_BITRATE = 500_000


def _even(n: float) -> int:
    return max(2, int(round(n / 2)) * 2)


def probe(path) -> dict:
    """Height, width, duration (s) and overall bit rate (bit/s) of a video file."""
    with av.open(str(path)) as container:
        videos = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if not videos:
            raise ValueError("no video stream")
        ctx = videos[0].codec_context
        duration = container.duration / av.time_base if container.duration else None
    size = os.path.getsize(path)
    bitrate = int(size * 8 / duration) if duration else None
    return {"width": ctx.width, "height": ctx.height, "duration": duration, "bitrate": bitrate, "size": size}


def is_light(facts: dict) -> bool:
    """Whether a video needs no smaller copy."""
    return facts["height"] <= HEIGHT and facts["bitrate"] is not None and facts["bitrate"] <= LIGHT_ENOUGH_BITRATE


def transcode(src, out, *, height: int = HEIGHT, video_bitrate: int = VIDEO_BITRATE,
              audio_bitrate: int = AUDIO_BITRATE, progress=None) -> dict:
    """Write the light rendition of ``src`` to ``out`` (a temp name beside it, then a rename).

    :param progress: called as ``progress(seconds_done, seconds_total)``.
    :returns: ``width``, ``height``, ``bitrate`` (measured, bit/s), ``size``.
    """
    out = Path(out)
    with atomic_path(out, prefix=f".{out.stem}-{owner_tag()}-", suffix=".mp4") as tmp:
        with av.open(str(src)) as inp:
            vin = next(s for s in inp.streams.video if not s.disposition & av.stream.Disposition.attached_pic)
            ain = inp.streams.audio[0] if inp.streams.audio else None
            total = inp.duration / av.time_base if inp.duration else None
            src_w, src_h = vin.codec_context.width, vin.codec_context.height
            out_h = _even(min(height, src_h))
            out_w = _even(src_w * out_h / src_h)
            rate = vin.average_rate or vin.guessed_rate or fractions.Fraction(25)
            with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as dst:
                vout = dst.add_stream("libx264", rate=rate)
                vout.width, vout.height, vout.pix_fmt = out_w, out_h, "yuv420p"
                vout.bit_rate = video_bitrate
                vout.codec_context.options = {"preset": "veryfast", "maxrate": str(int(video_bitrate * 1.15)),
                                              "bufsize": str(video_bitrate * 2), "profile": "main"}
                aout = resampler = None
                if ain is not None:
                    aout = dst.add_stream("aac", rate=AUDIO_RATE, layout="mono")
                    aout.bit_rate = audio_bitrate
                    resampler = av.AudioResampler(format="fltp", layout="mono", rate=AUDIO_RATE)
                streams = [vin] + ([ain] if ain is not None else [])
                next_video_pts, shown = 0, -1
                for packet in inp.demux(streams):
                    for frame in packet.decode():  # the video stream's VideoFrames, the audio's AudioFrames
                        if isinstance(frame, av.VideoFrame):
                            small = frame.reformat(width=out_w, height=out_h, format="yuv420p")
                            small.pts = next_video_pts  # frame numbers in the stream's 1/rate time base
                            small.time_base = fractions.Fraction(1, 1) / rate
                            next_video_pts += 1
                            for p in vout.encode(small):
                                dst.mux(p)
                            if progress and total and frame.time is not None and int(frame.time) != shown:
                                shown = int(frame.time)
                                progress(min(frame.time, total), total)
                        elif isinstance(frame, av.AudioFrame) and resampler is not None and aout is not None:
                            frame.pts = None
                            for resampled in resampler.resample(frame):
                                for p in aout.encode(resampled):
                                    dst.mux(p)
                for p in vout.encode():
                    dst.mux(p)
                if aout is not None and resampler is not None:
                    for resampled in resampler.resample(None):
                        for p in aout.encode(resampled):
                            dst.mux(p)
                    for p in aout.encode():
                        dst.mux(p)
        facts = probe(str(tmp))
    return {"width": facts["width"], "height": facts["height"], "bitrate": facts["bitrate"], "size": facts["size"]}
