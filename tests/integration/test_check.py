"""cipolicy check: would Windows run these files under this policy?

Against Microsoft's data (the vulnerable driver blocklist blocks each real driver in
../shared/oracles/pe, naming the Deny rules that hold its hashes; it allows a MinGW-built hello.exe
it does not name), a hash policy built from the file (by `scan --level Hash` when this build has
it, and from hashes this test computes itself), and small policies written here for deny over
allow, supplementals, audit mode, the binary form, exit codes, diagnostics and escaping.
"""
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import unittest

from check_policies import SUPP_ID, policy_xml, refs
from support import CliTest, native_path, run, shared_dir

SHARED = shared_dir()
MINGW = shutil.which('x86_64-w64-mingw32-gcc')


def oracle(*parts):
    return os.path.join(SHARED, 'oracles', *parts)


def authenticode(data, algorithm):
    """The Authenticode hash of a PE image (Microsoft's "Windows Authenticode Portable Executable
    Signature Format"; ../shared/oracles/pe/README.md), written here independently of tool/pe."""
    pe = struct.unpack_from('<I', data, 0x3C)[0]
    opt = pe + 24
    magic = struct.unpack_from('<H', data, opt)[0]
    checksum = opt + 64
    security = opt + (96 if magic == 0x10B else 112) + 4 * 8
    cert_offset, cert_size = struct.unpack_from('<II', data, security)
    h = hashlib.new(algorithm)
    h.update(data[:checksum])
    h.update(data[checksum + 4:security])
    end = cert_offset if cert_size else len(data)
    h.update(data[security + 8:end])
    if not cert_size:
        h.update(b'\0' * ((8 - len(data) % 8) % 8))
    return h.hexdigest().upper()


class CheckTest(CliTest):
    def hello(self, name='hello.exe'):
        if not MINGW:
            self.skipTest('x86_64-w64-mingw32-gcc is not installed')
        src = self.write(self.path('hello.c'),
                         b'#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
        exe = self.path(name)
        subprocess.run([MINGW, '-O2', '-o', exe, src], check=True)
        return exe

    def check(self, *args):
        return run('check', *[native_path(a) if isinstance(a, str) and a.startswith('/') else a
                              for a in args])

    def write_policy(self, name, xml):
        return self.write(self.path(name), xml)


@unittest.skipIf(SHARED is None, '../shared (or CIPOLICY_SHARED_DIR) not found')
class BlocklistTest(CheckTest):
    def readme_hashes(self):
        """driver file name prefix -> its four hashes, from the oracles' README."""
        out = {}
        with open(oracle('pe', 'README.md'), encoding='utf-8') as f:
            for line in f:
                cells = [c.strip() for c in line.strip().strip('|').split('|')]
                if len(cells) == 5 and cells[0].endswith('...') and \
                        re.fullmatch(r'[0-9A-F]{40}', cells[1]):
                    out[cells[0][:-3]] = set(cells[1:])
        return out

    def deny_ids(self, xml, hashes):
        with open(xml, encoding='utf-8-sig') as f:
            text = f.read()
        return {m.group(1) for m in re.finditer(r'<Deny ID="([^"]+)"[^>]*Hash="([0-9A-F]+)"', text)
                if m.group(2) in hashes}

    def drivers(self):
        folder = oracle('pe')
        return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.sys'))

    def test_blocklist_blocks_each_driver_naming_the_deny_rules(self):
        expected = self.readme_hashes()
        self.assertEqual(len(expected), 3)
        xml = oracle('compile', 'SiPolicy_Enforced.xml')
        for driver in self.drivers():
            with self.subTest(driver=os.path.basename(driver)):
                ids = self.deny_ids(xml, expected[os.path.basename(driver)[:8]])
                self.assertEqual(len(ids), 4)
                r = self.check(xml, driver, '--json')
                self.assertExit(r, 13)
                entry = r.json()['files'][0]
                self.assertEqual(entry['verdict'], 'blocked')
                self.assertEqual(entry['mode'], 'kernel')
                self.assertEqual({f['ruleId'] for f in entry['deciding'] if f['kind'] == 'Deny'},
                                 ids)
                # People read the same: each deciding rule on its own line.
                text = self.check(xml, driver)
                self.assertExit(text, 13)
                for rule in ids:
                    self.assertIn(f' {rule} ', text.out)
                self.assertIn('blocked', text.err)

    def test_compiled_blocklist_blocks_them_too(self):
        expected = self.readme_hashes()
        r = self.check(oracle('compile', 'SiPolicy_Enforced.bin'), *self.drivers(), '--json')
        self.assertExit(r, 13)
        files = r.json()['files']
        self.assertEqual([f['verdict'] for f in files], ['blocked'] * 3)
        for entry in files:
            hashes = expected[os.path.basename(entry['file'].replace('\\', '/'))[:8]]
            denies = [f for f in entry['deciding'] if f['kind'] == 'Deny']
            self.assertEqual(len(denies), 4)
            for f in denies:
                self.assertRegex(f['ruleId'], r'^FileRules\[\d+\]$')
                self.assertTrue(any(h in f['why'] for h in hashes), f)

    def test_blocklist_allows_a_file_it_does_not_name(self):
        exe = self.hello()
        for policy in ('SiPolicy_Enforced.xml', 'SiPolicy_Enforced.bin'):
            r = self.check(oracle('compile', policy), exe, '--json')
            self.assertExit(r, 0)
            entry = r.json()['files'][0]
            self.assertEqual((entry['verdict'], entry['mode']), ('allowed', 'user'))
        # One blocked file among allowed ones fails the run.
        self.assertExit(self.check(oracle('compile', 'SiPolicy_Enforced.xml'), exe,
                                   self.drivers()[0]), 13)

    def test_audit_blocklist_lets_drivers_run_with_exit_14(self):
        r = self.check(oracle('compile', 'SiPolicy_Audit.xml'), *self.drivers(), '--json')
        self.assertExit(r, 14)
        self.assertEqual([f['verdict'] for f in r.json()['files']], ['audit-only'] * 3)


class HashPolicyTest(CheckTest):
    def hash_policy(self, exe):
        data = self.read(exe)
        rules = ''.join(f'<Allow ID="ID_ALLOW_HELLO_{alg.upper()}" FriendlyName="hello {alg}" '
                        f'Hash="{authenticode(data, alg)}" />' for alg in ('sha1', 'sha256'))
        return self.write_policy('hash.xml', policy_xml(
            options=('Enabled:UMCI',), file_rules=rules,
            user=refs('ID_ALLOW_HELLO_SHA1', 'ID_ALLOW_HELLO_SHA256')))

    def changed_copy(self, exe):
        data = bytearray(self.read(exe))
        data[len(data) // 2] ^= 0x01
        return self.write(self.path('changed.exe'), bytes(data))

    def test_hash_policy_allows_its_file_and_blocks_it_one_byte_changed(self):
        exe = self.hello()
        policy = self.hash_policy(exe)
        r = self.check(policy, exe, '--json')
        self.assertExit(r, 0)
        self.assertIn('ID_ALLOW_HELLO_SHA256',
                      [f['ruleId'] for f in r.json()['files'][0]['deciding']])
        r = self.check(policy, self.changed_copy(exe), '--json')
        self.assertExit(r, 13)
        self.assertIn('no allow rule matched', r.json()['files'][0]['summary'])
        # The compiled policy decides the same, naming rules by place.
        binary = self.path('hash.bin')
        self.assertExit(run('compile', native_path(policy), '-o', native_path(binary)), 0)
        r = self.check(binary, exe, '--json')
        self.assertExit(r, 0)
        self.assertRegex(r.json()['files'][0]['deciding'][0]['ruleId'], r'^FileRules\[\d\]$')
        self.assertExit(self.check(binary, self.changed_copy(exe)), 13)

    def test_scan_level_hash_policy(self):
        if run('scan', '--help').code != 0:
            self.skipTest('this build has no scan command yet')
        exe = self.hello()
        policy = self.path('scanned.xml')
        self.assertExit(run('scan', native_path(exe), '--level', 'Hash', '-o', native_path(policy)),
                        0)
        # Enforced, with user-mode files checked (scan writes audit mode, as New-CIPolicy does).
        text = self.read(policy).decode('utf-8-sig')
        edits = ['--add', 'Enabled:UMCI'] if 'Enabled:UMCI' not in text else []
        if 'Enabled:Audit Mode' in text:
            edits += ['--remove', 'Enabled:Audit Mode']
        if edits:
            self.assertExit(run('set-option', native_path(policy), *edits), 0)
        self.assertExit(self.check(policy, exe), 0)
        r = self.check(policy, self.changed_copy(exe), '--json', '--verbose')
        self.assertExit(r, 13)
        entry = r.json()['files'][0]
        self.assertEqual(entry['verdict'], 'blocked')
        # Its first page is unchanged, but page hashes count only for a signed file.
        self.assertIn('not applied', ' '.join(n['why'] for n in entry['notes']))


class SmallPolicyTest(CheckTest):
    def test_deny_wins_over_allow(self):
        exe = self.hello()
        h = authenticode(self.read(exe), 'sha256')
        policy = self.write_policy('p.xml', policy_xml(
            options=('Enabled:UMCI',),
            file_rules=f'<Allow ID="ID_ALLOW_ALL" FileName="*" />'
                       f'<Deny ID="ID_DENY_HELLO" FriendlyName="hello" Hash="{h}" />',
            user=refs('ID_ALLOW_ALL', 'ID_DENY_HELLO')))
        r = self.check(policy, exe, '--json')
        self.assertExit(r, 13)
        entry = r.json()['files'][0]
        self.assertEqual([f['ruleId'] for f in entry['deciding']], ['ID_DENY_HELLO'])
        self.assertIn('ID_ALLOW_ALL', [f['ruleId'] for f in entry['notes']])
        # MSBuild's canonical form names the file and the rule.
        r = self.check(policy, exe, '--diagnostics', 'msbuild')
        self.assertExit(r, 13)
        self.assertRegex(r.err, r'hello\.exe : error CIP1013: blocked: denied by ID_DENY_HELLO')

    def test_supplemental_adds_allow_rules_only(self):
        exe = self.hello()
        h = authenticode(self.read(exe), 'sha256')
        base = self.write_policy('base.xml', policy_xml(
            options=('Enabled:UMCI', 'Enabled:Allow Supplemental Policies')))
        supp = self.write_policy('supp.xml', policy_xml(
            kind='Supplemental Policy', policy_id=SUPP_ID,
            file_rules=f'<Allow ID="ID_ALLOW_HELLO" Hash="{h}" />'
                       f'<Deny ID="ID_DENY_HELLO" FileName="*" />',
            user=refs('ID_ALLOW_HELLO', 'ID_DENY_HELLO')))
        self.assertExit(self.check(base, exe), 13)
        r = self.check(base, exe, '--supplemental', supp, '--json')
        self.assertExit(r, 0)
        entry = r.json()['files'][0]
        self.assertEqual([f['ruleId'] for f in entry['deciding']], ['ID_ALLOW_HELLO'])
        self.assertIn('ignored', [f['effect'] for f in entry['notes'] if f['ruleId'] == 'ID_DENY_HELLO'])
        # A base that does not allow supplementals: Windows would ignore it, so check refuses.
        plain = self.write_policy('plain.xml', policy_xml(options=('Enabled:UMCI',)))
        self.assertExit(self.check(plain, exe, '--supplemental', supp), 3,
                        'Enabled:Allow Supplemental Policies')

    def test_audit_mode_exit_14_with_a_warning(self):
        exe = self.hello()
        policy = self.write_policy('audit.xml', policy_xml(
            options=('Enabled:UMCI', 'Enabled:Audit Mode')))
        r = self.check(policy, exe, '--diagnostics', 'msbuild')
        self.assertExit(r, 14)
        self.assertIn('audit-only', r.out)
        self.assertRegex(r.err, r'hello\.exe : warning CIP5014: runs only because the policy is in '
                                r'audit mode')

    def test_undecidable_rules_are_not_allowed(self):
        exe = self.hello()
        policy = self.write_policy('path.xml', policy_xml(
            options=('Enabled:UMCI',),
            file_rules='<Allow ID="ID_ALLOW_PF" FilePath="%OSDRIVE%\\Program Files\\*" />',
            user=refs('ID_ALLOW_PF')))
        r = self.check(policy, exe, '--json')
        self.assertExit(r, 13)
        entry = r.json()['files'][0]
        self.assertEqual(entry['verdict'], 'undecided')
        self.assertIn('cannot be decided offline', entry['summary'])

    def test_untrusted_text_is_escaped(self):
        exe = self.hello()
        h = authenticode(self.read(exe), 'sha256')
        policy = self.write_policy('evil.xml', policy_xml(
            options=('Enabled:UMCI',),
            file_rules=f'<Deny ID="ID_DENY_X" FriendlyName="x&#10;cipolicy: error: forged" '
                       f'Hash="{h}" />',
            user=refs('ID_DENY_X')))
        r = self.check(policy, exe, '--verbose')
        self.assertExit(r, 13)
        self.assertIn('x\\ncipolicy: error: forged', r.out)
        for line in (r.out + r.err).splitlines():
            self.assertFalse(line.startswith('cipolicy: error: forged'), line)

    def test_a_file_that_is_not_pe_is_an_input_error(self):
        exe = self.hello()
        policy = self.write_policy('p.xml', policy_xml(options=('Enabled:UMCI',)))
        text = self.write(self.path('notes.txt'), b'not a program\n')
        r = self.check(policy, exe, text, '--json')
        self.assertExit(r, 3)
        self.assertEqual([f['verdict'] for f in r.json()['files']], ['blocked', 'error'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
