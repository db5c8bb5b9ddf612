"""samples/cmake built end to end, as a user would: via find_package(CIPolicy) from a
`cmake --install` prefix, or via add_subdirectory of this repository.
Environment: CIPOLICY_TEST_GENERATOR (Ninja, Unix Makefiles), CIPOLICY_TEST_MODE (find_package,
add_subdirectory). Counts tool runs with a wrapper that logs its arguments."""
import glob
import os
import shutil
import sys
import unittest

from buildsupport import BUILD_DIR, EXE, SKIP, SOURCE_DIR, BuildTest, Counter, main, run, touch

GENERATOR = os.environ.get('CIPOLICY_TEST_GENERATOR', 'Ninja')
# The PolicyIDs of samples/cmake/policies/base.xml and supplemental.xml.
BASE = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A10}.cip'
SUPPLEMENTAL = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A11}.cip'
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

    def test_xml_to_deployable_names_then_only_what_changed(self):
        self.ok(self.configure())
        self.build()
        b = self.path('build')
        signed = sorted(glob.glob(os.path.join(b, 'signed', '*')))
        self.assertEqual([os.path.basename(f) for f in signed], [BASE, SUPPLEMENTAL])
        root = os.path.join(b, 'dev-pki', 'root.cer')
        self.assertVerifies(root, *signed)
        # The supplemental against its base, checked here too, independently of the build's check.
        r = run([EXE, 'verify', signed[1], '--base', signed[0], '--root', root])
        self.assertEqual(r.code, 0, repr(r))
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1})
        compiled = sorted(glob.glob(os.path.join(b, 'signed_policies-compiled', '*.bin')))
        self.assertEqual([os.path.basename(f) for f in compiled], ['base.bin', 'supplemental.bin'])

        self.build()
        self.assertEqual(self.counter.runs(), {}, 'a no-op rebuild ran the tool')

        # The base's XML: it alone is compiled and signed again, and the supplemental re-checked.
        touch(os.path.join(b, 'policies', 'base.xml'))
        self.build()
        calls = self.counter.calls('sign')
        self.assertEqual(len(calls), 1, calls)
        self.assertIn('base.bin', calls[0])
        self.assertEqual(self.counter.runs(), {'compile': 1, 'sign': 1, 'verify': 1})

        # The configuration and the key it names re-sign every policy.
        for name in ('cipolicy.yaml', 'signer.key'):
            touch(os.path.join(b, 'dev-pki', name))
            self.build()
            self.assertEqual(self.counter.runs(), {'sign': 2, 'verify': 1}, name)

        # A new tool compiles and signs everything again.
        touch(self.counter.path)
        self.build()
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1})
        self.assertVerifies(root, *signed)

        self.ok(run(['cmake', '--build', b, '--target', 'clean']))
        self.assertEqual([f for f in signed + compiled if os.path.exists(f)], [])

    def test_off_signs_nothing(self):
        r = self.ok(self.configure('-DCIPOLICY_SIGNING=OFF'))
        self.assertIn('not signed (CIPOLICY_SIGNING is OFF)', r.out)
        self.build()
        self.assertEqual(self.counter.take(), [])
        self.assertEqual(glob.glob(self.path('build', 'signed', '*')), [])

    @unittest.skipUnless(MODE == 'add_subdirectory' and GENERATOR == 'Ninja',
                         'checks the Ninja graph of the in-tree tool')
    def test_in_tree_tool_is_the_dependency(self):
        # Without CIPOLICY_EXECUTABLE the in-tree target runs and is a dependency of each compiled
        # and signed file (checked in the build graph: building the tool here would take
        # minutes). With no tool at configure time the sample needs a signing setup of its own:
        # the checked-in policies are then compiled and signed as they are.
        config = self.write(self.path('own', 'cipolicy.yaml'), 'provider: local\n')
        r = self.ok(run(['cmake', '-S', os.path.join(SOURCE_DIR, 'samples', 'cmake'),
                         '-B', self.path('intree'), '-G', 'Ninja',
                         '-DCIPOLICY_SOURCE_DIR=' + SOURCE_DIR, '-DCIPOLICY_CONFIG=' + config]))
        signed = os.path.join(self.path('intree'), 'signed', BASE)
        q = self.ok(run(['ninja', '-C', self.path('intree'), '-t', 'query', signed]))
        self.assertIn('cipolicy/tool/cipolicy', q.out)
        cmds = self.ok(run(['ninja', '-C', self.path('intree'), '-t', 'commands', signed]))
        tool = self.path('intree', 'cipolicy', 'tool', 'cipolicy')
        self.assertIn(tool + ' compile ' + os.path.join(SOURCE_DIR, 'samples', 'cmake', 'policies', 'base.xml'),
                      cmds.out)
        self.assertIn(tool + ' sign ', cmds.out)
        # The development PKI needs a tool at configure time: without one, say what to do.
        self.fails(run(['cmake', '-S', os.path.join(SOURCE_DIR, 'samples', 'cmake'),
                        '-B', self.path('intree-dev'), '-G', 'Ninja', '-DCIPOLICY_SOURCE_DIR=' + SOURCE_DIR]),
                   'pass -DCIPOLICY_EXECUTABLE=')


if __name__ == '__main__':
    tool = {'Ninja': 'ninja', 'Unix Makefiles': 'make'}.get(GENERATOR)
    if tool and not shutil.which(tool):
        print(f'SKIPPED: {tool} is not installed (needed for the {GENERATOR} generator)')
        sys.exit(SKIP)
    main()
