"""The cache of checked rule bases: it can only ever save time, never change an answer or run a
stranger's pickle."""

import dataclasses
import os
import pickle
import shutil

import pytest
from conftest import ROOT, run_cli

from icitrace.rulebase import cache
from icitrace.rulebase.loading import load_rules


@pytest.fixture
def rules(tmp_path, monkeypatch):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    monkeypatch.setenv("ICITRACE_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def _entries(rules):
    return sorted((rules.parent / "cache").glob("rules-*.pickle"))


def test_a_second_load_comes_from_the_cache_and_equals_a_fresh_check(rules):
    first = cache.load_cached(rules)
    [entry] = _entries(rules)
    second = cache.load_cached(rules)
    fresh = load_rules(rules)
    assert second is not first and [r.model_dump() for r in second.rules] == [r.model_dump() for r in fresh.rules]
    assert (second.digest, second.catalog, second.cutoffs, second.directory) == \
        (fresh.digest, fresh.catalog, fresh.cutoffs, fresh.directory)
    assert [r.where for r in second.rules] == [r.where for r in fresh.rules]
    assert _entries(rules) == [entry]


def test_a_changed_rule_file_is_checked_again(rules):
    cache.load_cached(rules)
    cutoffs = rules / "cutoffs.yaml"
    cutoffs.write_text(cutoffs.read_text().replace("value: 10\n", "value: 12\n", 1))
    book = cache.load_cached(rules)
    assert book.cutoffs["tmb_high"].value == 12 and len(_entries(rules)) == 2
    cutoffs.write_text(cutoffs.read_text().replace("catalog", "catalogue-that-does-not-exist", 1) + "\n:\n")
    with pytest.raises(Exception, match="cutoffs.yaml"):  # a broken file is refused, never served stale
        cache.load_cached(rules)


def test_an_entry_others_may_write_is_never_read_and_a_damaged_one_is_rebuilt(rules):
    book = cache.load_cached(rules)
    [entry] = _entries(rules)
    planted = dataclasses.replace(book, digest="planted")
    entry.write_bytes(pickle.dumps(planted))
    entry.chmod(0o600)
    assert cache.load_cached(rules).digest == "planted"  # this user's own entry is trusted...
    entry.chmod(0o666)
    assert cache.load_cached(rules).digest == book.digest  # ...one that others may write is not
    entry.chmod(0o600)
    entry.write_bytes(b"not a pickle")
    assert cache.load_cached(rules).digest == book.digest


def test_the_cache_can_be_turned_off_and_a_read_only_folder_only_costs_time(rules, tmp_path, monkeypatch):
    monkeypatch.setenv("ICITRACE_CACHE_DIR", "off")
    assert cache.load_cached(rules).digest and not (tmp_path / "cache").exists()
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("ICITRACE_CACHE_DIR", str(locked / "cache"))
    if os.getuid() != 0:  # root writes anywhere
        assert cache.load_cached(rules).digest and not (locked / "cache").exists()


def test_old_entries_are_removed_beyond_the_limit(rules, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    catalog = rules / "catalog.yaml"
    for n in range(4):
        catalog.write_text(catalog.read_text() + f"# edit {n}\n")
        cache.load_cached(rules)
    assert len(_entries(rules)) == 2


@pytest.mark.cli
def test_the_command_gives_the_same_bytes_with_and_without_the_cache(tmp_path):
    args = ["suggest", str(ROOT / "profiles" / "cold-desert.json"), "--format", "json"]
    runs = [run_cli(*args, env={"ICITRACE_CACHE_DIR": setting})
            for setting in ("off", str(tmp_path / "c"), str(tmp_path / "c"))]
    assert runs[0].returncode == 0 and runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert len(list((tmp_path / "c").glob("rules-*.pickle"))) == 1
