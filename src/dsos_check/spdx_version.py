"""The version line, from constants only, so `--version` imports nothing else.

The SPDX list version is the one of the bundled `licenses/data/spdx-licenses.json`; reading it
from there means importing the SPDX module and opening the data file, which doubles the start-up
time of `--version`. `tests/unit/test_spdx_version.py` fails whenever the data file is refreshed
and this constant is not updated with it.
"""

from dsos_check import __version__

SPDX_LICENSE_LIST_VERSION = "3.29"


def version_line() -> str:
    """What `--version` prints."""
    return f"dsos-check {__version__} (SPDX license list {SPDX_LICENSE_LIST_VERSION})"
