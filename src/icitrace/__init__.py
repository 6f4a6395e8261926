"""icitrace: traced reasoning from a hypothetical tumour profile to one review's ideas on ICI resistance.

Illustrative only: not for clinical use.

    >>> import icitrace
    >>> result = icitrace.evaluate({"tmb": 4.2, "hypoxia": "high"})
    >>> [f.id for f in result.findings]
    ['low_immunogenicity', 'hypoxic_tme']

``evaluate(profile)`` and ``evaluate_many(profiles)`` return the result objects whose JSON form is the
documented contract (``result.to_json_data()``).
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "ILLUSTRATIVE ONLY - not for clinical use. icitrace maps a hypothetical tumour profile onto the "
    "ideas of one review article for teaching and research; it must never inform a diagnosis or a "
    "treatment decision."
)


def __getattr__(name: str):  # noqa: ANN202 - lazy, so `import icitrace` does not start the engine
    if name in ("evaluate", "evaluate_many"):
        from icitrace import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
