#!/usr/bin/env python3
"""Checks that the C++ sources (tool/, tests/, bench/) are formatted as .clang-format says, with
Debian 12's clang-format-14 (scripts/install-deps.sh installs it): prints each file that is not
and exits 1. Exits 77 (ctest: skipped) when no clang-format is installed.
    scripts/check-format.py [--root DIR]      fix with: clang-format-14 -i FILE..."""
import argparse
import os
import shutil
import subprocess
import sys


def sources(root):
    for top in ('tool', 'tests', 'bench'):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith(('.cpp', '.hpp', '.h')):
                    yield os.path.join(folder, name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default=os.path.join(os.path.dirname(__file__), '..'))
    root = os.path.abspath(ap.parse_args().root)
    tool = shutil.which('clang-format-14') or shutil.which('clang-format')
    if not tool:
        print('skipped: clang-format is not installed (scripts/install-deps.sh installs it)')
        return 77
    files = sorted(sources(root))
    bad = set()
    for i in range(0, len(files), 100):  # a bounded command line
        batch = files[i:i + 100]
        r = subprocess.run([tool, '--dry-run', '-Werror', '--style=file', *batch],
                           capture_output=True, text=True, timeout=300)
        # Each difference is reported as "FILE:LINE:COL: error: code should be clang-formatted".
        for f in batch:
            if r.returncode != 0 and (f + ':') in r.stderr:
                bad.add(os.path.relpath(f, root))
        if r.returncode != 0 and not bad:
            print(r.stderr.strip()[:2000])
            return 1
    for f in sorted(bad):
        print(f'{f}: not clang-formatted (fix: {os.path.basename(tool)} -i {f})')
    print(f'{len(files)} files checked, {len(bad)} not formatted')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
