"""Messages and defaults as a new user meets them: hints naming cipolicy's own commands, per-file
errors that start with their file, what verify/inspect say about the wrong kind of file, compile
and decompile outputs, PolicyID collisions found before anything is written, well-formed XML,
--help, the timestamp command's configuration and -v."""
import os
import struct
import unittest
import xml.dom.minidom
import xml.etree.ElementTree as ET

from pki import Pki
from support import CliTest, run
from tsa import refused_url

SIPOLICY = '{urn:schemas-microsoft-com:sipolicy}'




class MessagesTest(CliTest):
    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'))
        self.policy = self.new_policy('policy.bin')
        self.key = ['--cert', self.pki.leaf_pem, '--key', self.pki.key_pem, '--chain',
                    self.pki.chain_pem]

    def new_policy(self, name, policy_id=None):
        out = self.path(name)
        args = ['new-policy', '--update-signer', self.pki.root_der, '-o', out]
        if policy_id:
            args += ['--policy-id', policy_id]
        self.assertExit(run(*args), 0)
        return out

    def signed(self):
        out = self.path('signed.cip')
        self.assertExit(run('sign', self.policy, *self.key, '-o', out), 0)
        return out

    def error_lines(self, r):
        return [l for l in r.err.splitlines() if 'error' in l]


class HintsTest(MessagesTest):
    """Item 7: hints name cipolicy's commands, the cmdlet in parentheses at most."""

    def test_unsigned_option_hint(self):
        data = bytearray(self.read(self.policy))
        word, = struct.unpack_from('<I', data, 0x24)
        struct.pack_into('<I', data, 0x24, word | 0x80000)
        unsigned = self.write(self.path('unsigned.bin'), bytes(data))
        r = run('sign', unsigned, *self.key, '-o', self.path('o.cip'))
        self.assertExit(r, 5, 'cipolicy set-option POLICY.xml --remove 6')
        self.assertIn('Set-RuleOption', r.err)
        self.assertLess(r.err.index('cipolicy set-option'), r.err.index('Set-RuleOption'))

    def test_unauthorized_signer_hint(self):
        stranger = Pki(self.path('stranger'), prefix='Stranger')
        r = run('sign', self.policy, '--cert', stranger.leaf_pem, '--key', stranger.key_pem,
                '--chain', stranger.chain_pem, '-o', self.path('o.cip'))
        self.assertExit(r, 5, 'cipolicy add-signer POLICY.xml --cert ROOT.cer --update')
        self.assertLess(r.err.index('cipolicy add-signer'), r.err.index('Add-SignerRule'))

    def test_xml_input_hint(self):
        xml_file = self.write(self.path('policy.xml'), b'<?xml version="1.0"?><SiPolicy/>')
        r = run('sign', xml_file, *self.key, '-o', self.path('o.cip'))
        self.assertExit(r, 3, 'cipolicy compile')


class PerFileErrorsTest(MessagesTest):
    """Item 8: each per-file error starts with its file; --json has an entry per file."""

    def test_timestamp_failures_name_each_file(self):
        second = self.new_policy('second.bin')
        url = refused_url()
        r = run('sign', self.policy, second, *self.key, '--output-dir', self.path('out'),
                '--timestamp-url', url, '--timestamp-retries', '0', '--continue-on-error')
        self.assertExit(r, 8)
        lines = self.error_lines(r)
        self.assertEqual(len(lines), 2, r.err)
        self.assertTrue(lines[0].startswith(f'cipolicy: error: {self.policy}: timestamping failed'),
                        lines[0])
        self.assertTrue(lines[1].startswith(f'cipolicy: error: {second}: timestamping failed'),
                        lines[1])
        self.assertEqual(self.listing(self.path('out')), [])

    def test_timestamp_command_names_each_file(self):
        signed = self.signed()
        r = run('timestamp', signed, '--timestamp-url', refused_url(), '--timestamp-retries', '0')
        self.assertExit(r, 8)
        self.assertTrue(self.error_lines(r)[0].startswith(f'cipolicy: error: {signed}: '), r.err)

    def test_verify_json_has_an_entry_per_file_failures_included(self):
        signed = self.signed()
        missing = self.path('missing.cip')
        r = run('verify', signed, missing, self.policy, '--root', self.pki.root_pem, '--json')
        self.assertExit(r, 3)
        reports = r.json()
        self.assertEqual([x['file'] for x in reports], [signed, missing, self.policy])
        self.assertEqual(reports[0]['verdict'], 'valid')
        self.assertEqual(reports[1]['verdict'], 'error')
        self.assertIn('missing.cip', reports[1]['error'])
        self.assertEqual(reports[2]['verdict'], 'invalid')
        self.assertTrue(self.error_lines(r)[0].startswith(f'cipolicy: error: {missing}'), r.err)


class WrongKindOfFileTest(MessagesTest):
    """Item 9."""

    def test_verify_unsigned_policy(self):
        r = run('verify', self.policy)
        self.assertExit(r, 1, 'not a signed policy (an unsigned policy binary: sign it with '
                              'cipolicy sign)')

    def test_damaged_signed_file(self):
        data = self.read(self.signed())
        damaged = self.write(self.path('damaged.cip'), data[:len(data) // 2])
        for command in ('inspect', 'decompile'):
            r = run(command, damaged, *(['-o', self.path('d.xml')] if command == 'decompile' else []))
            self.assertExit(r, 3, 'the signed file is damaged')
            self.assertIn('offset 0x', r.err)
            self.assertNotIn('format version', r.err)
            self.assertFalse(os.path.exists(self.path('d.xml')))
        r = run('verify', damaged)
        self.assertExit(r, 1, 'the signed file is damaged')

    def test_inspect_certificate(self):
        for cert in (self.pki.root_der, self.pki.root_pem):
            r = run('inspect', cert)
            self.assertExit(r, 3, 'is a certificate, not a policy')
            self.assertIn('cipolicy tbs-hash', r.err)


class OutputsTest(MessagesTest):
    """Items 10 and 12."""

    def xml_of(self):
        out = self.path('policy.xml')
        self.assertExit(run('decompile', self.policy, '-o', out), 0)
        return out

    def test_compile_default_name_is_bin_and_does_not_collide_with_sign(self):
        guid = '{33333333-2222-3333-4444-555555555555}'
        self.policy = self.new_policy('p.bin', guid)
        src = self.xml_of()
        folder = self.path('build')
        os.makedirs(folder)
        xml_in = os.path.join(folder, 'policy.xml')
        os.rename(src, xml_in)
        self.assertExit(run('compile', xml_in), 0)
        self.assertEqual(self.listing(folder), ['policy.xml', guid + '.bin'])
        self.assertExit(run('sign', os.path.join(folder, guid + '.bin'), *self.key), 0)
        self.assertEqual(self.listing(folder), ['policy.xml', guid + '.bin', guid + '.cip'])

    def test_outputs_create_missing_folders(self):
        xml_out = self.path('a', 'b', 'policy.xml')
        self.assertExit(run('decompile', self.policy, '-o', xml_out), 0)
        bin_out = self.path('c', 'd', 'policy.bin')
        self.assertExit(run('compile', xml_out, '-o', bin_out), 0)
        self.assertEqual(self.read(bin_out), self.read(self.policy))

    def test_decompile_to_standard_output(self):
        r = run('decompile', self.signed(), '-o', '-')
        self.assertExit(r, 0)
        self.assertEqual(ET.fromstring(r.out.encode()).tag, SIPOLICY + 'SiPolicy')
        self.assertFalse(os.path.exists(self.path('-')))
        r = run('compile', self.xml_of(), '-o', '-')
        self.assertExit(r, 2, 'binary')

    def test_decompiled_xml_is_well_formed(self):
        text = self.read(self.xml_of())
        self.assertEqual(text.count(b'<?xml'), 1)
        self.assertTrue(text.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
        xml.dom.minidom.parseString(text)  # rejects a second declaration
        root = ET.fromstring(text)
        self.assertEqual(root.find(SIPOLICY + 'UpdatePolicySigners')[0].get('SignerId'),
                         root.find(SIPOLICY + 'Signers')[0].get('ID'))


class CollisionTest(MessagesTest):
    """Item 11."""

    def test_same_policy_id_found_before_anything_is_written(self):
        guid = '{44444444-2222-3333-4444-555555555555}'
        a = self.new_policy('a.bin', guid)
        other = self.new_policy('other.bin')
        b = self.new_policy('b.bin', guid)
        out = self.path('out')
        r = run('sign', a, other, b, *self.key, '--output-dir', out, '--continue-on-error')
        self.assertExit(r, 2, 'b.bin: has the same PolicyID')
        self.assertIn('a.bin', r.err)
        self.assertIn('cipolicy set-id', r.err)
        self.assertFalse(os.path.exists(out) and self.listing(out))


class HelpAndStepsTest(MessagesTest):
    """Item 13."""

    def test_help_shows_positional_arguments(self):
        for command, name, option in (('sign', 'POLICY.bin...', '--input'),
                                      ('verify', 'FILE...', '--input'),
                                      ('add-signer', 'POLICY.xml', '--policy'),
                                      ('set-version', 'POLICY.xml', '--policy'),
                                      ('compile', 'POLICY.xml', '--input')):
            r = run(command, '--help')
            self.assertExit(r, 0)
            self.assertIn('Arguments:\n  ' + name + ' ', r.out)
            self.assertNotIn(option + ' ', r.out)
        self.assertIn('\n  VERSION ', run('set-version', '--help').out)
        self.assertIn('--chain', run('sign', '--help').out)
        self.assertIn('--root', run('sign', '--help').out)

    def test_missing_input(self):
        for command in ('sign', 'verify', 'inspect', 'compile', 'decompile'):
            r = run(command)
            self.assertExit(r, 2, 'no input policy given')
            self.assertNotIn('required but missing', r.err)

    def test_timestamp_reads_configuration(self):
        signed = self.signed()
        url = refused_url()
        cfg = self.write(self.path('cipolicy.yaml'), f'timestamp:\n  urls: [{url}]\n'.encode())
        r = run('timestamp', signed, '--config', cfg, '--timestamp-retries', '0')
        self.assertExit(r, 8, url)
        r = run('timestamp', signed, '--timestamp-retries', '0', env={'CIPOLICY_CONFIG': cfg})
        self.assertExit(r, 8, url)
        r = run('timestamp', signed, '--timestamp-retries', '0',
                env={'CIPOLICY_TIMESTAMP_URLS': url + '2'})
        self.assertExit(r, 8, url + '2')
        r = run('timestamp', signed, env={'CIPOLICY_CONFIG': '', 'CIPOLICY_TIMESTAMP_URLS': ''})
        self.assertExit(r, 2, 'timestamp.urls in cipolicy.yaml')

    def test_verbose_prints_each_step(self):
        out = self.path('v.cip')
        r = run('sign', self.policy, *self.key, '-o', out, '-v')
        self.assertExit(r, 0)
        steps = ['key loaded:', 'signed by', 'chain ordered:', 'authorization checked:',
                 'the signed result verifies', 'written: ' + out]
        positions = [r.err.find(s) for s in steps]
        self.assertNotIn(-1, positions, r.err)
        self.assertEqual(positions, sorted(positions), r.err)
        self.assertIn("'Test Signer' -> 'Test Intermediate' -> 'Test Root'", r.err)
        quiet = run('sign', self.policy, *self.key, '-o', out)
        self.assertEqual(quiet.err, '')


if __name__ == '__main__':
    unittest.main(verbosity=2)
