#!/bin/sh
# All performance goals of issue #14 in one table (see run.py). Usage: bench/run.sh [--runs 15] [--exe PATH]
exec python3 "$(dirname "$0")/run.py" "$@"
