"""Signed offline bundles: a chosen set of works and their files in one zip, for libraries without a network.

``export`` plans and writes a bundle, ``verify`` checks one without writing,
``importer`` takes one in; ``format`` holds the names and limits. The library's
own key and the keys it trusts are in ``contentlib.keys``.
"""

try:  # helper "safety" owns the shared selection module; until it lands use the stand-in
    from contentlib.selection import Selection, select_works, selection_from_options, selection_options
except ImportError:  # pragma: no cover - removed once contentlib/selection.py is on main
    from ._selection import Selection, select_works, selection_from_options, selection_options

from .format import BundleLimits, BundleRefused

__all__ = ["BundleLimits", "BundleRefused", "Selection", "select_works", "selection_from_options",
           "selection_options"]
