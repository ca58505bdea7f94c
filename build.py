#!/usr/bin/env python3
"""Entry point: `python build.py COMMAND`, the same as the `plandoc` command (see plandoc/cli.py)."""

from plandoc.cli import main

if __name__ == "__main__":
    main()
