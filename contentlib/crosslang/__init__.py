"""Reaching across Tibetan and Chinese with what the library learned from its own bilingual works.

``units`` cuts text into the units both sides are counted in, ``align`` trains
IBM Model 1 on sentence pairs, ``lexicon`` builds the translation table from
the published pairs (and the glossary) and reads a query into the other
language. No outside word list is shipped: every library learns from itself.
"""
