"""What a process loads (Linux): local commands never load libcurl and its dependencies; a
command that uses the network loads it when it needs it, and works. The dynamic loader's own
trace (LD_DEBUG=libs) says which shared objects were loaded."""
import os
import sys
import unittest

from support import WINE, CliTest, run


@unittest.skipIf(WINE or not sys.platform.startswith('linux'), 'the Linux dynamic loader')
class StartupTest(CliTest):
    def loaded(self, result):
        return [line for line in result.err.splitlines() if 'calling init:' in line]

    def run_traced(self, *args):
        return run(*args, env={'LD_DEBUG': 'libs'})

    def test_local_commands_do_not_load_libcurl(self):
        pki = self.path('pki')
        self.assertExit(run('dev-pki', '--out-dir', pki), 0)
        policy = self.path('p.bin')
        self.assertExit(run('new-policy', '--update-signer', os.path.join(pki, 'root.cer'), '-o',
                            policy), 0)
        signed = self.path('p.cip')
        for args in (['--version'],
                     ['sign', policy, '--cert', os.path.join(pki, 'signer.pem'), '--key',
                      os.path.join(pki, 'signer.key'), '--chain', os.path.join(pki, 'chain.pem'),
                      '-o', signed],
                     ['verify', signed, '--root', os.path.join(pki, 'root.cer')],
                     ['decompile', policy, '-o', self.path('p.xml')]):
            with self.subTest(command=args[0]):
                r = self.run_traced(*args)
                self.assertEqual(r.code, 0, r.err[-2000:])
                inits = self.loaded(r)
                self.assertTrue(inits, 'no loader trace: LD_DEBUG ignored?')
                self.assertFalse([l for l in inits if 'libcurl' in l], inits)
                # libcrypto and the C library, as `openssl` itself: no C++ runtime, no curl deps.
                self.assertLessEqual(len(inits), 6, inits)

    def test_a_network_command_loads_libcurl_when_it_needs_it(self):
        # Nothing listens on port 9 of loopback: the refused connection comes from libcurl.
        r = run('root-cert', '--endpoint', 'https://127.0.0.1:9', '--account', 'a', '--profile',
                'p', '-o', self.path('root.cer'),
                env={'LD_DEBUG': 'libs', 'CIPOLICY_ACCESS_TOKEN': 'static-token-value'})
        self.assertEqual(r.code, 6, r.err[-2000:])
        self.assertTrue([l for l in self.loaded(r) if 'libcurl' in l])
        self.assertIn('127.0.0.1', r.err)


if __name__ == '__main__':
    unittest.main()
