#!/usr/bin/env python3
"""Entry point: `python build.py check|build|import|docs` (same as the `plandoc` command)."""

from plandoc.cli import main

if __name__ == "__main__":
    main()
