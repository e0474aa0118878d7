"""contentlib: a bilingual Tibetan-Chinese science content library.

The core knows nothing about the web: it takes plain values and a store or
index object and returns domain objects. ``catalog`` is the Flask shell.
"""

__version__ = "0.1.0"
