"""icitrace: traced reasoning from a hypothetical tumour profile to one review's ideas on ICI resistance.

Illustrative only: not for clinical use.

    >>> import icitrace
    >>> result = icitrace.evaluate({"tmb": 4.2, "hypoxia": "high"})
    >>> [f.id for f in result.findings]
    ['low_immunogenicity', 'hypoxic_tme']

``evaluate(profile)`` and ``evaluate_many(profiles)`` return the result objects whose JSON form is the
documented contract (``result.to_json_data()``); ``evaluate_frame(df, map=...)`` takes a pandas
DataFrame and returns the `batch --format wide` table, ``summarise_frame(df, map=..., by=...)`` the
cohort summary as a tidy DataFrame (both need the ``pandas`` extra; both take ``thresholds=`` and
``cutoffs_by=`` as `batch` takes them); ``run_batch(inputs, out, ...)`` is `icitrace batch` itself, an
output file guarded, locked and resumable (docs/batch.md); ``outcomes_frame(table, map=...)`` returns the
`icitrace outcomes` table (needs the ``analysis`` extra). The names in ``__all__`` are the public API;
every module below this package is internal and may change.
"""

__version__ = "0.1.0"

#: the disclaimer's first sentence, carried by every batch record
NOT_FOR_CLINICAL_USE = "ILLUSTRATIVE ONLY - not for clinical use"
DISCLAIMER = (
    "ILLUSTRATIVE ONLY - not for clinical use. icitrace maps a hypothetical tumour profile onto the "
    "ideas of one review article for teaching and research; it must never inform a diagnosis or a "
    "treatment decision."
)


__all__ = [
    "DISCLAIMER", "BatchReport", "EngineProblem", "IcitraceError", "InputProblem", "OutputProblem", "Profile",
    "Result", "RulesProblem", "Stopped", "__version__", "evaluate", "evaluate_frame", "evaluate_many", "run_batch",
    "summarise_frame", "outcomes_frame",
]

#: public name -> the module that defines it, imported on first use so that `import icitrace` stays light
_LAZY = {
    "evaluate": "icitrace.pipeline", "evaluate_many": "icitrace.pipeline", "evaluate_frame": "icitrace.batch.frame",
    "summarise_frame": "icitrace.batch.frame", "outcomes_frame": "icitrace.outcomes.frame",
    "Profile": "icitrace.profile.model",
    "Result": "icitrace.result.model", "IcitraceError": "icitrace.errors", "InputProblem": "icitrace.errors",
    "RulesProblem": "icitrace.errors", "EngineProblem": "icitrace.errors", "OutputProblem": "icitrace.errors",
    "Stopped": "icitrace.errors", "run_batch": "icitrace.batch.run", "BatchReport": "icitrace.batch.run",
}


def __getattr__(name: str):  # noqa: ANN202
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'icitrace' has no attribute {name!r}")
