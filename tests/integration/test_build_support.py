"""What the build layers (cmake-modules/, msbuild/) ask of the tool: `sign --depfile` lists every
file a signing run read, and `verify --config` checks a supplemental policy against its base with
the roots of the configured signing chain."""
import os
import unittest

from pki import Pki
from support import CliTest, native_path, run, skip_under_wine


class BuildSupportTest(CliTest):
    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki dir'))
        self.policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '--policy-id',
                            '{33333333-2222-3333-4444-555555555555}', '-o', self.policy), 0)

    def config(self, text):
        return self.write(self.path('cipolicy.yaml'), text.encode())

    def depfile_entries(self, path):
        """Make's reading of a one-line depfile: (targets, dependencies), escapes undone."""
        text = self.read(path).decode()
        self.assertTrue(text.endswith('\n') and text.count('\n') == 1, repr(text))
        words, word, i = [], '', 0
        while i < len(text.rstrip('\n')):
            c = text[i]
            if c == '\\' and text[i + 1] in ' #':
                word += text[i + 1]
                i += 2
                continue
            if c == '$' and text[i + 1] == '$':
                word, i = word + '$', i + 2
                continue
            if c == ' ':
                words.append(word)
                word = ''
            else:
                word += c
            i += 1
        words.append(word)
        colon = next(n for n, w in enumerate(words) if w.endswith(':'))
        return words[:colon] + [words[colon][:-1]], words[colon + 1:]

    def test_depfile_names_the_output_and_every_file_read(self):
        cfg = self.config('local:\n  cert: "pki dir/signer.pem"\n  key: "pki dir/signer.key"\n'
                          '  chain: "pki dir/chain.pem"\n')
        depfile = self.path('deps', 'policy.d')
        r = run('sign', self.policy, '--config', cfg, '--output-dir', self.path('out'), '--depfile', depfile)
        self.assertExit(r, 0)
        targets, deps = self.depfile_entries(depfile)
        self.assertEqual(targets, [native_path(self.path('out', '{33333333-2222-3333-4444-555555555555}.cip'))])
        self.assertEqual(deps, [native_path(p) for p in (self.policy, cfg, self.pki.leaf_pem,
                                                         self.pki.key_pem, self.pki.chain_pem)])

    def test_depfile_lists_pfx_and_password_file_and_is_not_written_on_failure(self):
        pfx = self.pki.write_pfx('signer.pfx', 'pa55-word')
        pw = self.write(self.path('pw.txt'), b'pa55-word\n')
        depfile = self.path('policy.d')
        r = run('sign', self.policy, '--pfx', pfx, '--pfx-password-file', pw, '-o', self.path('a.cip'),
                '--depfile', depfile)
        self.assertExit(r, 0)
        self.assertEqual(self.depfile_entries(depfile),
                         ([native_path(self.path('a.cip'))], [native_path(p) for p in (self.policy, pfx, pw)]))
        os.remove(depfile)
        self.write(pw, b'wrong\n')
        r = run('sign', self.policy, '--pfx', pfx, '--pfx-password-file', pw, '-o', self.path('b.cip'),
                '--depfile', depfile)
        self.assertExit(r, 4)
        self.assertFalse(os.path.exists(depfile))

    # <depfile>.links/ holds the links through which names no depfile can hold are listed; it is
    # cleared on each run, so a folder of that name that the tool did not make is refused whole.
    def sign_with_depfile(self, config_name='cipolicy.yaml'):
        cfg = self.write(self.path(config_name),
                         f'local:\n  cert: "{self.pki.leaf_pem}"\n  key: "{self.pki.key_pem}"\n'
                         f'  chain: "{self.pki.chain_pem}"\n'.encode())
        depfile = self.path('deps', 'policy.d')
        return run('sign', self.policy, '--config', cfg, '-o', self.path('out.cip'),
                   '--depfile', depfile), depfile

    def test_depfile_links_folder_of_other_files_is_refused_and_left_alone(self):
        links = self.path('deps', 'policy.d.links')
        os.makedirs(links)
        self.write(os.path.join(links, '0'), b'a file of the user')
        self.write(os.path.join(links, 'notes.txt'), b'notes')
        r, depfile = self.sign_with_depfile()
        self.assertExit(r, 2, '--depfile')
        self.assertIn('policy.d.links', r.err)
        self.assertEqual(sorted(os.listdir(links)), ['0', 'notes.txt'])
        self.assertEqual(self.read(os.path.join(links, '0')), b'a file of the user')
        self.assertFalse(os.path.exists(depfile))

    @skip_under_wine('symbolic links')
    def test_depfile_links_folder_that_is_a_link_is_refused(self):
        elsewhere = self.path('elsewhere')
        os.makedirs(elsewhere)
        os.symlink(self.policy, os.path.join(elsewhere, '0'))
        os.makedirs(self.path('deps'))
        os.symlink(elsewhere, self.path('deps', 'policy.d.links'))
        r, depfile = self.sign_with_depfile()
        self.assertExit(r, 2, 'is a link or not a folder')
        self.assertEqual(os.listdir(elsewhere), ['0'])
        self.assertTrue(os.path.islink(os.path.join(elsewhere, '0')))

    @skip_under_wine('symbolic links')
    def test_depfile_links_of_an_earlier_run_are_renewed(self):
        # '(' is a name Make cannot hold: the configuration is listed through a link.
        for _ in range(2):
            r, depfile = self.sign_with_depfile('c(1).yaml')
            self.assertExit(r, 0)
        links = self.path('deps', 'policy.d.links')
        _, deps = self.depfile_entries(depfile)
        linked = [d for d in deps if d.startswith(links)]
        self.assertEqual(len(linked), 1, deps)
        self.assertEqual(os.path.realpath(linked[0]), os.path.realpath(self.path('c(1).yaml')))
        self.assertEqual(os.listdir(links), [os.path.basename(linked[0])])

    def test_verify_config_trusts_the_configured_chain(self):
        cfg = self.config(f'local:\n  cert: "{self.pki.leaf_pem}"\n  key: "{self.pki.key_pem}"\n'
                          f'  chain: "{self.pki.chain_pem}"\n')
        signed = self.path('signed.cip')
        self.assertExit(run('sign', self.policy, '--config', cfg, '-o', signed), 0)
        # The policy names the root, so the signed file carries it: valid without a root too.
        self.assertExit(run('verify', signed), 0)
        r = run('verify', signed, '--config', cfg)
        self.assertExit(r, 0)
        self.assertIn('valid', r.out)
        # A configuration naming another chain does not make it valid.
        other = Pki(self.path('other'))
        cfg2 = self.write(self.path('other.yaml'), f'local:\n  chain: "{other.chain_pem}"\n'.encode())
        self.assertExit(run('verify', signed, '--config', cfg2), 11)


if __name__ == '__main__':
    unittest.main(verbosity=2)
