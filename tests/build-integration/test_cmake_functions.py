"""cipolicy_sign() / cipolicy_sign_target() switches and argument checks, on tiny projects that
include cmake-modules/CIPolicyFunctions.cmake and run the tool through CIPOLICY_EXECUTABLE."""
import os
import re

from buildsupport import EXE, SOURCE_DIR, BuildTest, Counter, main, run

MODULE = os.path.join(SOURCE_DIR, 'cmake-modules', 'CIPolicyFunctions.cmake')
HEAD = f'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES NONE)\ninclude("{MODULE}")\n'


class CMakeFunctions(BuildTest):
    def setUp(self):
        super().setUp()
        self.src = self.path('src')
        self.config = self.make_pki_and_policies(self.src, ['a.bin', 'b.bin'])
        self.counter = Counter(self.dir)

    def project(self, body, *defs, generator='Ninja'):
        # A fresh build folder each time: no cache carried over between cases.
        if os.path.exists(self.path('build')):
            self.builds = getattr(self, 'builds', 0) + 1
            os.rename(self.path('build'), self.path(f'build-{self.builds}'))
        self.write(os.path.join(self.src, 'CMakeLists.txt'), HEAD + body)
        return run(['cmake', '-S', self.src, '-B', self.path('build'), '-G', generator,
                    '-DCIPOLICY_EXECUTABLE=' + self.counter.path, *defs])

    def build(self, *extra):
        return run(['cmake', '--build', self.path('build'), *extra])

    def test_auto_without_configuration_builds_unsigned(self):
        r = self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n'))
        self.assertIn('cipolicy: p: not signed (no configuration', r.out)
        self.ok(self.build())
        self.assertEqual(self.counter.take(), [])

    def test_auto_with_configuration_signs_relative_paths_from_source_dir(self):
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin b.bin OUTPUT_DIR out)\n',
                             '-DCIPOLICY_CONFIG=' + self.config))
        self.ok(self.build())
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'),
                            self.path('build', 'out', 'a.cip'), self.path('build', 'out', 'b.cip'))
        self.assertEqual(len(self.counter.take()), 2)

    def test_on_without_configuration_fails_at_configure_time(self):
        r = self.fails(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n', '-DCIPOLICY_SIGNING=ON'),
                       'CIPOLICY_SIGNING is ON but no signing configuration')
        self.assertIn('Set CIPOLICY_CONFIG', r.out)

    def test_missing_config_file_fails(self):
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin CONFIG nope.yaml)\n'),
                   'nope.yaml (from CONFIG) does not exist')

    def test_off_ignores_configuration(self):
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n', '-DCIPOLICY_SIGNING=OFF',
                             '-DCIPOLICY_CONFIG=' + self.config))
        self.ok(self.build())
        self.assertEqual(self.counter.take(), [])
        self.assertFalse(os.path.exists(self.path('build', 'p')))

    def test_bad_mode_and_arguments_are_fatal(self):
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin)\n', '-DCIPOLICY_SIGNING=maybe'),
                   "CIPOLICY_SIGNING='maybe' is not valid; use AUTO, ON or OFF")
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin OUTPUTDIR x)\n'),
                   "unknown argument 'OUTPUTDIR'")
        self.fails(self.project('cipolicy_sign(p ALL POLICIES a.bin BOGUS)\n'),
                   "unknown argument 'BOGUS'")
        self.fails(self.project('cipolicy_sign(p ALL ALSO POLICIES a.bin)\n'),
                   "unknown argument(s) 'ALSO'")
        self.fails(self.project('cipolicy_sign(p OUTPUT_DIR x)\n'), 'POLICIES is required')
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin CONFIG)\n'), "'CONFIG' needs a value")
        self.fails(self.project('cipolicy_sign(POLICIES a.bin)\n'),
                   'the first argument is the name of the target')
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin sub/a.bin)\n',
                                '-DCIPOLICY_CONFIG=' + self.config), 'would both be signed to a.cip')
        self.fails(self.project('cipolicy_sign_target(nothere POLICIES a.bin)\n'),
                   "'nothere' is not a target")

    def test_metadata_and_timestamp_urls_become_flags_only_when_given(self):
        meta = self.write(os.path.join(self.src, 'metadata.json'), '{}')
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n'
                             'cipolicy_sign(q ALL POLICIES b.bin METADATA metadata.json '
                             'TIMESTAMP_URLS http://ts1.test http://ts2.test)\n',
                             '-DCIPOLICY_CONFIG=' + self.config))
        cmds = self.ok(run(['ninja', '-C', self.path('build'), '-t', 'commands'])).out
        sign_a = [c for c in cmds.splitlines() if ' sign ' in c and 'a.bin' in c]
        sign_b = [c for c in cmds.splitlines() if ' sign ' in c and 'b.bin' in c]
        self.assertEqual(len(sign_a), 1, cmds)
        self.assertNotIn('--metadata', sign_a[0])
        self.assertNotIn('--timestamp-url', sign_a[0])
        self.assertIn(f'--metadata {meta}', sign_b[0])
        self.assertIn('--timestamp-url http://ts1.test --timestamp-url http://ts2.test', sign_b[0])
        query = self.ok(run(['ninja', '-C', self.path('build'), '-t', 'query',
                             self.path('build', 'q', 'b.cip')])).out
        self.assertIn(meta, query)
        self.assertIn(self.config, query)

    def test_sign_target_signs_what_the_target_produced(self):
        self.ok(self.project(
            'add_custom_target(make_policy ALL COMMAND ${CMAKE_COMMAND} -E copy '
            '${CMAKE_CURRENT_SOURCE_DIR}/a.bin ${CMAKE_CURRENT_BINARY_DIR}/made.bin)\n'
            'cipolicy_sign_target(make_policy POLICIES ${CMAKE_CURRENT_BINARY_DIR}/made.bin)\n',
            '-DCIPOLICY_CONFIG=' + self.config))
        self.ok(self.build())
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'),
                            self.path('build', 'make_policy-signed', 'made.cip'))

    def test_multi_config_outputs_per_configuration(self):
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n',
                             '-DCIPOLICY_CONFIG=' + self.config, generator='Ninja Multi-Config'))
        self.ok(self.build('--config', 'Release'))
        self.assertEqual(os.listdir(self.path('build', 'p')), ['Release'])
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'),
                            self.path('build', 'p', 'Release', 'a.cip'))

    def test_template_names_every_documented_key(self):
        with open(os.path.join(SOURCE_DIR, 'docs', 'configuration.md')) as f:
            keys = re.findall(r'^\| `([a-z.-]+)` \|', f.read(), re.M)
        with open(os.path.join(SOURCE_DIR, 'templates', 'cipolicy.yaml')) as f:
            template = f.read()
        self.assertGreater(len(keys), 10)
        for key in keys:
            *sections, leaf = key.split('.')
            for section in sections:
                self.assertRegex(template, rf'(?m)^#? ?{re.escape(section)}:', key)
            self.assertRegex(template, rf'(?m)^\s*#?\s*{re.escape(leaf)}:', key)

    def test_templates_are_valid_for_the_tool(self):
        # The template's keys must all be known to the tool: the only complaint may be the
        # certificate files it names, which do not exist beside the template.
        r = run([EXE, 'sign', os.path.join(self.src, 'a.bin'), '-o', self.path('x.cip'),
                 '--config', os.path.join(SOURCE_DIR, 'templates', 'cipolicy.yaml')])
        self.assertNotEqual(r.code, 0)
        self.assertIn('signer.pem', r.out, repr(r))
        self.assertNotIn('unknown key', r.out, repr(r))


if __name__ == '__main__':
    main()
