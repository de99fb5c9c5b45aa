"""Write an evidence file of image repositories whose overviews all differ (caching by text
cannot help), for `bench.py`'s re-evaluation figure:

    PYTHONPATH=src python bench/evidence_file.py OUT.json [REPOSITORIES] [--style readme]

The default style is one short template with distinct words; `--style readme` writes overviews
shaped like real project READMEs (`readme_overviews.py`): several KB, headings, badges, code,
tables and License sections, some with a full license text.

It uses only the models every version since 07fedea shares, so the original code can write a file
that both it and this code read.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from readme_overviews import full_texts, readme_overview

from dsos_check.evidence import write_evidence
from dsos_check.models import (
    AccountEvidence,
    ImageEvidence,
    NamespaceEvidence,
    RepositoryEvidence,
)

_WORDS = (
    *("fast", "small", "secure", "reliable", "container", "image", "service", "proxy", "cache"),
    *("queue", "database", "metrics", "exporter", "agent", "tool", "build"),
)
_LICENSES = (
    "Apache License 2.0",
    "MIT",
    "BSD-3-Clause",
    "GPL-3.0-or-later",
    "the Mozilla Public License 2.0",
)


def _overview(i: int, rnd: random.Random) -> str:
    """A realistic overview, different for every repository: caching by text cannot help."""
    words = " ".join(rnd.choice(_WORDS) for _ in range(30))
    return (
        f"# svc{i}\n\nThe {words} project {i}. Pro tips for production use.\n\n"
        f"Source: https://github.com/example{i}/svc{i}\n\n## Usage\n\n```\n"
        f"docker run example/svc{i}\n```\n\n## License\n\nLicensed under "
        f"{_LICENSES[i % len(_LICENSES)]}. See https://github.com/example{i}/svc{i}/blob/main/LICENSE\n"
        f"\n## Contributing\n\n{words}. Contributions welcome, see CONTRIBUTING.md. "
        f"Website https://svc{i}.example.org\n"
    )


def write_distinct_evidence(path: Path, repos: int, style: str = "template") -> None:
    """An evidence file of `repos` image repositories whose overviews all differ."""
    collected = datetime(2026, 11, 20, 12, tzinfo=UTC)
    rnd = random.Random(1)
    full = full_texts() if style == "readme" else []

    def overview(i: int) -> str:
        return readme_overview(i, rnd, full) if style == "readme" else _overview(i, rnd)

    repositories = tuple(
        RepositoryEvidence(
            name=f"svc{i:05d}",
            description=f"A {rnd.choice(_WORDS)} service {i}",
            full_description=overview(i),
            last_updated=collected - timedelta(days=i % 400),
            repository_type="image",
            content_types=("image",),
            media_types=("application/vnd.oci.image.index.v1+json",),
            image=ImageEvidence(
                reference="sha256:" + f"{i:064x}",
                platform="linux/amd64",
                config_media_type="application/vnd.oci.image.config.v1+json",
                labels={
                    "org.opencontainers.image.licenses": ("Apache-2.0", "MIT", "BSD-3-Clause")[
                        i % 3
                    ]
                },
            ),
        )
        for i in range(repos)
    )
    evidence = NamespaceEvidence(
        namespace="bigexample",
        account=AccountEvidence(type="organization"),
        repositories=repositories,
        collected_at=collected,
    )
    write_evidence(str(path), [evidence], generated_at=collected)


def main() -> None:
    parser = argparse.ArgumentParser(description="write a benchmark evidence file")
    parser.add_argument("path", type=Path)
    parser.add_argument("repositories", type=int, nargs="?", default=5000)
    parser.add_argument("--style", choices=("template", "readme"), default="template")
    options = parser.parse_args()
    write_distinct_evidence(options.path, options.repositories, options.style)


if __name__ == "__main__":
    main()
