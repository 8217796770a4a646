"""The fonts the PDF is set in, and which scripts they can't show.

The fonts come with the software, in `haveyoursay/reports/fonts/` (Noto, from Debian's
`fonts-noto-core` and `fonts-noto-cjk` packages, under the SIL Open Font License; that folder's
README says which file came from where), so a report prints every language of the council's
alternative-formats footer (Urdu, Gujarati, Punjabi, Bengali, Chinese, Polish, …) on any
server, without a font installed on it. The print stylesheet registers each file with
`@font-face` and names them all, in `FONT_STACK` order, as the document's font: the first
that has a character draws it. A council whose text needs a script none of them has adds a
font file to the `REPORT_FONT_FILES` setting, which is registered the same way.

`scripts_without_glyphs` reads the fonts' character maps (fontTools) and names the scripts
of any text that none of them has, which would print as empty boxes; the staff report page
says so.
"""

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from fontTools import unicodedata as font_unicodedata
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "fonts"
# After Latin, Greek and Cyrillic (Noto Sans), the scripts of the languages spoken in
# England's communities first; Chinese last, since its font also has full-width Latin.
SCRIPTS = [
    "Arabic", "Bengali", "Gujarati", "Gurmukhi", "Devanagari", "Tamil", "Telugu", "Kannada", "Malayalam",
    "Oriya", "Sinhala", "Ethiopic", "Hebrew", "Armenian", "Georgian", "Thai", "Lao", "Khmer", "Myanmar",
]
# The scripts whose bold face comes too (the others' bold is drawn by thickening the regular).
BOLD_SCRIPTS = ["Arabic", "Bengali", "Gujarati", "Gurmukhi", "Devanagari", "Tamil"]
# Noto Sans CJK's Traditional Chinese face, cut down to the characters of GB 2312 (Simplified)
# and Big5's common set (Traditional): what isn't in it is named by `scripts_without_glyphs`.
CHINESE = "NotoSansCJKtc-Regular-subset.otf"


# Scripts by the name a reader knows them by, where it isn't Unicode's.
READERS_NAMES = {
    "Han": "Chinese characters", "Hangul": "Korean", "Hiragana": "Japanese", "Katakana": "Japanese",
}


@dataclass(frozen=True)
class Face:
    family: str  # the name the print stylesheet knows it by, never a system font's
    path: Path
    style: str = "normal"
    weight: int = 400


@functools.cache
def report_faces():
    """Every font file the PDF may use, in the order the stylesheet prefers them."""
    faces = [
        Face("Report Sans", FONTS / "NotoSans-Regular.ttf"),
        Face("Report Sans", FONTS / "NotoSans-Bold.ttf", weight=700),
        Face("Report Symbols", FONTS / "NotoSansSymbols-Regular.ttf"),
    ]
    for script in SCRIPTS:
        faces.append(Face(f"Report {script}", FONTS / f"NotoSans{script}-Regular.ttf"))
        if script in BOLD_SCRIPTS:
            faces.append(Face(f"Report {script}", FONTS / f"NotoSans{script}-Bold.ttf", weight=700))
    faces.append(Face("Report Chinese", FONTS / CHINESE))
    added = settings.REPORT_FONT_FILES
    faces += [Face(f"Report added font {number}", Path(path)) for number, path in enumerate(added, 1)]
    return faces


def vendored_fonts():
    """The name and size of each font file that comes with the software: a report made with
    other ones (after an update to newer Noto) is out of date."""
    return [(path.name, path.stat().st_size) for path in sorted(FONTS.glob("*.[ot]tf"))]


def font_stack():
    """The value of the print stylesheet's `font-family`."""
    families = dict.fromkeys(face.family for face in report_faces())
    return ", ".join(f'"{family}"' for family in families) + ", sans-serif"


def font_face_rules():
    """The `@font-face` rules that give WeasyPrint the font files."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; font-weight: {face.weight}; '
        f'src: url("{face.path.as_uri()}"); }}'
        for face in report_faces()
    )


@functools.cache
def covered_characters():
    """The code points that at least one of the fonts has a glyph for."""
    covered = set()
    for face in report_faces():
        with TTFont(face.path, lazy=True, fontNumber=0) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


def needs_glyph(character):
    """Spaces, controls and invisible format characters (joiners, direction marks) draw nothing."""
    return unicodedata.category(character)[0] not in ("Z", "C")


def scripts_without_glyphs(texts):
    """The names of the scripts ("Tibetan", "Hangul") of characters in `texts` that no font
    of the PDF has, in the order they first appear; an empty list when every one prints."""
    covered = covered_characters()
    missing = {}
    for text in texts:
        for character in text:
            if ord(character) not in covered and needs_glyph(character):
                code = font_unicodedata.script(character)
                name = font_unicodedata.script_name(code) if code not in ("Zyyy", "Zinh", "Zzzz") else "symbols"
                name = name.replace("_", " ")
                missing.setdefault(READERS_NAMES.get(name, name), None)
    return list(missing)


# The widest a character is drawn, in ems, for one the Latin faces have no glyph for.
WIDE_CHARACTER = 1.0


@functools.cache
def _advances(bold):
    """{code point: advance width in ems} of Noto Sans, the report's text face."""
    path = FONTS / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    with TTFont(path, lazy=True) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}


def text_width(text, points, *, bold=False):
    """How wide `text` is drawn on one line at `points`, in millimetres: exact for the
    Latin, Greek and Cyrillic of Noto Sans, at most a character an em for other scripts."""
    advances = _advances(bold)
    ems = sum(advances.get(ord(character), WIDE_CHARACTER) for character in text)
    return ems * points * 25.4 / 72
