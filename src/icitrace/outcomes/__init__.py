"""`icitrace outcomes`: whether the records a conclusion reaches respond or survive differently from the
records it is decided not to reach, in one cohort (the ``analysis`` extra: lifelines, scipy, matplotlib).

- ``cohort``: the table read through its map, as batch reads it, into one row per record: each
  conclusion's state (reached, decided not, undecided) and the record's outcomes;
- ``analysis``: the figures per conclusion, each from lifelines or scipy (nothing computed by hand);
- ``table``: the tidy table as CSV or JSON, with batch's provenance line;
- ``report``: the self-contained HTML report;
- ``frame``: the Python API, ``icitrace.outcomes_frame``.

An association in one cohort, never a cause and never a result about any patient: every output says so.
"""

#: what every output of the command says about what its figures are
CAVEAT = ("An association in one cohort: not a cause, and not a result about any patient. Records are "
          "compared by what the rules conclude from their profiles, with no adjustment for anything else.")
