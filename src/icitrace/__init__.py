"""icitrace: traced reasoning from a hypothetical tumour profile to one review's ideas on ICI resistance.

Illustrative only: not for clinical use.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "ILLUSTRATIVE ONLY - not for clinical use. icitrace maps a hypothetical tumour profile onto the "
    "ideas of one review article for teaching and research; it must never inform a diagnosis or a "
    "treatment decision."
)
