"""License resolution: SPDX expressions, OSI approval, and where a license came from."""
