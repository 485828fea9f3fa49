"""File names from ids: 2026/001, 2026_001 and 2026:001 get three names; a 100-character id fits."""

from __future__ import annotations

from gimpo_gis_plugin.core.file_names import MAX_NAME_BYTES, UniqueFileNames, safe_stem


def test_ids_that_differ_only_in_unsafe_characters_get_their_own_names():
    names = UniqueFileNames()
    stems = [names(v) for v in ("2026/001", "2026_001", "2026:001", "2026/001")]
    assert len(set(stems[:3])) == 3 and stems[3] == stems[0]
    assert all("/" not in s and ":" not in s for s in stems)


def test_a_long_korean_id_stays_under_the_file_system_limit():
    stem = safe_stem("김포시상하수도사업소" * 10)
    assert len(stem.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe_stem("가" * 100) != safe_stem("가" * 101)


def test_case_only_differences_do_not_collide_on_windows():
    names = UniqueFileNames()
    assert names("ABC").lower() != names("abc").lower()
