"""Every sample output in the README is what the CLI prints today (`python -m tests.readme_samples`
rewrites them)."""

from __future__ import annotations

from tests.readme_samples import README, SAMPLES, mask, readme_samples, render_all


def test_every_readme_sample_matches_a_fresh_run() -> None:
    shown = readme_samples(README.read_text(encoding="utf-8"))
    assert sorted(shown) == sorted(SAMPLES), "each sample appears exactly once in the README"
    fresh = render_all()
    stale = [name for name in SAMPLES if mask(shown[name]) != mask(fresh[name])]
    assert stale == [], f"run `python -m tests.readme_samples` to refresh: {stale}"
