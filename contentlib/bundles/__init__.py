"""Signed offline bundles: a chosen set of works and their files in one zip, for libraries without a network.

``export`` plans and writes a bundle, ``verify`` checks one without writing,
``importer`` takes one in; ``format`` holds the names and limits. The library's
own key and the keys it trusts are in ``contentlib.keys``; which works go in is
a ``contentlib.selection.Selection``, as for ``export`` and ZIM files.
"""

from .format import BundleLimits, BundleRefused

__all__ = ["BundleLimits", "BundleRefused"]
