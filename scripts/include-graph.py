#!/usr/bin/env python3
"""The folder -> folder include graph of tool/, and a check that it has no cycle.

Reads every `#include "folder/file"` line under tool/ and prints one edge per line,
`from -> to (n includes)`, where a folder is the first path component below tool/ (tool/main.cpp
is `main`). Exits 1 when two or more folders include each other, directly or around a loop,
naming each such cycle, or when one key provider's folder includes another's (providers sit side
by side; what they share lives a layer down, in crypto/ or http/); 0 otherwise.

  scripts/include-graph.py [--root tool] [--quiet] [--providers a,b,...]
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
SOURCE_SUFFIXES = ('.hpp', '.cpp', '.h', '.hh', '.cc', '.inc')
# The key providers' folders (tool/providers/registry.cpp has one row for each).
PROVIDERS = 'trusted_signing,key_vault,pkcs11,cert_store'


def folder_of(relative):
    parts = relative.replace(os.sep, '/').split('/')
    return parts[0] if len(parts) > 1 else os.path.splitext(parts[0])[0]


def edges(root):
    """{(from, to): count} over every quoted include that names a file under `root`."""
    found = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            source = folder_of(os.path.relpath(path, root))
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            for target in INCLUDE.findall(text):
                # Only includes of this tree's own folders ("policy/model.hpp"), not siblings
                # included by bare name or generated files.
                if '/' not in target or not os.path.exists(os.path.join(root, target)):
                    continue
                dest = folder_of(target)
                if dest != source:
                    found[(source, dest)] = found.get((source, dest), 0) + 1
    return found


def strongly_connected(nodes, graph):
    """Tarjan's algorithm: the components with more than one folder, each sorted."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(result)


def cycle_in(component, graph):
    """One concrete loop through the component's first folder: a -> b -> ... -> a."""
    members = set(component)
    start = component[0]
    # Breadth-first from start back to start, inside the component: the shortest loop.
    previous = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ())):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start] + list(reversed(path[:-1])) + [start]
                if w not in previous:
                    previous[w] = v
                    nxt.append(w)
        frontier = nxt
    return component


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument('--root', default=os.path.join(here, '..', 'tool'))
    parser.add_argument('--quiet', action='store_true', help='print only cycles')
    parser.add_argument('--providers', default=PROVIDERS,
                        help='comma-separated provider folders that must not include each other')
    args = parser.parse_args()
    if not os.path.isdir(args.root):
        print(f'include-graph: {args.root}: not a folder', file=sys.stderr)
        return 2

    found = edges(args.root)
    graph, nodes = {}, set()
    for (a, b) in found:
        graph.setdefault(a, set()).add(b)
        nodes.update((a, b))
    if not args.quiet:
        for (a, b), n in sorted(found.items()):
            print(f'{a} -> {b} ({n})')

    cycles = strongly_connected(nodes, graph)
    for component in cycles:
        loop = ' -> '.join(cycle_in(component, graph))
        print(f'include-graph: cycle between folders {", ".join(component)}: {loop}',
              file=sys.stderr)
    providers = set(filter(None, args.providers.split(',')))
    sideways = sorted((a, b) for (a, b) in found if a in providers and b in providers)
    for a, b in sideways:
        print(f'include-graph: provider {a} includes provider {b} ({found[(a, b)]} includes); '
              'move what they share to a lower folder', file=sys.stderr)
    return 1 if cycles or sideways else 0


if __name__ == '__main__':
    sys.exit(main())
