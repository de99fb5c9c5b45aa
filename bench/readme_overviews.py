"""Overviews shaped like real project READMEs, for `evidence_file.py --style readme`: several KB
each, with a badge row, HTML, headings, lists, fenced code, a configuration table, non-ASCII
prose, links, and a License section in most (one line, a full license text, a pointer, an SPDX
tag, a table row or a badge), so the re-evaluation figure is not shaped to one template.

Pure standard library: the original code's Python runs it too.
"""

from __future__ import annotations

import random
from pathlib import Path

_TEXTS = Path(__file__).resolve().parent.parent / "tests" / "unit" / "data" / "licenses"
# Full license texts that some License sections paste in (read once).
_FULL = ("mit.txt", "apache-2.0.txt", "bsd-3-clause.md", "mpl-2.0.txt", "mit-with-title.txt")

_NOUNS = (
    *("server", "proxy", "cache", "queue", "database", "exporter", "agent", "scheduler", "gateway"),
    *("indexer", "crawler", "dashboard", "registry", "runner", "broker", "resolver", "monitor"),
)
_ADJECTIVES = (
    *("fast", "small", "secure", "reliable", "lightweight", "distributed", "self-hosted"),
    *("minimal", "pluggable", "observable", "zero-config", "cloud-native", "embeddable"),
)
_VERBS = ("collects", "stores", "serves", "indexes", "routes", "schedules", "mirrors", "checks")
_THINGS = (
    *("metrics", "logs", "DNS queries", "HTTP requests", "build artifacts", "events", "feeds"),
    *("container images", "backups", "certificates", "time series", "webhooks", "e-mails"),
)
_FILLER = (
    "It is written in {lang} and ships as a single static binary of about {n} MB.",
    "The {adj} {noun} {verb} {thing} and exposes a REST API on port {port}.",
    "Pro tips for production use are in the [operations guide](https://docs.example.org/ops).",
    "We aim for a per-user memory footprint below {n} MB, even with {n2} concurrent clients.",
    "See the [changelog](CHANGELOG.md) for what changed between releases — notably v{n}.{n2}.",
    "Enterprise-grade reliability without the enterprise price: it is free for commercial use.",
    "Support for {lang} plugins is experimental; please report issues on the tracker.",
    "Déjà vu? The configuration format follows the “twelve-factor” conventions.",
    "This image is built nightly from the `main` branch and signed with cosign.",
    "Professional users often run it behind a reverse proxy such as Traefik or nginx.",
    "The project is maintained by volunteers; sponsor us on GitHub Sponsors if it helps you.",
    "Released under a permissive license, so you can use it at work as well as at home.",
    "It was originally developed at {org} and is now a community project.",
    "For a managed service such as AWS RDS, point `DB_HOST` at the endpoint instead.",
)
_LANGS = ("Go", "Rust", "Python", "TypeScript", "Java", "C++", "Elixir")
_ORGS = ("Acme Corp", "the University of Example", "Initech", "a small startup")
_ENV = ("LOG_LEVEL", "PORT", "DATA_DIR", "DB_HOST", "DB_USER", "CACHE_SIZE", "TZ", "WORKERS")
_ONE_LINE = (
    "Licensed under the Apache License, Version 2.0.",
    "This project is licensed under the MIT License - see the [LICENSE](LICENSE) file.",
    "Distributed under the terms of the GNU General Public License v3.0 or later.",
    "Released under the BSD 3-Clause License. Copyright (c) {year} {org}.",
    "MIT © {org}",
    "The code is available under the Mozilla Public License 2.0; the docs under CC-BY-4.0.",
    "Licensed under either of\n\n* Apache License, Version 2.0\n* MIT license\n\nat your option.",
    "See [LICENSE](https://github.com/{owner}/{repo}/blob/main/LICENSE) for details.",
    "The Dockerfiles in this repository are MIT licensed; the software they install is not.",
)


def _sentence(rnd: random.Random) -> str:
    return rnd.choice(_FILLER).format(
        lang=rnd.choice(_LANGS),
        adj=rnd.choice(_ADJECTIVES),
        noun=rnd.choice(_NOUNS),
        verb=rnd.choice(_VERBS),
        thing=rnd.choice(_THINGS),
        org=rnd.choice(_ORGS),
        n=rnd.randint(2, 90),
        n2=rnd.randint(0, 20),
        port=rnd.randint(1024, 9999),
    )


def _paragraph(rnd: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rnd) for _ in range(sentences))


def _badges(rnd: random.Random, owner: str, repo: str, spdx: str) -> str:
    badges = [
        f"[![Build](https://github.com/{owner}/{repo}/actions/workflows/ci.yml/badge.svg)]"
        f"(https://github.com/{owner}/{repo}/actions)",
        f"[![Docker Pulls](https://img.shields.io/docker/pulls/{owner}/{repo})]"
        f"(https://hub.docker.com/r/{owner}/{repo})",
    ]
    if rnd.random() < 0.5:
        badges.append(
            f"[![License](https://img.shields.io/badge/license-{spdx.replace('-', '--')}-blue.svg)]"
            "(LICENSE)"
        )
    return " ".join(badges)


def _usage(rnd: random.Random, owner: str, repo: str) -> str:
    port = rnd.randint(1024, 9999)
    compose = "\n".join(
        f"      {name}: {rnd.choice(('info', '8080', '/data', 'db', '4'))}"
        for name in rnd.sample(_ENV, 3)
    )
    return (
        f"## Quick start\n\n```sh\ndocker run -d -p {port}:{port} -v data:/data {owner}/{repo}:latest\n"
        f"```\n\nOr with Compose:\n\n```yaml\nservices:\n  {repo}:\n    image: {owner}/{repo}\n"
        f"    environment:\n{compose}\n```\n"
    )


def _table(rnd: random.Random) -> str:
    rows = "\n".join(
        f"| `{name}` | `{rnd.choice(('info', '8080', '/data', 'false', '4'))}` | {_sentence(rnd)} |"
        for name in rnd.sample(_ENV, rnd.randint(3, 7))
    )
    return f"## Configuration\n\n| Variable | Default | Description |\n|---|---|---|\n{rows}\n"


def _license(rnd: random.Random, owner: str, repo: str, full: list[str]) -> str:
    roll = rnd.random()
    heading = rnd.choice(("## License", "## Licence", "## License\n", "License\n-------"))
    if roll < 0.15:
        return f"{heading}\n\n{rnd.choice(full)}\n"
    if roll < 0.20:
        return f"{heading}\n\nSPDX-License-Identifier: {rnd.choice(('MIT', 'Apache-2.0'))}\n"
    if roll < 0.25:
        return "## Project facts\n\n| Key | Value |\n|---|---|\n| License | Apache-2.0 |\n"
    if roll < 0.30:
        return ""  # no license section at all
    line = rnd.choice(_ONE_LINE).format(
        year=rnd.randint(2012, 2026), org=rnd.choice(_ORGS), owner=owner, repo=repo
    )
    return f"{heading}\n\n{line}\n"


def readme_overview(i: int, rnd: random.Random, full: list[str]) -> str:
    """A README-shaped overview, different for every repository (about 2-16 KB)."""
    owner, repo = f"example{i}", f"{rnd.choice(_NOUNS)}-{i}"
    spdx = rnd.choice(("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0"))
    features = "\n".join(f"- **{rnd.choice(_ADJECTIVES)}**: {_sentence(rnd)}" for _ in range(5))
    parts = [
        f'<p align="center"><img src="https://example.org/{repo}.png" width="120"></p>\n',
        f"# {repo} :rocket:\n\n{_badges(rnd, owner, repo, spdx)}\n",
        f"{_paragraph(rnd, rnd.randint(3, 8))}\n\nSource: https://github.com/{owner}/{repo}\n",
        f"## Features\n\n{features}\n",
        _usage(rnd, owner, repo),
        _table(rnd),
        *(
            f"## {rnd.choice(('Architecture', 'FAQ', 'Upgrading', 'Security', 'Building'))}"
            f"\n\n{_paragraph(rnd, rnd.randint(4, 12))}\n"
            for _ in range(rnd.randint(1, 5))
        ),
        f"## Contributing\n\nPull requests are welcome; see [CONTRIBUTING.md](CONTRIBUTING.md). "
        f"Website: https://{repo}.example.org\n",
        _license(rnd, owner, repo, full),
    ]
    return "\n".join(part for part in parts if part)


def full_texts() -> list[str]:
    """The license texts that some overviews paste under their License heading."""
    return [(_TEXTS / name).read_text(encoding="utf-8") for name in _FULL]
