"""samples/cmake built end to end, as a user would: via find_package(CIPolicy) from a
`cmake --install` prefix, or via add_subdirectory of this repository.
Environment: CIPOLICY_TEST_GENERATOR (Ninja, Unix Makefiles), CIPOLICY_TEST_MODE (find_package,
add_subdirectory). Counts tool runs with a wrapper that logs its arguments."""
import glob
import os
import shutil
import sys
import unittest

from buildsupport import BUILD_DIR, SKIP, SOURCE_DIR, BuildTest, Counter, main, run, touch

GENERATOR = os.environ.get('CIPOLICY_TEST_GENERATOR', 'Ninja')
MODE = os.environ.get('CIPOLICY_TEST_MODE', 'find_package')


class CMakeSample(BuildTest):
    def configure(self, *extra):
        src = os.path.join(SOURCE_DIR, 'samples', 'cmake')
        args = ['cmake', '-S', src, '-B', self.path('build'), '-G', GENERATOR, *extra]
        if MODE == 'find_package':
            args.append('-DCMAKE_PREFIX_PATH=' + self.prefix)
        else:
            args += ['-DCIPOLICY_SOURCE_DIR=' + SOURCE_DIR,
                     '-DCIPOLICY_EXECUTABLE=' + self.counter.path]
        return run(args)

    def build(self):
        return self.ok(run(['cmake', '--build', self.path('build')]))

    def setUp(self):
        super().setUp()
        if MODE == 'find_package':
            # Install this build, then put the counting wrapper where the package's imported
            # CIPolicy::cipolicy points, so the installed package itself is what runs.
            # Installed to one folder and used from another: the package must be relocatable.
            self.prefix = self.path('prefix')
            self.ok(run(['cmake', '--install', BUILD_DIR, '--prefix', self.path('installed')]))
            os.rename(self.path('installed'), self.prefix)
            real = os.path.join(self.prefix, 'bin', 'cipolicy-real')
            os.rename(os.path.join(self.prefix, 'bin', 'cipolicy'), real)
            self.counter = Counter(os.path.join(self.prefix, 'bin'), real=real, name='cipolicy',
                                   log=self.path('calls.log'))
        else:
            self.counter = Counter(self.dir)

    def test_signs_once_then_only_what_changed(self):
        self.ok(self.configure())
        self.build()
        b = self.path('build')
        signed = sorted(glob.glob(os.path.join(b, 'signed', '*.cip')))
        self.assertEqual([os.path.basename(f) for f in signed], ['policy-a.cip', 'policy-b.cip'])
        self.assertVerifies(os.path.join(b, 'dev-pki', 'root.cer'), *signed)
        self.assertEqual(len(self.counter.take()), 2)

        self.build()
        self.assertEqual(self.counter.take(), [], 'a no-op rebuild ran the tool')

        touch(os.path.join(b, 'policies', 'policy-a.bin'))
        self.build()
        calls = self.counter.take()
        self.assertEqual(len(calls), 1, calls)
        self.assertIn('policy-a.bin', calls[0])

        touch(os.path.join(b, 'dev-pki', 'cipolicy.yaml'))
        self.build()
        self.assertEqual(len(self.counter.take()), 2, 'a config change must re-sign every policy')

        self.build()
        self.assertEqual(self.counter.take(), [])
        self.assertVerifies(os.path.join(b, 'dev-pki', 'root.cer'), *signed)

    def test_off_signs_nothing(self):
        r = self.ok(self.configure('-DCIPOLICY_SIGNING=OFF'))
        self.assertIn('not signed (CIPOLICY_SIGNING is OFF)', r.out)
        self.build()
        self.assertEqual(self.counter.take(), [])
        self.assertEqual(glob.glob(self.path('build', 'signed', '*')), [])

    @unittest.skipUnless(MODE == 'add_subdirectory' and GENERATOR == 'Ninja',
                         'checks the Ninja graph of the in-tree tool')
    def test_in_tree_tool_is_the_dependency(self):
        # Without CIPOLICY_EXECUTABLE the in-tree target runs and is a dependency of each signed
        # file (checked in the build graph: building the tool here would take minutes).
        r = self.ok(run(['cmake', '-S', os.path.join(SOURCE_DIR, 'samples', 'cmake'),
                         '-B', self.path('intree'), '-G', 'Ninja',
                         '-DCIPOLICY_SOURCE_DIR=' + SOURCE_DIR]))
        q = self.ok(run(['ninja', '-C', self.path('intree'), '-t', 'query',
                         os.path.join(self.path('intree'), 'signed', 'policy-a.cip')]))
        self.assertIn('cipolicy/tool/cipolicy', q.out)
        cmds = self.ok(run(['ninja', '-C', self.path('intree'), '-t', 'commands',
                            os.path.join(self.path('intree'), 'signed', 'policy-a.cip')]))
        self.assertIn(self.path('intree', 'cipolicy', 'tool', 'cipolicy') + ' sign ', cmds.out)


if __name__ == '__main__':
    tool = {'Ninja': 'ninja', 'Unix Makefiles': 'make'}.get(GENERATOR)
    if tool and not shutil.which(tool):
        print(f'SKIPPED: {tool} is not installed (needed for the {GENERATOR} generator)')
        sys.exit(SKIP)
    main()
