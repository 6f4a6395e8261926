"""One batch run from its first check to its last byte: the output checked and locked, a resume proved to
belong to the run it continues, the run record (sidecar) kept ahead of the output, then the records.

The order is the guarantee: nothing the run writes changes until every check has passed. A new run
writes its sidecar (renamed into place) and only then empties the output; a resume reads back and
checks every line already written, skips that many input records (for standard input, proving by
digest that they are the bytes the output was written from), and only then cuts a torn last line and
goes on.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from icitrace.batch import formats, run_record
from icitrace.batch import output as outputs
from icitrace.batch.inputs import Trail, records
from icitrace.batch.records import Settings
from icitrace.batch.writing import write_records
from icitrace.errors import OutputError, OutputRefused, ResumeMismatch
from icitrace.files import STDIN


class Session:
    """A batch run. ``open`` does everything that may refuse the run; ``run`` evaluates and writes."""

    def __init__(self, inputs: list[str], out: Path | None, settings: Settings, book: Any,
                 reads: outputs.Reads, resume: bool = False,
                 skipped: Callable[[str], None] = lambda note: None, parquet: bool = False) -> None:
        self.inputs, self.out, self.settings, self.book = inputs, out, settings, book
        self.reads, self.resume, self.skipped = reads, resume, skipped
        #: the `wide` table (``settings``) written as Parquet at the end (``batch.parquet``); never resumed
        self.parquet = parquet
        self.skip = 0  # records an earlier run wrote, when resuming
        self._through = 0  # records the sidecar's stdin trail reaches
        self.started = False  # the output already opens with its provenance line (and header)
        self.target: outputs.Output | None = None
        self.trail: Trail | None = None
        self.description: dict[str, Any] | None = None
        self.stream: Any = None

    # --- before the first byte ---------------------------------------------------------------------
    def open(self, summary: Any = None) -> None:
        """Check and lock the output and, resuming, prove the run is the one that wrote it; feed the
        records already written into ``summary``. Raises an InputProblem, changing nothing, on refusal."""
        self.target = outputs.prepare_output(self.out, self.reads)
        try:
            self._open(summary)
        except BaseException:
            self.close()
            raise

    def _open(self, summary: Any) -> None:
        target = self.target
        assert target is not None
        keeps_record = target.regular and self.out is not None
        if self.resume and not keeps_record:
            raise ResumeMismatch(f"--resume {self.out}: not a regular file, so there is nothing to resume")
        if keeps_record and STDIN in self.inputs:
            self.trail = Trail()
        self.stream = records(self.inputs, skipped=self.skipped, column_map=self.settings.column_map,
                              trail=self.trail)
        if not keeps_record:
            return
        assert self.out is not None
        described = replace(self.settings, fmt="parquet") if self.parquet else self.settings
        self.description = run_record.describe_run(self.inputs, described, self.book.digest)
        keep_bytes = 0
        if self.resume:
            keep_bytes = self._check_resume(summary)
        elif self.trail is not None:
            self.description["stdin_trail"] = {"from": 0, "sha256": [""]}
        run_record.write_run_record(self.out, self.description)  # before the output changes: a refusal here keeps it
        self._cut(keep_bytes)
        self.started = keep_bytes > 0

    def _check_resume(self, summary: Any) -> int:
        out = self.out
        assert out is not None and self.description is not None
        problems = run_record.resume_problems(out, self.description)
        if problems:
            raise ResumeMismatch(f"--resume {out}: not the run that wrote it: " + "; ".join(problems))
        header = formats.header_columns(self.settings, self.book) if self.settings.fmt in formats.WITH_HEADER else None
        written = formats.written_records(out, self.settings.fmt, header)
        self.skip = self._through = written.records
        seen = sum(1 for _ in zip(range(self.skip), self.stream))
        if seen < self.skip:
            raise ResumeMismatch(f"--resume: the output holds {self.skip:,} records but the input has only "
                                 f"{seen:,}; it was not written from this input")
        if self.trail is not None:
            self._check_trail()
        if summary is not None:
            formats.summarise_written(out, self.settings.fmt, summary, self.book.catalog.findings,
                                      self.book.catalog.strategies, upto=written.keep_bytes)
        return written.keep_bytes

    def _check_trail(self) -> None:
        """Standard input's bytes through the skipped records must be those the output was written from."""
        assert self.trail is not None and self.description is not None and self.out is not None
        before = (run_record.read_run_record(self.out) or {}).get("stdin_trail") or {}
        first, digests = before.get("from"), before.get("sha256")
        if self.skip and not (isinstance(first, int) and isinstance(digests, list)
                              and first <= self.skip < first + len(digests)):
            raise ResumeMismatch(f"--resume {self.out}: its run record does not say which standard input it read "
                                 f"through record {self.skip:,}; start again without --resume")
        if self.skip and digests[self.skip - first] != self.trail.digests[self.skip]:
            raise ResumeMismatch(f"--resume: standard input is not the one the output was written from (its first "
                                 f"{self.skip:,} records differ); give the same input, or start again without "
                                 "--resume")
        self.description["stdin_trail"] = before

    def _cut(self, keep_bytes: int) -> None:
        """Empty the output (a new run) or cut a torn last line (a resume), now that nothing refused."""
        assert self.target is not None
        try:
            self.target.stream.truncate(keep_bytes)
        except OSError as error:
            raise OutputRefused(f"--out {self.out}: cannot be written ({error.strerror or error})") from None

    # --- the run -------------------------------------------------------------------------------------
    def run(self, workers: int, summary: Any = None, on_progress: Callable[[int], None] | None = None,
            dask: str | None = None) -> tuple[int, int]:
        assert self.target is not None
        if not self.parquet:
            return self._run(self.target.stream, workers, summary, on_progress, dask)
        from icitrace.batch.parquet import write_parquet

        # the wide table beside the output (as large as a wide run's), unnamed: gone however the run ends
        with tempfile.TemporaryFile(dir=self.out.parent if self.out else None) as wide:
            counts = self._run(wide, workers, summary, on_progress, dask)
            wide.seek(0)
            try:
                write_parquet(wide, self.target.stream, {*self.book.catalog.findings, *self.book.catalog.strategies})
            except OSError as error:
                raise OutputError(f"cannot write the output ({error.strerror or error})") from None
        return counts

    def _run(self, out: Any, workers: int, summary: Any, on_progress: Callable[[int], None] | None,
             dask: str | None) -> tuple[int, int]:
        return write_records(self.stream, out, self.settings, workers, summary, on_progress,
                             write_preamble=not self.started, dask=dask,
                             before_write=self._keep_trail if self.trail is not None else None)

    def _keep_trail(self, records: int) -> None:
        """Before a chunk is written: the sidecar learns the stdin digests through each of its records, so
        whatever a stop leaves whole can be resumed."""
        assert self.trail is not None and self.description is not None and self.out is not None
        first = self._through
        self._through += records
        self.description["stdin_trail"] = {"from": first, "sha256": self.trail.span(first, self._through)}
        try:
            run_record.write_run_record(self.out, self.description)
        except OutputRefused as error:
            raise OutputError(str(error)) from None

    def close(self) -> None:
        if self.target is not None:
            self.target.close()
