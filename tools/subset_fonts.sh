#!/usr/bin/env bash
# Regenerate catalog/static/fonts/ from the Debian font packages.
#
#   apt-get install -y fonts-noto-core
#   .venv/bin/pip install -e '.[dev]'      # fontTools + brotli (woff2)
#   tools/subset_fonts.sh
#
# Only the Tibetan font is self-hosted: a Chinese subset big enough to be
# useful does not fit the 200 KB page budget (numbers in the fonts README),
# so Chinese text uses the system CJK stack in catalog/static/css/fonts.css.
set -euo pipefail
cd "$(dirname "$0")/.."

PYFTSUBSET=${PYFTSUBSET:-.venv/bin/pyftsubset}
SRC_BO=/usr/share/fonts/truetype/noto/NotoSerifTibetan-Regular.ttf
COPYRIGHT=/usr/share/doc/fonts-noto-core/copyright
OUT=catalog/static/fonts

for f in "$SRC_BO" "$COPYRIGHT"; do
    [ -f "$f" ] || { echo "missing $f: apt-get install -y fonts-noto-core" >&2; exit 1; }
done
command -v "$PYFTSUBSET" >/dev/null || { echo "no $PYFTSUBSET: pip install -e '.[dev]'" >&2; exit 1; }
mkdir -p "$OUT"

# The whole Tibetan block, and every layout feature: the stacks are GSUB
# ligatures and the vowel signs GPOS marks, so nothing of GSUB/GPOS/GDEF may
# be pruned. Besides the block: space, NBSP, ZWSP/ZWNJ/ZWJ (joiners and the
# break opportunity used between syllables), hyphens, and U+25CC DOTTED
# CIRCLE, which the shaper draws for a vowel sign without a base.
"$PYFTSUBSET" "$SRC_BO" \
    --unicodes='U+0F00-0FFF,U+0020,U+002D,U+00A0,U+200B-200D,U+2010,U+25CC' \
    --layout-features='*' \
    --flavor=woff2 \
    --output-file="$OUT/NotoSerifTibetan.woff2"

# OFL.txt: the font's own copyright notice, then the licence text exactly as
# the Debian package ships it in its copyright file (the "License: OFL-1.1"
# paragraph, with Debian's leading space and "." blank-line markers undone).
{
    echo "NotoSerifTibetan.woff2 is a subset of Noto Serif Tibetan Regular (Version 2.001),"
    echo "taken from the Debian package fonts-noto-core."
    echo
    echo "Copyright 2018 Google LLC. All Rights Reserved."
    echo
    echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
    echo "This license is copied below, and is also available with a FAQ at:"
    echo "https://openfontlicense.org"
    echo
    echo "-----------------------------------------------------------"
    echo "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007"
    echo "-----------------------------------------------------------"
    echo
    awk '
        $0 == "License: OFL-1.1" { on = 1; next }
        on && /^ / { sub(/^ /, ""); if ($0 == ".") $0 = ""; print; next }
        { on = 0 }
    ' "$COPYRIGHT"
} > "$OUT/OFL.txt"

ls -l "$OUT"
