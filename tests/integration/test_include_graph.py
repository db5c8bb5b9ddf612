"""scripts/include-graph.py on small trees made here: edges counted per folder pair, includes of
files outside the tree ignored, and a cycle (direct or around three folders) fails naming it."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'scripts',
                      'include-graph.py')


class IncludeGraphTest(unittest.TestCase):
    def tree(self, files):
        root = tempfile.mkdtemp(prefix='cipolicy-graph-')
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        for path, includes in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), 'w') as f:
                f.write(''.join(f'#include "{i}"\n' for i in includes) + '#include <vector>\n')
        return root

    def run_on(self, root):
        return subprocess.run([sys.executable, SCRIPT, '--root', root], capture_output=True,
                              text=True)

    def test_acyclic_tree_passes_and_prints_edges(self):
        root = self.tree({'core/a.hpp': [], 'core/b.hpp': ['core/a.hpp'],
                          'http/c.hpp': ['core/a.hpp', 'core/b.hpp', 'missing/x.hpp'],
                          'http/c.cpp': ['http/c.hpp', 'core/a.hpp'], 'main.cpp': ['http/c.hpp']})
        r = self.run_on(root)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), ['http -> core (3)', 'main -> http (1)'])
        self.assertEqual(r.stderr, '')

    def test_direct_cycle_fails_naming_it(self):
        root = self.tree({'signing/s.hpp': ['verify/v.hpp'], 'verify/v.hpp': ['signing/s.hpp'],
                          'core/a.hpp': []})
        r = self.run_on(root)
        self.assertEqual(r.returncode, 1)
        self.assertIn('cycle between folders signing, verify: signing -> verify -> signing', r.stderr)

    def test_longer_cycle_fails_naming_every_folder(self):
        root = self.tree({'a/x.hpp': ['b/x.hpp'], 'b/x.hpp': ['c/x.hpp'], 'c/x.hpp': ['a/x.hpp'],
                          'd/x.hpp': ['a/x.hpp']})
        r = self.run_on(root)
        self.assertEqual(r.returncode, 1)
        self.assertIn('cycle between folders a, b, c: a -> b -> c -> a', r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)  # d only leads into it

    def test_provider_including_another_provider_fails(self):
        root = self.tree({'crypto/rsa.hpp': [], 'key_vault/k.cpp': ['trusted_signing/t.hpp',
                                                                    'crypto/rsa.hpp'],
                          'trusted_signing/t.hpp': ['crypto/rsa.hpp']})
        r = self.run_on(root)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.splitlines(),
                         ['include-graph: provider key_vault includes provider trusted_signing '
                          '(1 includes); move what they share to a lower folder'])

    def test_providers_over_shared_folders_pass(self):
        root = self.tree({'crypto/rsa.hpp': [], 'key_vault/k.cpp': ['crypto/rsa.hpp'],
                          'pkcs11/p.cpp': ['crypto/rsa.hpp'], 'providers/r.cpp':
                          ['key_vault/k.cpp', 'pkcs11/p.cpp']})
        r = self.run_on(root)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
