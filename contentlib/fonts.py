"""Facts about the self-hosted fonts that tests and templates share.

``FONT_TEST_STRING_BO`` has tall stacks (superscript + root + two
subscripts), vowel signs above and below, the long-a lengthener and the
nasal signs: if it renders with no dotted circles, no boxes and no
overlapping marks, the font and its OpenType features arrived whole.
"""

FONT_TEST_STRING_BO = "བསྒྲུབས་ རྒྱལ་ཁབ་ སྐྱེས་ ཀྱིས་ སྦྱོར་ ཕྱོགས་ ཨོཾ་ ཧཱུྃ་ ཀྵ་ ཤྲཱི།"

TIBETAN_FONT_FILE = "fonts/NotoSerifTibetan.woff2"  # under catalog/static/
TIBETAN_FONT_FAMILY = "Contentlib Noto Serif Tibetan"
