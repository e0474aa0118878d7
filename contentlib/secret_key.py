"""The installation's secret key: made once, atomically, and never a weak one.

Sessions and CSRF tokens are signed with it, so a guessable key lets anyone
forge a login. A configured key is checked by an estimate of its strength
(known words, repeats and runs like ``12345678`` count for little; the
character distribution's Shannon entropy bounds the rest). A generated key is
written to a temporary file and linked into place, so a process starting at
the same moment reads either no file or the whole key, never an empty one.
"""

from __future__ import annotations

import math
import os
import secrets
import tempfile
from collections import Counter
from pathlib import Path

from .atomic import fsync_folder

MIN_LENGTH = 16
MIN_BITS = 44
# Words seen in tutorials and sample configs; each counts as one guess among a few hundred.
WEAK_WORDS = ("password", "passwd", "secret", "changeme", "change", "default", "contentlib", "flask", "django",
              "admin", "letmein", "welcome", "qwerty", "asdf", "zxcv", "example", "sample", "testing", "test",
              "development", "dev", "key", "token", "session", "your", "my")
WORD_BITS = 8
RUN_BITS = 8  # a run of one character, or a rising/falling run (aaaa, 1234, zyx), of any length


class WeakSecret(RuntimeError):
    """A secret key too short or too easy to guess."""


def strength_bits(key: str) -> float:
    """A conservative estimate of how many bits an attacker must guess."""
    if not key:
        return 0.0
    classes = [any(c.islower() for c in key), any(c.isupper() for c in key), any(c.isdigit() for c in key),
               any(not c.isalnum() for c in key)]
    alphabet = sum(size for size, present in zip((26, 26, 10, 33), classes) if present) or 1
    text, bits = key.lower(), 0.0
    for word in sorted(WEAK_WORDS, key=len, reverse=True):
        bits += WORD_BITS * text.count(word)
        text = text.replace(word, "\0")
    i = 0
    while i < len(text):  # runs with a constant step of -1, 0 or +1
        j = i + 1
        step = ord(text[j]) - ord(text[i]) if j < len(text) else None
        while step is not None and abs(step) <= 1 and j < len(text) and ord(text[j]) - ord(text[j - 1]) == step:
            j += 1
        if j - i >= 3:
            bits += RUN_BITS
        elif text[i] != "\0":
            bits += math.log2(alphabet) * (j - i)
        else:
            bits += math.log2(alphabet) * (j - i - 1)
        i = j
    counts = Counter(key)
    shannon = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    # Per character, the Shannon entropy of the key's own letters (raised towards log2 of their number,
    # since a short random string rarely repeats letters evenly); a repeated block counts once.
    per_char = (shannon + math.log2(len(counts))) / 2
    return min(bits, per_char * _period(key))


def _period(key: str) -> int:
    """Length of the shortest block that repeats to make ``key`` (its length if none)."""
    for p in range(1, len(key) // 2 + 1):
        if len(key) % p == 0 and key[:p] * (len(key) // p) == key:
            return p
    return len(key)


def check(key: str) -> None:
    """Refuse a short or guessable key.

    :raises WeakSecret: saying what to do instead.
    """
    if not key or len(key.strip()) < MIN_LENGTH or strength_bits(key.strip()) < MIN_BITS:
        raise WeakSecret("CONTENTLIB_SECRET_KEY is too short or too easy to guess (a known word, a repeat or a "
                         "run like 12345678); unset it to have one generated for this installation, or set at "
                         "least 16 random characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))')")


def instance_key(folder: Path) -> str:
    """The key kept in ``folder/secret_key`` (mode 0600), made on first use; the folder is created if needed.

    :raises WeakSecret: when the file exists but is empty or weak (edited by hand).
    """
    folder = Path(folder)
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".secret_key-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(tmp, path)  # atomic, and never replaces a key another process made first
                fsync_folder(folder)  # the new name survives a power cut (contentlib.atomic)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    restrict(path)
    key = path.read_text().strip()
    check(key)
    return key


def restrict(path: Path) -> None:
    """Make a file readable by its owner only (it holds secrets or password hashes)."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except (FileNotFoundError, PermissionError):
        pass
