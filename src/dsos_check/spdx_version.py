"""The SPDX license list version of the bundled data, as a constant for `--version`.

Reading it from `licenses/data/spdx-licenses.json` means importing the SPDX module and opening
the data file, which doubles the start-up time of `--version`. `tests/unit/test_spdx_version.py`
fails whenever the data file is refreshed and this constant is not updated with it.
"""

SPDX_LICENSE_LIST_VERSION = "3.29"
