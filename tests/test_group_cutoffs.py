"""Reading a `--cutoffs-by` table: through the one reader of named files and the one table parser, with
group names compared as keys (``text.normal_key``), and what the CLI needs to refuse a group no record has."""

import json
import os
import subprocess
import sys
import textwrap
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from icitrace.batch.group_cutoffs import GroupCutoffsError, load_group_cutoffs
from icitrace.pipeline import rulebook

NFC, NFD = unicodedata.normalize("NFC", "Mélanome"), unicodedata.normalize("NFD", "Mélanome")


def _load(tmp_path: Path, text: str):
    table = tmp_path / "lines.csv"
    table.write_bytes(text.encode())
    return load_group_cutoffs("tumor_type", table, dict(rulebook().cutoffs)), table


def test_a_nel_inside_a_cell_stays_in_its_row(tmp_path):
    """str.splitlines breaks at NEL (U+0085), U+2028 and more: line N of the file must be row N."""
    groups, _ = _load(tmp_path, "group,cutoff,value\nMel\u0085anoma,tmb_high,20\nLung\u2028A,tmb_high,3\n")
    assert groups.groups == (("Mel\u0085anoma", (("tmb_high", 20.0),)), ("Lung\u2028A", (("tmb_high", 3.0),)))


def test_a_problem_after_a_nel_is_reported_at_its_own_line(tmp_path):
    with pytest.raises(GroupCutoffsError) as error:
        _load(tmp_path, "group,cutoff,value\nA\u0085B,tmb_high,20\nC,tmb_hi,3\n")
    assert str(error.value).startswith(f"{tmp_path / 'lines.csv'}:3: no cut-off named 'tmb_hi'")


def test_a_quote_left_open_or_a_torn_row_is_refused_at_its_line(tmp_path):
    with pytest.raises(GroupCutoffsError, match=r"lines.csv:2: is not one whole CSV row"):
        _load(tmp_path, 'group,cutoff,value\n"Melanoma,tmb_high,20\nLung,tmb_high,3\n')
    with pytest.raises(GroupCutoffsError, match=r"lines.csv:3: has 2 cells for 3 columns"):
        _load(tmp_path, "group,cutoff,value\nMelanoma,tmb_high,20\nLung,tmb_high\n")


def _read_in_a_child(path: str) -> subprocess.CompletedProcess:
    """``load_group_cutoffs`` on ``path`` in a child with 1 GB of address space and 20 s: the current
    process must survive a reader that never ends."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pathlib import Path
        from icitrace.batch.group_cutoffs import GroupCutoffsError, load_group_cutoffs
        from icitrace.pipeline import rulebook
        try:
            load_group_cutoffs("tumor_type", Path({path!r}), dict(rulebook().cutoffs))
        except GroupCutoffsError as error:
            print(error)
            sys.exit(2)
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=20, text=True)


@pytest.mark.cli
def test_dev_zero_as_the_table_is_refused_at_once(tmp_path):
    done = _read_in_a_child("/dev/zero")
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stdout == ("--cutoffs-by /dev/zero: is not a regular file (a FIFO, a device or a socket could block "
                           "or never end); expected a file\n")


@pytest.mark.cli
def test_a_fifo_as_the_table_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "lines.csv"
    os.mkfifo(fifo)
    try:
        done = _read_in_a_child(str(fifo))
    except subprocess.TimeoutExpired:
        pytest.fail("reading a FIFO as the cut-off table waited for a writer")
    assert done.returncode == 2 and "not a regular file" in done.stdout, done.stderr[-500:]


def test_a_table_larger_than_its_limit_is_refused(tmp_path):
    from icitrace.batch.group_cutoffs import MAX_BYTES

    with pytest.raises(GroupCutoffsError, match=f"larger than {MAX_BYTES:,} bytes; a cut-off table is short"):
        _load(tmp_path, "group,cutoff,value\n" + "Melanoma,tmb_high,20\n" * (MAX_BYTES // 10))


# --- group names are keys ---------------------------------------------------------------------------------------

def test_a_group_is_found_whatever_unicode_form_or_blanks_the_record_writes_it_with(tmp_path):
    groups, _ = _load(tmp_path, f"group,cutoff,value\n{NFD},tmb_high,20\n")
    for written in (NFC, NFD, f"  {NFC} ", f"{NFD}\t"):
        assert groups.overrides(written) == {"tmb_high": 20.0}, ascii(written)
    assert groups.overrides("Melanoma") == {} and groups.overrides(None) == {}


def test_two_rows_whose_groups_normalise_alike_give_one_group_twice(tmp_path):
    with pytest.raises(GroupCutoffsError) as error:
        _load(tmp_path, f"group,cutoff,value\n{NFC},tmb_high,20\n{NFD} ,tmb_high,15\n")
    assert str(error.value).startswith(f"{tmp_path / 'lines.csv'}:3: tmb_high is given twice for the group 'Mélanome'")


def test_rows_of_one_group_written_in_two_forms_are_one_group(tmp_path):
    groups, _ = _load(tmp_path, f"group,cutoff,value\n{NFC},tmb_high,20\n{NFD},pd_l1_high,40\n")
    assert groups.groups == ((NFC, (("tmb_high", 20.0), ("pd_l1_high", 40.0))),)  # as first written


def test_the_batch_judges_a_record_by_its_group_in_another_unicode_form(tmp_path):
    from conftest import invoke, records_of

    table, source = tmp_path / "lines.csv", tmp_path / "c.jsonl"
    table.write_text(f"group,cutoff,value\n{NFD},tmb_high,20\n")
    source.write_text(json.dumps({"tumor_type": NFC, "tmb": 14}) + "\n")
    done = invoke("batch", str(source), "--cutoffs-by", "tumor_type", str(table))
    (record,) = [json.loads(line) for line in records_of(done.stdout).splitlines()]
    assert record["cutoffs"] == {"tmb_high": 20.0} and "high_tmb" not in record["findings"]


# --- what the CLI needs to refuse a group that matches no record ---------------------------------------------

def test_unmatched_names_each_table_group_no_record_has_with_the_nearest_values_seen(tmp_path):
    from icitrace.batch.group_cutoffs import Unmatched

    groups, _ = _load(tmp_path, "group,cutoff,value\nMelanoma,tmb_high,20\nNSCLC,tmb_high,3\nNSCLC,pd_l1_high,40\n"
                                f"Lung,tmb_high,5\n{NFD},tmb_high,7\n")
    seen = Counter({"melanoma": 3, "NSCLC": 5, "Melanomas": 1, NFC: 2})  # normalised record values
    assert groups.unmatched(seen) == [Unmatched("Melanoma", 2, ["Melanomas", "melanoma", NFC]), Unmatched("Lung", 5, [])]
    assert groups.unmatched(Counter({"Melanoma": 1, "NSCLC": 1, "Lung": 1, NFC: 1})) == []


def test_unmatched_reads_the_values_it_is_given_as_keys(tmp_path):
    groups, _ = _load(tmp_path, "group,cutoff,value\nMelanoma,tmb_high,20\n")
    assert groups.unmatched(Counter({" Melanoma ": 1})) == []


def test_as_data_can_carry_how_many_records_each_group_had(tmp_path):
    groups, table = _load(tmp_path, f"group,cutoff,value\nMelanoma,tmb_high,20\n{NFD},tmb_high,7\n")
    plain = groups.as_data()
    assert plain == {"column": "tumor_type", "file": str(table), "sha256": groups.sha256,
                     "groups": {"Melanoma": {"tmb_high": 20.0}, NFD: {"tmb_high": 7.0}}}
    counted = groups.as_data(Counter({"Melanoma": 4, NFC: 2, "Lung": 3, "": 1}))
    assert counted == plain | {"records": {"Melanoma": 4, NFD: 2}, "records_by_the_run_cutoffs": 4}
