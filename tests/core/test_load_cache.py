"""The parsed-procedure cache of `load_library`: what comes out of it renders and lints exactly as a
fresh parse, it is used only for byte-identical sources and the same salt, and a bad entry is re-parsed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from prosedur.lint.core import lint
from prosedur.load import ParsedCache, load_library
from prosedur.render.html import render_html
from prosedur.render.sop import render_sop_html


@pytest.fixture()
def library_copy(tmp_path: Path, sample_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    return root


def _loaded_from_cache(root: Path, cache_file: Path, salt: str = "v1") -> tuple[int, object]:
    """(entries the cache answered, the library) for a load through a cache at `cache_file`."""
    cache = ParsedCache(cache_file, salt)
    hits = 0
    original = cache.get

    def counting(key: str, text: str):  # type: ignore[no-untyped-def]
        nonlocal hits
        found = original(key, text)
        hits += found is not None
        return found

    cache.get = counting  # type: ignore[method-assign]
    library, problems = load_library(root, cache=cache)
    assert not problems
    cache.save()
    return hits, library


def test_cached_procedures_render_and_lint_like_fresh_ones(library_copy: Path, tmp_path: Path) -> None:
    # one procedure without a purpose: a finding with a position
    first = sorted((library_copy / "prosedur").glob("*.yaml"))[0]
    text = re.sub(r"purpose: >-\n(  .*\n)+", 'purpose: ""\n', first.read_text(encoding="utf-8"), count=1)
    first.write_text(text, encoding="utf-8")
    cache_file = tmp_path / "cache.json"
    hits, _ = _loaded_from_cache(library_copy, cache_file)
    assert hits == 0 and cache_file.is_file()
    hits, cached = _loaded_from_cache(library_copy, cache_file)
    fresh, _ = load_library(library_copy)
    assert hits == len(fresh.procedures) == len(cached.procedures)  # type: ignore[attr-defined]
    for a, b in zip(fresh.procedures, cached.procedures, strict=True):  # type: ignore[attr-defined]
        assert a == b
        assert a.source == b.source and a.position(("steps", 0)) == b.position(("steps", 0))
        for lang in ("id", "en"):
            assert render_html(a, fresh, lang=lang) == render_html(b, cached, lang=lang)  # type: ignore[arg-type]
            assert render_sop_html(a, fresh, lang=lang) == render_sop_html(b, cached, lang=lang)  # type: ignore[arg-type]
    findings = lint(fresh)
    assert findings and any(f.line for f in findings)
    assert findings == lint(cached)  # type: ignore[arg-type]


def test_an_edit_a_new_salt_or_a_bad_entry_is_parsed_again(library_copy: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "cache.json"
    _loaded_from_cache(library_copy, cache_file)
    total = len(list((library_copy / "prosedur").glob("*.yaml")))
    edited = sorted((library_copy / "prosedur").glob("*.yaml"))[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# disunting\n", encoding="utf-8")
    hits, library = _loaded_from_cache(library_copy, cache_file)
    assert hits == total - 1  # the edited file was parsed, the rest came from the cache
    hits, _ = _loaded_from_cache(library_copy, cache_file, salt="v2")
    assert hits == 0  # other code: nothing is trusted
    # an entry that no longer validates is parsed again, not an error
    data = json.loads(cache_file.read_text(encoding="utf-8"))
    key = next(iter(data["entries"]))
    data["entries"][key][1] = json.dumps({"number": 5})
    cache_file.write_text(json.dumps(data), encoding="utf-8")
    hits, library = _loaded_from_cache(library_copy, cache_file, salt="v2")
    assert hits == total - 1 and len(library.procedures) == total  # type: ignore[attr-defined]


def test_a_removed_file_leaves_the_cache(library_copy: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "cache.json"
    _loaded_from_cache(library_copy, cache_file)
    victim = sorted((library_copy / "prosedur").glob("*.yaml"))[0]
    victim.unlink()
    _loaded_from_cache(library_copy, cache_file)
    entries = json.loads(cache_file.read_text(encoding="utf-8"))["entries"]
    assert f"prosedur/{victim.name}" not in entries and len(entries) == len(list((library_copy / "prosedur").glob("*.yaml")))
