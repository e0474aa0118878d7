"""``python -m contentlib.search.merge_now INDEX_DIR``: merge the index's small segments, then exit (``merging``)."""

import sys

from .index import merge_small_segments

if __name__ == "__main__":
    merge_small_segments(sys.argv[1])
