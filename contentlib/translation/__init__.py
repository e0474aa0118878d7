"""Translating a work inside the library, segment by segment (``shared/spec/translation-api.md``).

``segments`` cuts a work's source into segments (title, description sentences, subtitle cues);
``align`` pairs sentences and cues of two languages; ``memory`` keeps the translation memory
learned from what is published; ``checks`` says what is wrong with a target; ``xliff`` writes
and reads XLIFF 2.0; ``workbench`` holds the use cases (load, save, submit, comment, import).
"""
