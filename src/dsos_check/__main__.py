"""Runs the command line for `python -m dsos_check`."""

from dsos_check.entry import main

if __name__ == "__main__":
    main()
