"""Field bounds of the record format (``shared/spec/catalog-record.md``) and of every parsed input.

Import, the editor forms and the JSON API all check these same numbers, so a
value one of them refuses can never come in through another.
"""

MAX_TITLE = 500             # characters of a title, per language
MAX_DESCRIPTION = 20_000    # characters of a description, per language
MAX_KEYWORDS = 50           # keywords per language
MAX_KEYWORD = 100           # characters of one keyword
MAX_CREATORS = 50
MAX_MEDIA = 100             # media entries of one work
MAX_LINE_BYTES = 4 * 1024 * 1024  # one JSON Lines record
MAX_JSON_DEPTH = 32         # nesting of any JSON document we read (a record needs 4)
MAX_PAGE = 10_000           # the highest page number of any listing
MAX_GLOSSARY_NOTE = 500     # characters of a glossary entry's note (the form's maxlength)
