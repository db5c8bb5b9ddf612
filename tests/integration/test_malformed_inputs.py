"""A catalogue of malformed inputs for every parser, through the real executable. Each case
asserts: the exit code of its class (never 70, "internal error"); exactly one line on stderr that
names the offending file (or option); nothing on stdout and no file written; the input unchanged;
and memory bounded (the process runs under an address-space limit, as `ulimit -v` sets it)."""
import os
import resource
import struct
import subprocess
import unittest

from support import EXE, WINE, CliTest, run

# 1 GiB of address space: ample for any real input, and what an unbounded read of /dev/zero or
# a 64 MB cap times a few copies would exceed. ASan builds reserve far more, so
# scripts/sanitize.sh turns the limit off.
MEMORY_LIMIT = 1 << 30
LIMITED = not os.environ.get('CIPOLICY_SANITIZED')

GUID = '{11111111-2222-3333-4444-555555555555}'


def limit_memory():
    # Wine reserves far more address space than it uses (unwritable, so not data): under Wine
    # the same limit applies to writable memory (RLIMIT_DATA) instead.
    kind = resource.RLIMIT_DATA if WINE else resource.RLIMIT_AS
    resource.setrlimit(kind, (MEMORY_LIMIT, MEMORY_LIMIT))


def policy_xml(root_attrs='', body='', signer=''):
    """A small base policy that compiles (option 6, no signers needed)."""
    return f'''<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy"{root_attrs}>
  <VersionEx>1.0.0.0</VersionEx>
  <PolicyID>{GUID}</PolicyID>
  <BasePolicyID>{GUID}</BasePolicyID>
  <PlatformID>{{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}}</PlatformID>
  <Rules><Rule><Option>Enabled:Unsigned System Integrity Policy</Option></Rule></Rules>
  {signer}
  <SigningScenarios>
    <SigningScenario Value="131" ID="ID_SIGNINGSCENARIO_K" FriendlyName="k">
      <ProductSigners/>
    </SigningScenario>
  </SigningScenarios>{body}
</SiPolicy>
'''.encode()


SIGNER = '''<Signers>
    <Signer ID="ID_SIGNER_S_1" Name="s" SignTimeAfter="2020-01-01T00:00:00">
      <CertRoot Type="TBS" Value="0102030405060708090A0B0C0D0E0F1011121314"/>
    </Signer>
  </Signers>'''

# 2020-01-01T00:00:00Z as a FILETIME, and a FILETIME in year 48174.
FILETIME_2020 = 132223104000000000
FILETIME_48174 = (48174 - 1601) * 365 * 86400 * 10_000_000

YAML_OK = b'provider: local\n'
METADATA_OK = (b'{"Endpoint":"https://eus.codesigning.azure.net","CodeSigningAccountName":"a",'
               b'"CertificateProfileName":"p"}')


class MalformedInputsTest(CliTest):
    @classmethod
    def setUpClass(cls):
        # One valid binary to damage, compiled by the tool itself.
        import tempfile
        d = tempfile.mkdtemp(prefix='cipolicy-catalogue-')
        with open(os.path.join(d, 'p.xml'), 'wb') as f:
            f.write(policy_xml(signer=SIGNER))
        r = run('compile', os.path.join(d, 'p.xml'), '-o', os.path.join(d, 'p.bin'))
        assert r.code == 0, repr(r)
        with open(os.path.join(d, 'p.bin'), 'rb') as f:
            cls.binary = f.read()

    def check(self, args, files, code, names, stdout_ok=False):
        """Runs `args` ({name} stands for self.path(name)) with `files` written first; `names` is
        the text stderr's single line must contain."""
        paths = {n: self.write(self.path(n), data) for n, data in files.items()}
        before = {n: self.read(p) for n, p in paths.items()}
        listing = self.listing()
        argv = list(args)
        for name in files:
            argv = [a.replace('{' + name + '}', self.path(name)) for a in argv]
        proc = subprocess.run([EXE, *argv], capture_output=True, timeout=120, cwd=self.dir,
                              preexec_fn=limit_memory if LIMITED else None)
        err = proc.stderr.decode('utf-8', 'replace')
        what = f'{argv}: exit {proc.returncode}\nstderr: {err[:2000]}\nstdout: {proc.stdout[:500]}'
        self.assertNotEqual(proc.returncode, 70, what)
        self.assertEqual(proc.returncode, code, what)
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, what)
        self.assertTrue(err.endswith('\n') and '\r' not in err and '\x1b' not in err, what)
        self.assertLess(len(err), 8192, what)
        self.assertIn(names, lines[0], what)
        if not stdout_ok:
            self.assertEqual(proc.stdout, b'', what)
        self.assertEqual(self.listing(), listing, what)
        for n, p in paths.items():
            self.assertEqual(self.read(p), before[n], f'{what}\n{n} was modified')
        return lines[0]

    # ---- policy XML (compile) -----------------------------------------------------------------

    def compile_case(self, data, names='p.xml', code=3):
        return self.check(['compile', '{p.xml}', '-o', self.path('out.bin')], {'p.xml': data},
                          code, names)

    def test_xml_empty(self):
        self.compile_case(b'')

    def test_xml_not_xml(self):
        self.compile_case(b'hello, world')

    def test_xml_trailing_garbage(self):
        self.assertIn('after the end of the root element',
                      self.compile_case(policy_xml() + b'garbage'))

    def test_xml_second_root(self):
        self.assertIn('second root', self.compile_case(policy_xml() + policy_xml()[39:]))

    def test_xml_two_declarations(self):
        self.assertIn('XML declaration',
                      self.compile_case(b'<?xml version="1.0"?>\n' + policy_xml()))

    def test_xml_text_before_root(self):
        self.compile_case(b'junk' + policy_xml()[38:])

    def test_xml_control_character(self):
        self.compile_case(policy_xml().replace(b'FriendlyName="k"', b'FriendlyName="\x01"'))

    def test_xml_control_character_reference(self):
        self.compile_case(policy_xml().replace(b'FriendlyName="k"', b'FriendlyName="&#27;[31m"'))

    def test_xml_invalid_utf8(self):
        self.compile_case(policy_xml().replace(b'FriendlyName="k"', b'FriendlyName="\xc0\xaf"'))

    def test_xml_duplicate_attribute(self):
        self.compile_case(policy_xml().replace(b'FriendlyName="k"',
                                               b'FriendlyName="k" FriendlyName="j"'))

    def test_xml_value_forging_a_second_diagnostic(self):
        line = self.compile_case(policy_xml().replace(
            b'PolicyType="Base Policy"', b'PolicyType="x&#10;cipolicy: error: forged"'))
        self.assertIn('\\n', line)

    def test_xml_huge_attribute_is_cut_short(self):
        line = self.compile_case(policy_xml().replace(b'PolicyType="Base Policy"',
                                                      b'PolicyType="' + b'A' * (20 << 20) + b'"'))
        self.assertLess(len(line), 1000)

    def test_xml_utf16(self):
        self.compile_case('<?xml version="1.0"?><SiPolicy/>'.encode('utf-16'))

    def test_xml_wrong_root(self):
        self.compile_case(b'<?xml version="1.0"?><Policy/>')

    def test_xml_deep_nesting(self):
        self.compile_case(policy_xml(body='<a>' * 200000 + '</a>' * 200000))

    def test_xml_larger_than_the_cap(self):
        self.compile_case(policy_xml(body='<!--' + ' ' * (65 << 20) + '-->'), names='64 MB')

    def test_xml_from_dev_zero(self):
        self.check(['compile', '/dev/zero', '-o', self.path('out.bin')], {}, 3, '/dev/zero')

    def test_xml_compile_output_onto_input(self):
        self.check(['compile', '{p.xml}', '-o', '{p.xml}'], {'p.xml': policy_xml()}, 2, 'p.xml')

    def test_xml_edit_of_malformed_policy(self):
        self.check(['set-option', '{p.xml}', '--add', 'Enabled:UMCI'],
                   {'p.xml': policy_xml() + b'<SiPolicy/>'}, 3, 'p.xml')

    # ---- policy binaries (inspect, decompile) ------------------------------------------------

    def test_binary_empty(self):
        self.check(['inspect', '{p.bin}'], {'p.bin': b''}, 3, 'p.bin')

    def test_binary_random(self):
        self.check(['inspect', '{p.bin}'], {'p.bin': os.urandom(4096)}, 3, 'p.bin')

    def test_binary_truncated(self):
        self.check(['inspect', '{p.bin}'], {'p.bin': self.binary[:len(self.binary) // 2]}, 3,
                   'p.bin')

    def test_binary_huge_count(self):
        damaged = bytearray(self.binary)
        struct.pack_into('<I', damaged, 0x2C, 0xFFFFFFFF)  # the file rule count
        self.check(['inspect', '{p.bin}'], {'p.bin': bytes(damaged)}, 3, 'p.bin')

    def test_binary_from_dev_zero(self):
        self.check(['inspect', '/dev/zero'], {}, 3, '/dev/zero')

    def test_decompile_from_dev_zero(self):
        self.check(['decompile', '/dev/zero', '-o', self.path('out.xml')], {}, 3, '/dev/zero')

    def test_decompile_scenario_value_beyond_a_byte(self):
        # u32 value 131, an empty InheritedScenarios list, MinimumHashAlgorithm 0x800C
        pattern = struct.pack('<III', 131, 0, 0x800C)
        self.assertEqual(self.binary.count(pattern), 1)
        damaged = self.binary.replace(pattern, struct.pack('<III', 16384131, 0, 0x800C))
        line = self.check(['decompile', '{p.bin}', '-o', self.path('out.xml')], {'p.bin': damaged},
                          3, 'p.bin')
        self.assertIn('16384131', line)

    def test_decompile_sign_time_after_beyond_year_9999(self):
        pattern = struct.pack('<Q', FILETIME_2020)
        self.assertEqual(self.binary.count(pattern), 1)
        damaged = self.binary.replace(pattern, struct.pack('<Q', FILETIME_48174))
        self.check(['decompile', '{p.bin}', '-o', self.path('out.xml')], {'p.bin': damaged}, 3,
                   'p.bin')

    def test_decompile_output_onto_input(self):
        self.check(['decompile', '{p.bin}', '-o', '{p.bin}'], {'p.bin': self.binary}, 2, 'p.bin')

    # ---- signed files (verify, timestamp, sign) ----------------------------------------------

    def test_sign_with_a_certificate_that_is_not_one(self):
        self.check(['sign', '{p.bin}', '--cert', '{c.pem}', '--key', '{k.pem}'],
                   {'p.bin': self.binary, 'c.pem': b'x', 'k.pem': b'x'}, 3, 'c.pem')

    def test_sign_xml_instead_of_a_binary(self):
        self.check(['sign', '{p.xml}', '--cert', '{c.pem}', '--key', '{k.pem}'],
                   {'p.xml': policy_xml(), 'c.pem': b'x', 'k.pem': b'x'}, 3, '.pem')

    def test_timestamp_garbage(self):
        self.check(['timestamp', '{s.p7b}', '--timestamp-url', 'http://127.0.0.1:9/'],
                   {'s.p7b': b'\x30\x84\x7f\xff\xff\xff' + b'\0' * 64}, 3, 's.p7b')

    def test_verify_truncated_der(self):
        r = self.verify_case(b'\x30\x82\xff\xff\x06\x09')
        self.assertIn('s.p7b', r.out)

    def test_verify_length_beyond_the_file(self):
        self.verify_case(b'\x30\x84\x7f\xff\xff\xff\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02')

    def test_verify_from_dev_zero(self):
        self.check(['verify', '/dev/zero'], {}, 3, '/dev/zero')

    def verify_case(self, data):
        """verify reports on stdout and never writes: exit 1 (invalid), and a bounded run."""
        self.write(self.path('s.p7b'), data)
        proc = subprocess.run([EXE, 'verify', self.path('s.p7b')], capture_output=True,
                              timeout=120, preexec_fn=limit_memory if LIMITED else None)
        self.assertEqual(proc.returncode, 1, proc)
        self.assertEqual(self.read(self.path('s.p7b')), data)
        self.assertEqual(self.listing(), ['s.p7b'])
        return run('verify', self.path('s.p7b'))

    # ---- cipolicy.yaml -----------------------------------------------------------------------

    def yaml_case(self, data, names='c.yaml'):
        return self.check(['sign', '{p.bin}', '--config', '{c.yaml}'],
                          {'p.bin': self.binary, 'c.yaml': data}, 3, names)

    def test_yaml_sequence_key(self):
        self.assertIn('c.yaml(1,', self.yaml_case(b'? [a, b]\n: c\n'))

    def test_yaml_mapping_key(self):
        self.assertIn('c.yaml(1,', self.yaml_case(b'{a: 1}: x\n'))

    def test_yaml_null_key(self):
        self.yaml_case(b'?\n:\n')

    def test_yaml_duplicate_key(self):
        self.assertIn('twice', self.yaml_case(b'provider: local\nprovider: trusted-signing\n'))

    def test_yaml_duplicate_nested_key(self):
        self.assertIn('local.cert', self.yaml_case(b'local:\n  cert: a.pem\n  cert: b.pem\n'))

    def test_yaml_not_yaml(self):
        self.yaml_case(b'[unclosed\n')

    def test_yaml_key_forging_a_second_diagnostic(self):
        self.assertIn('\\n', self.yaml_case(b'"x\\ncipolicy: error: forged\\e[31m": 1\n'))

    def test_yaml_larger_than_the_cap(self):
        self.yaml_case(YAML_OK + b'#' * (2 << 20) + b'\n', names='1 MB')

    def test_yaml_from_dev_zero(self):
        self.check(['sign', '{p.bin}', '--config', '/dev/zero'], {'p.bin': self.binary}, 3,
                   '/dev/zero')

    def test_password_file_from_dev_zero(self):
        self.check(['sign', '{p.bin}', '--pfx', '{s.pfx}', '--pfx-password-file', '/dev/zero'],
                   {'p.bin': self.binary, 's.pfx': b'not read: the password file is refused'}, 3,
                   '/dev/zero')

    # ---- metadata.json -----------------------------------------------------------------------

    def metadata_case(self, data, names='m.json'):
        return self.check(['sign', '{p.bin}', '--metadata', '{m.json}'],
                          {'p.bin': self.binary, 'm.json': data}, 3, names)

    def test_metadata_endpoint_twice(self):
        self.assertIn('Endpoint', self.metadata_case(
            METADATA_OK[:-1] + b',"Endpoint":"https://evil.test"}'))

    def test_metadata_endpoint_in_two_cases(self):
        self.assertIn('twice', self.metadata_case(
            METADATA_OK[:-1] + b',"endpoint":"https://evil.test"}'))

    def test_metadata_not_json(self):
        self.metadata_case(b'{"Endpoint": ')

    def test_metadata_array(self):
        self.metadata_case(b'[1, 2, 3]')

    def test_metadata_deep_nesting(self):
        self.metadata_case(b'[' * 100000 + b']' * 100000)

    def test_metadata_key_forging_a_second_diagnostic(self):
        self.assertIn('\\n', self.metadata_case(b'{"\\u001b[2J\\ncipolicy: error: forged": 1}'))

    def test_metadata_larger_than_the_cap(self):
        self.metadata_case(METADATA_OK + b' ' * (2 << 20), names='1 MB')

    # ---- certificates, keys and lists --------------------------------------------------------

    def test_certificate_garbage(self):
        self.check(['tbs-hash', '{c.cer}'], {'c.cer': os.urandom(512)}, 3, 'c.cer')

    def test_certificate_from_dev_zero(self):
        self.check(['tbs-hash', '/dev/zero'], {}, 3, '/dev/zero')

    def test_new_policy_output_onto_its_certificate(self):
        self.check(['new-policy', '--update-signer', '{c.cer}', '-o', '{c.cer}'],
                   {'c.cer': b'not read: the output is refused first'}, 2, 'c.cer')

    def test_list_file_larger_than_the_cap(self):
        self.check(['verify', '@{l.txt}'], {'l.txt': b'# x\n' * (1 << 19)}, 3, 'l.txt')


if __name__ == '__main__':
    unittest.main()
