"""cipolicy_sign() / cipolicy_sign_target() switches and argument checks, on tiny projects that
include cmake-modules/CIPolicyFunctions.cmake and run the tool through CIPOLICY_EXECUTABLE."""
import os
import re
import shutil
import xml.dom.minidom

from buildsupport import EXE, SOURCE_DIR, BuildTest, Counter, main, run, touch

MODULE = os.path.join(SOURCE_DIR, 'cmake-modules', 'CIPolicyFunctions.cmake')
HEAD = f'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES NONE)\ninclude("{MODULE}")\n'
TEMPLATES = os.path.join(SOURCE_DIR, 'templates', 'policy')
# What make_pki_and_policies names a.bin and b.bin.
A_CIP = '{5E1F0C2A-0000-4000-8000-000000000001}.cip'
B_CIP = '{5E1F0C2A-0000-4000-8000-000000000002}.cip'
BASE_CIP = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A10}.cip'
SUPPLEMENTAL_CIP = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A11}.cip'
ENTERPRISE = '{A244370E-44C9-4C06-B551-F6016E563076}'  # a PolicyTypeID Windows knows


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

    def test_auto_without_configuration_builds_unsigned_with_a_warning(self):
        os.rename(self.config, os.path.join(self.src, 'elsewhere.yaml'))
        r = self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n'))
        self.assertIn('CMake Warning', r.out)
        self.assertIn('p: CIP9010: not signed, no signing configuration', ' '.join(r.out.split()))
        self.ok(self.build())
        self.assertEqual(self.counter.take(), [])

    def test_cipolicy_yaml_beside_the_cmakelists_is_used(self):
        r = self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin OUTPUT_DIR out)\n'))
        self.assertNotIn('CIP9010', r.out)
        self.ok(self.build())
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'), self.path('build', 'out', A_CIP))
        calls = self.counter.take()
        self.assertEqual(len(calls), 1, calls)
        self.assertIn('--config ' + self.config, calls[0])

    def test_auto_with_configuration_signs_relative_paths_from_source_dir(self):
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin b.bin OUTPUT_DIR out)\n',
                             '-DCIPOLICY_CONFIG=' + self.config))
        self.ok(self.build())
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'),
                            self.path('build', 'out', A_CIP), self.path('build', 'out', B_CIP))
        self.assertEqual(len(self.counter.take()), 2)

    def test_on_without_configuration_fails_at_configure_time(self):
        os.remove(self.config)
        r = self.fails(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n', '-DCIPOLICY_SIGNING=ON'),
                       'CIPOLICY_SIGNING is ON but no signing configuration')
        self.assertIn('set CIPOLICY_CONFIG to your cipolicy.yaml', ' '.join(r.out.split()))

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
        shutil.copy(os.path.join(self.src, 'a.bin'), os.path.join(self.src, 'same-id.bin'))
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin same-id.bin)\n',
                                '-DCIPOLICY_CONFIG=' + self.config),
                   f'would both be signed to {A_CIP} (the same PolicyID?)')
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin b.bin OUTPUT_NAME x.cip)\n',
                                '-DCIPOLICY_CONFIG=' + self.config), 'OUTPUT_NAME names one signed file')
        self.fails(self.project('cipolicy_sign(p POLICIES a.bin FORMAT_VERSION seven)\n'),
                   "FORMAT_VERSION 'seven' is not a number")
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
                             self.path('build', 'q', B_CIP)])).out
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
                            self.path('build', 'make_policy-signed', A_CIP))

    def test_multi_config_outputs_per_configuration(self):
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin)\n',
                             '-DCIPOLICY_CONFIG=' + self.config, generator='Ninja Multi-Config'))
        self.ok(self.build('--config', 'Release'))
        self.assertEqual(os.listdir(self.path('build', 'p')), ['Release'])
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'),
                            self.path('build', 'p', 'Release', A_CIP))

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

    def xml_policies(self):
        """base.xml and supplemental.xml from the templates, naming the development root."""
        root = os.path.join(self.src, 'pki', 'root.cer')
        for name, extra in (('SignableBase', ['--supplemental']), ('SignableSupplemental', [])):
            out = os.path.join(self.src, name.replace('Signable', '').lower() + '.xml')
            self.ok(run([EXE, 'add-signer', os.path.join(TEMPLATES, name + '.xml'), '--cert', root,
                         '--update', *extra, '-o', out]))
        with open(os.path.join(self.src, 'base.xml')) as f:
            base = f.read()
        # Multiple-policy format, but PolicyID = BasePolicyID = a known PolicyTypeID: the tool
        # reads that back as single-policy format and names it SiPolicy.p7b.
        self.write(os.path.join(self.src, 'enterprise.xml'),
                   re.sub(r'<(Base)?PolicyID>[^<]*<', lambda m: f'<{m.group(1) or ""}PolicyID>{ENTERPRISE}<', base))

    def test_xml_is_compiled_and_signed_under_the_name_windows_loads(self):
        self.xml_policies()
        self.ok(self.project(
            'cipolicy_sign(p ALL POLICIES base.xml supplemental.xml)\n'
            'cipolicy_sign(q ALL POLICIES enterprise.xml FORMAT_VERSION 7)\n'
            'cipolicy_sign(r ALL POLICIES base.xml OUTPUT_NAME Custom.cip)\n',
            '-DCIPOLICY_CONFIG=' + self.config))
        self.ok(self.build())
        root = os.path.join(self.src, 'pki', 'root.cer')
        base, supplemental = self.path('build', 'p', BASE_CIP), self.path('build', 'p', SUPPLEMENTAL_CIP)
        self.assertVerifies(root, base, supplemental, self.path('build', 'r', 'Custom.cip'))
        self.assertEqual(self.counter.runs(), {'compile': 4, 'sign': 4, 'verify': 1})
        # The name and format the tool itself reports for what the build wrote.
        info = run([EXE, 'inspect', self.path('build', 'q', 'SiPolicy.p7b'), '--json'])
        self.assertIn('"expectedFileName": "SiPolicy.p7b"', info.out, repr(info))
        self.assertIn('"formatVersion": 7', info.out)
        self.assertEqual(sorted(os.listdir(self.path('build', 'p-compiled'))), ['base.bin', 'supplemental.bin'])
        self.assertFalse([f for f in os.listdir(self.src) if f.endswith('.bin') and f not in ('a.bin', 'b.bin')],
                         'compiled binaries must stay out of the source tree')

        # Renewing the key the configuration names re-signs (the DEPFILE the tool writes).
        touch(os.path.join(self.src, 'pki', 'chain.pem'))
        self.ok(self.build())
        self.assertEqual(self.counter.runs(), {'sign': 4, 'verify': 1})
        # A new PolicyID in the XML: re-read at configure time, the file is signed under it.
        with open(os.path.join(self.src, 'supplemental.xml')) as f:
            text = f.read()
        self.write(os.path.join(self.src, 'supplemental.xml'), text.replace('8A11}', '8A12}'))
        self.ok(self.build())
        self.assertVerifies(root, self.path('build', 'p', '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A12}.cip'))
        self.assertEqual(self.counter.runs(), {'compile': 1, 'sign': 1, 'verify': 1})

    def test_pfx_and_its_password_file_are_dependencies(self):
        pki = os.path.join(self.src, 'pki')
        self.write(os.path.join(pki, 'pw.txt'), 'secret-for-tests\n')
        r = run(['openssl', 'pkcs12', '-export', '-in', os.path.join(pki, 'signer.pem'), '-inkey',
                 os.path.join(pki, 'signer.key'), '-certfile', os.path.join(pki, 'chain.pem'),
                 '-out', os.path.join(pki, 'signer.pfx'), '-passout', 'file:' + os.path.join(pki, 'pw.txt')])
        self.ok(r)
        config = self.write(os.path.join(self.src, 'pfx.yaml'),
                            'provider: local\nlocal:\n  pfx: pki/signer.pfx\n  pfx-password-file: pki/pw.txt\n')
        self.ok(self.project('cipolicy_sign(p ALL POLICIES a.bin CONFIG pfx.yaml)\n'
                             'cipolicy_sign(q ALL POLICIES b.bin)\n', '-DCIPOLICY_CONFIG=' + self.config))
        self.ok(self.build())
        self.assertEqual(len(self.counter.take()), 2)
        self.assertIn(f'--config {config}', self.ok(run(['ninja', '-C', self.path('build'), '-t', 'commands'])).out)
        for name in ('signer.pfx', 'pw.txt'):
            touch(os.path.join(pki, name))
            self.ok(self.build())
            calls = self.counter.take()
            self.assertEqual(len(calls), 1, (name, calls))
            self.assertIn('a.bin', calls[0])

    def test_supplemental_not_authorized_by_its_base_fails_the_build(self):
        self.xml_policies()
        root = os.path.join(self.src, 'pki', 'root.cer')
        # A base that names the signer for updates only, not for its supplemental policies.
        self.ok(run([EXE, 'add-signer', os.path.join(TEMPLATES, 'SignableBase.xml'), '--cert', root,
                     '--update', '-o', os.path.join(self.src, 'base.xml')]))
        self.ok(self.project('cipolicy_sign(p ALL POLICIES base.xml supplemental.xml)\n',
                             '-DCIPOLICY_CONFIG=' + self.config))
        r = self.fails(self.build(), 'the policy has no base SupplementalPolicySigners')
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1}, r.out)
        self.fails(self.build())  # still failing: no stamp was written

    def test_no_silent_no_ops(self):
        r = self.ok(self.project('file(GLOB none nothing/*.xml)\ncipolicy_sign(p ALL POLICIES ${none})\n'
                                 'cipolicy_sign(q ALL POLICIES ${CMAKE_CURRENT_BINARY_DIR}/made.bin)\n',
                                 '-DCIPOLICY_CONFIG=' + self.config))
        flat = ' '.join(r.out.split())
        self.assertIn('cipolicy_sign: p: CIP9006: POLICIES is empty', flat)
        self.assertIn('cipolicy_sign: q: CIP9007: the PolicyID of', flat)
        self.assertIn('signed as made.cip, a name Windows does not load', flat)

    def test_malformed_policy_id_is_named_as_the_cause(self):
        with open(os.path.join(TEMPLATES, 'SignableBase.xml')) as f:
            text = f.read()
        self.write(os.path.join(self.src, 'bad.xml'),
                   re.sub(r'<PolicyID>[^<]*</PolicyID>', '<PolicyID>not-a-guid</PolicyID>', text))
        r = self.ok(self.project('cipolicy_sign(p ALL POLICIES bad.xml)\n'))
        flat = ' '.join(r.out.split())
        self.assertIn("CIP9007: " + os.path.join(self.src, 'bad.xml') +
                      " has no PolicyID (or PolicyTypeID) that is a GUID ('not-a-guid')", flat)
        self.assertNotIn('made during the build', flat)

    def test_policy_templates_are_well_formed_xml(self):
        # An independent parser: like Windows' own XML reader, it rejects "--" inside comments.
        for name in ('SignableBase.xml', 'SignableSupplemental.xml'):
            doc = xml.dom.minidom.parse(os.path.join(TEMPLATES, name))
            self.assertEqual(doc.documentElement.tagName, 'SiPolicy', name)

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
