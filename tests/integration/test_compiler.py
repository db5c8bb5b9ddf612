"""`compile` and `decompile` through the real executable: byte-identical output for Microsoft's
oracles, round trips, default names, and the order of tied file rules cross-checked against
reference/netsort.py. Exits 77 (skipped) when ../shared is absent."""
import os
import random
import struct
import sys
import unittest

from support import CliTest, run, shared_dir

SHARED = shared_dir()


def oracle(*parts):
    return os.path.join(SHARED, 'oracles', *parts)


def policy_xml(rules, options=('Enabled:Unsigned System Integrity Policy',)):
    """A small multiple-policy-format policy with the given (tag, attributes) file rules."""
    rule_xml = '\n'.join(
        f'    <{tag} ID="ID_{tag.upper()}_R_{i}" ' +
        ' '.join(f'{k}="{v}"' for k, v in attrs.items()) + '/>'
        for i, (tag, attrs) in enumerate(rules))
    opts = ''.join(f'<Rule><Option>{o}</Option></Rule>' for o in options)
    return f'''<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>1.0.0.0</VersionEx>
  <PolicyID>{{11111111-2222-3333-4444-555555555555}}</PolicyID>
  <BasePolicyID>{{11111111-2222-3333-4444-555555555555}}</BasePolicyID>
  <PlatformID>{{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}}</PlatformID>
  <Rules>{opts}</Rules>
  <FileRules>
{rule_xml}
  </FileRules>
</SiPolicy>
'''


def file_rule_versions(binary):
    """MinimumFileVersion of each compiled file rule, in binary order (no EKUs in these tests)."""
    count = struct.unpack_from('<I', binary, 0x2C)[0]
    assert struct.unpack_from('<I', binary, 0x28)[0] == 0
    pos, out = 0x44, []
    for _ in range(count):
        pos += 4
        n = struct.unpack_from('<I', binary, pos)[0]
        pos += 4 + n + (-n & 3) + 4
        out.append(struct.unpack_from('<Q', binary, pos)[0] >> 48)
        pos += 8
        n = struct.unpack_from('<I', binary, pos)[0]
        pos += 4 + n + (-n & 3)
    return out


class CompilerTest(CliTest):
    def test_oracles_compile_byte_for_byte(self):
        for name, fmt in (('SiPolicy_Enforced', 8), ('SiPolicy_Audit', 8), ('WOA_SiPolicy', 7)):
            out = self.path(name + '.bin')
            r = run('compile', oracle('compile', name + '.xml'), '-o', out,
                    '--format-version', fmt, '--json')
            self.assertExit(r, 0)
            self.assertEqual(r.json()['formatVersion'], fmt)
            self.assertEqual(self.read(out), self.read(oracle('compile', name + '.bin')), name)

    def test_default_output_names(self):
        single = self.write(self.path('blocklist.xml'),
                            self.read(oracle('compile', 'SiPolicy_Enforced.xml')))
        # .bin, not the .cip/.p7b name `sign` writes beside its input.
        self.assertExit(run('compile', single), 0)
        self.assertIn('SiPolicy.bin', self.listing())
        multiple = self.write(self.path('mine.xml'), policy_xml([]).encode())
        self.assertExit(run('compile', multiple), 0)
        self.assertIn('{11111111-2222-3333-4444-555555555555}.bin', self.listing())
        self.assertNotIn('{11111111-2222-3333-4444-555555555555}.cip', self.listing())

    def test_signed_file_decompiles_and_recompiles_to_its_content(self):
        xml = self.path('woa.xml')
        r = run('decompile', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'), '-o', xml)
        self.assertExit(r, 0, '--format-version 7')
        out = self.path('woa.bin')
        self.assertExit(run('compile', xml, '--format-version', '7', '-o', out), 0)
        self.assertEqual(self.read(out), self.read(oracle('compile', 'WOA_SiPolicy.bin')))
        text = self.read(xml).decode()
        self.assertIn('ID_SIGNER_S_1', text)
        self.assertIn('ID_EKU_E_1', text)

    def test_blocklist_round_trip_through_xml(self):
        xml, out = self.path('b.xml'), self.path('b.bin')
        self.assertExit(run('decompile', oracle('compile', 'SiPolicy_Enforced.bin'), '-o', xml), 0)
        self.assertExit(run('compile', xml, '-o', out), 0)
        self.assertEqual(self.read(out), self.read(oracle('compile', 'SiPolicy_Enforced.bin')))

    def test_tied_rules_follow_netsort_legacy_quicksort(self):
        sys.path.insert(0, os.path.join(SHARED, 'reference'))
        import netsort
        rng = random.Random(5)
        names = ['a.sys', 'A.SYS', 'b.sys', None]
        for _ in range(20):
            rules = []
            for i in range(rng.randint(2, 120)):
                tag = rng.choice(['Deny', 'Allow'])
                attrs = {'MinimumFileVersion': f'{i}.0.0.0'}  # a label: versions never decide
                name = rng.choice(names)
                if name:
                    attrs['FileName'] = name
                rules.append((tag, attrs))
            xml = self.write(self.path('t.xml'), policy_xml(rules).encode())
            self.assertExit(run('compile', xml, '-o', self.path('t.bin')), 0)
            ours = file_rule_versions(self.read(self.path('t.bin')))

            def key(item):
                tag, attrs = item[1]
                name = attrs.get('FileName')
                return ({'Deny': 0, 'Allow': 1}[tag], (0, '') if name is None else (1, name.upper()))
            expected = list(enumerate(rules))
            netsort.legacy_quicksort(expected, lambda a, b: (key(a) > key(b)) - (key(a) < key(b)))
            self.assertEqual(ours, [i for i, _ in expected])

    def test_removing_option_6_needs_an_update_signer(self):
        xml = self.write(self.path('p.xml'), policy_xml([]).encode())
        self.assertExit(run('compile', xml, '-o', self.path('a.bin')), 0)
        self.assertTrue(struct.unpack_from('<I', self.read(self.path('a.bin')), 0x24)[0] & 0x80000)
        self.assertExit(run('set-option', xml, '--remove', '6'), 0)
        # Without option 6 a policy needs an UpdatePolicySigner: compile refuses, naming both.
        r = run('compile', xml, '-o', self.path('b.bin'))
        self.assertExit(r, 3, 'UpdatePolicySigner')
        self.assertFalse(os.path.exists(self.path('b.bin')))

    def test_signable_policy_from_a_template(self):
        xml = self.write(self.path('p.xml'), self.read(oracle('templates', 'EmptyWDAC.xml')))
        kek = oracle('signed', 'WOA_OEMA0-KEK.der')
        r = run('add-signer', xml, '--cert', kek, '--update', '--supplemental', '--json')
        self.assertExit(r, 0)
        self.assertEqual(r.json()['signerId'], 'ID_SIGNER_S_1')
        # Again: the identical signer is reused, not duplicated.
        again = run('add-signer', xml, '--cert', kek, '--update', '--json')
        self.assertExit(again, 0)
        self.assertFalse(again.json()['signerAdded'])
        self.assertEqual(self.read(xml).decode('utf-8-sig').count('<Signer '), 1)
        self.assertExit(run('set-option', xml, '--remove', 'Enabled:Unsigned System Integrity Policy',
                            '--add', '17'), 0)
        self.assertExit(run('set-version', xml, '10.0.0.1'), 0)
        self.assertExit(run('set-id', xml, '--policy-id', '{11111111-2222-3333-4444-555555555555}'), 0)
        out = self.path('signable.cip')
        self.assertExit(run('compile', xml, '-o', out), 0)
        j = run('inspect', out, '--json').json()['policy']
        woa = run('inspect', oracle('compile', 'WOA_SiPolicy.bin'), '--json').json()['policy']
        self.assertEqual(j['updatePolicySigners'][0]['certRootTbs'],
                         woa['updatePolicySigners'][0]['certRootTbs'])
        self.assertNotIn('Enabled:Unsigned System Integrity Policy', j['options'])
        self.assertIn('Enabled:Allow Supplemental Policies', j['options'])
        self.assertEqual(j['version'], '10.0.0.1')
        self.assertEqual(j['policyId'], '{11111111-2222-3333-4444-555555555555}')

    def test_edit_with_output_leaves_the_input_alone(self):
        xml = self.write(self.path('p.xml'), self.read(oracle('templates', 'EmptyWDAC.xml')))
        before = self.read(xml)
        self.assertExit(run('set-version', xml, '9.0.0.0', '-o', self.path('q.xml')), 0,
                        'lower than 10.0.0.0')
        self.assertEqual(self.read(xml), before)
        self.assertIn(b'<VersionEx>9.0.0.0</VersionEx>', self.read(self.path('q.xml')))
        self.assertExit(run('set-option', xml, '--add', 'Enabled:Nonsense'), 2, 'unknown option')
        self.assertExit(run('add-signer', xml, '--cert', oracle('signed', 'WOA_OEMA0-KEK.der')),
                        2, '--update')
        self.assertEqual(self.read(xml), before)

    def test_bad_input_is_one_located_line_and_no_output(self):
        xml = self.write(self.path('bad.xml'), policy_xml(
            [('Deny', {'FileName': 'x', 'MinimumFileVersion': '1.2.3'})]).encode())
        r = run('compile', xml, '-o', self.path('bad.bin'))
        self.assertExit(r, 3)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertIn('bad.xml(9,41): Deny MinimumFileVersion="1.2.3": not a version', r.err)
        self.assertFalse(os.path.exists(self.path('bad.bin')))

    def test_format_version_out_of_range(self):
        r = run('compile', oracle('compile', 'WOA_SiPolicy.xml'), '--format-version', '12',
                '-o', self.path('x.bin'))
        self.assertExit(r, 2, 'format version 12 is not supported (expected 1 to 11)')
        self.assertFalse(os.path.exists(self.path('x.bin')))

    def test_format_too_old_for_the_xml_names_the_element(self):
        xml = self.write(self.path('p.xml'), policy_xml(
            [('Allow', {'FilePath': 'C:\\Tools\\*'})]).encode())
        r = run('compile', xml, '--format-version', '6', '-o', self.path('x.bin'))
        self.assertExit(r, 3, 'format version 6 cannot store file rule ID_ALLOW_R_0 FilePath '
                              '(needs format 7 or later)')
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertFalse(os.path.exists(self.path('x.bin')))

    def test_utf16_xml_compiles_and_edits_keep_its_encoding(self):
        # What Windows PowerShell 5.1 writes: UTF-16LE with a byte order mark, encoding="utf-16".
        text = self.read(oracle('compile', 'WOA_SiPolicy.xml')).decode('utf-8-sig')
        xml = self.write(self.path('w16.xml'), b'\xff\xfe' + text.replace(
            'encoding="utf-8"', 'encoding="utf-16"').encode('utf-16-le'))
        out = self.path('w16.bin')
        self.assertExit(run('compile', xml, '--format-version', 7, '-o', out), 0)
        self.assertEqual(self.read(out), self.read(oracle('compile', 'WOA_SiPolicy.bin')))
        self.assertExit(run('set-version', xml, '10.9.8.7'), 0)
        saved = self.read(xml)
        self.assertEqual(saved[:2], b'\xff\xfe')
        self.assertIn('<VersionEx>10.9.8.7</VersionEx>', saved[2:].decode('utf-16-le'))
        # Broken UTF-16 is one line naming the file.
        bad = self.write(self.path('bad16.xml'), b'\xff\xfe<\x00S')
        r = run('compile', bad, '-o', self.path('bad.bin'))
        self.assertExit(r, 3, 'bad16.xml: UTF-16 text with an odd number of bytes')
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)

    def test_every_format_the_decompiler_reads_compiles(self):
        # A single-policy-format policy with nothing newer than format 1 compiles at 1 to 11;
        # each binary decompiles, and the XML compiles back to the same bytes at its format,
        # which is what decompile's message tells the user to do.
        text = policy_xml([('Allow', {'FileName': 'a.exe', 'MinimumFileVersion': '1.0.0.0'}),
                           ('Deny', {'Hash': 'AB' * 32})])
        text = text.replace('<PolicyID>{11111111-2222-3333-4444-555555555555}</PolicyID>', '')
        text = text.replace('BasePolicyID>', 'PolicyTypeID>')
        src = self.write(self.path('p.xml'), text.encode())
        for fmt in range(1, 12):
            out, back, again = (self.path(f'{n}{fmt}') for n in ('f', 'x', 'g'))
            self.assertExit(run('compile', src, '--format-version', fmt, '-o', out), 0)
            r = run('decompile', out, '-o', back + '.xml')
            self.assertExit(r, 0, f'--format-version {fmt}')
            self.assertExit(run('compile', back + '.xml', '--format-version', fmt,
                                '-o', again), 0)
            self.assertEqual(self.read(again), self.read(out), fmt)
            self.assertEqual(struct.unpack_from('<I', self.read(out), 0)[0], fmt)


if __name__ == '__main__':
    if SHARED is None:
        print('SKIPPED: ../shared (or CIPOLICY_SHARED_DIR) not found')
        sys.exit(77)
    unittest.main(verbosity=2)
