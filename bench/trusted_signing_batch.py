#!/usr/bin/python3
"""Benchmark: 100 policies signed through the Trusted Signing mock with 200 ms injected latency per
request. Compares one batch run at the default --jobs with the same run at --jobs 1 (the
sequential sum), and reports the mock's counts of token requests, sign requests and TLS
connections.

    bench/trusted_signing_batch.py [--exe build-ts/tool/cipolicy] [--count 100] [--latency-ms 200]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'mock'))
import trusted_signing_mock as mockdef  # noqa: E402
from mock_service import MockService  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--exe', default=os.environ.get('CIPOLICY_EXE',
                                                    os.path.join(HERE, '..', 'build-ts', 'tool', 'cipolicy')))
    ap.add_argument('--count', type=int, default=100)
    ap.add_argument('--latency-ms', type=int, default=200)
    ap.add_argument('--skip-sequential', action='store_true')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='cipolicy-bench-')
    try:
        with MockService() as mock:
            inputs = []
            for i in range(args.count):
                p = os.path.join(work, f'p{i}.bin')
                subprocess.run([args.exe, 'new-policy', '--update-signer', mock.root_cer, '-o', p],
                               check=True, stdout=subprocess.DEVNULL)
                inputs.append(p)
            env = dict(os.environ, AZURE_AUTHORITY_HOST=mock.url + '/',
                       AZURE_TENANT_ID=mockdef.TENANT, AZURE_CLIENT_ID=mockdef.CLIENT_ID,
                       AZURE_CLIENT_SECRET=mockdef.CLIENT_SECRET)

            def batch(jobs):
                mock.reset()
                mock.configure(latency_ms=args.latency_ms, polls_in_progress=2)
                before = mock.stats()['connections']
                out = os.path.join(work, f'out-{jobs or "default"}')
                cmd = [args.exe, 'sign', *inputs, '--endpoint', mock.url, '--account',
                       mockdef.ACCOUNT, '--profile', mockdef.PROFILE, '--ca-file', mock.ca_file,
                       '--output-dir', out, '--quiet', '--no-timestamp']
                if jobs:
                    cmd += ['--jobs', str(jobs)]
                start = time.monotonic()
                r = subprocess.run(cmd, env=env, capture_output=True)
                wall = time.monotonic() - start
                if r.returncode != 0:
                    sys.exit(f'sign failed ({r.returncode}): {r.stderr.decode()}')
                stats = mock.stats()
                req = stats['requests']
                # The stats call itself opened one connection.
                return {'jobs': jobs or 'default (16)', 'wall_s': round(wall, 2),
                        'token_requests': req.get('token', 0),
                        'sign_requests': req.get('sign_start', 0),
                        'poll_requests': req.get('sign_poll', 0),
                        'tls_connections': stats['connections'] - before - 1,
                        'outputs': len(os.listdir(out))}

            parallel = batch(None)
            report = {'count': args.count, 'latency_ms': args.latency_ms, 'batch': parallel}
            if not args.skip_sequential:
                sequential = batch(1)
                report['sequential'] = sequential
                report['speedup'] = round(sequential['wall_s'] / parallel['wall_s'], 1)
            print(json.dumps(report, indent=2))
            ok = (parallel['token_requests'] == 1 and parallel['sign_requests'] == args.count and
                  parallel['outputs'] == args.count)
            if 'speedup' in report:
                ok = ok and report['speedup'] >= 8
            return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
