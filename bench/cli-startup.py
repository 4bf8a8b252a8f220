#!/usr/bin/env python3
"""Median wall time of `bin/slapos --help` and `bin/slapos request` against a loopback master.

A tiny SLAP master (this script, on 127.0.0.1) answers requestComputerPartition with the body
slapproxy 1.24 sends, so the figure measures the command line, not a real master.
`slapos --help` has a budget of 0.5 s (median): with --check the script exits 1 when it is over.
Usage: bench/cli-startup.py [--check] [RUNS]   (default 15; prints one line per measurement)
"""
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HELP_BUDGET_SECONDS = 0.5

HERE = os.path.dirname(os.path.abspath(__file__))
SLAPOS = os.path.join(HERE, '..', 'bin', 'slapos')
ANSWER = (b'<marshal><object id="i2" module="slapos.slap.slap" class="SoftwareInstance"><tuple/>'
          b'<dictionary id="i3"><string>_connection_dict</string><dictionary id="i4"/>'
          b'<string>_instance_guid</string><string>COMP-0-slappart0</string>'
          b'<string>_parameter_dict</string><dictionary id="i5"><string>timestamp</string>'
          b'<string>1795346824.3131387</string></dictionary><string>_requested_state</string>'
          b'<string>started</string><string>connection_xml</string><none/><string>ip_list</string>'
          b'<list id="i6"/><string>slap_computer_id</string><string>COMP-0</string>'
          b'<string>slap_computer_partition_id</string><string>slappart0</string>'
          b'<string>slap_server_url</string><string>slap_server_url</string>'
          b'<string>slap_software_release_url</string><string>/srv/sr/software.cfg</string>'
          b'<string>slap_software_type</string><string>default</string></dictionary></object></marshal>')


class Master(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        self.send_response(status)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer(404, b'Not Found')

    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        if self.path.endswith('/requestComputerPartition'):
            self.answer(200, ANSWER)
        else:
            self.answer(404, b'Not Found')


def median_seconds(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit('command failed (%d): %s' % (result.returncode, ' '.join(command)))
    return statistics.median(times), min(times), max(times)


def main():
    args = sys.argv[1:]
    check = '--check' in args
    args = [a for a in args if a != '--check']
    runs = int(args[0]) if args else 15
    over_budget = False
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Master)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = 'http://127.0.0.1:%d/' % server.server_address[1]
    with tempfile.TemporaryDirectory() as work:
        cfg = os.path.join(work, 'slapos-client.cfg')
        with open(cfg, 'w') as f:
            f.write('[slapos]\nmaster_url = %s\n' % url)
        subprocess.run([SLAPOS, '--help'], stdout=subprocess.DEVNULL)  # warm the page cache
        for name, command in (
                ('slapos --help', [SLAPOS, '--help']),
                ('slapos request', [SLAPOS, 'request', '--cfg', cfg, 'bench-instance', '/srv/sr/software.cfg'])):
            median, low, high = median_seconds(command, runs)
            note = ''
            if name == 'slapos --help':
                over_budget = median > HELP_BUDGET_SECONDS
                note = '  [budget %.1f s: %s]' % (HELP_BUDGET_SECONDS, 'OVER' if over_budget else 'ok')
            print('%-16s median %.3f s  (min %.3f, max %.3f, %d runs)%s' % (name, median, low, high, runs, note))
    server.shutdown()
    if check and over_budget:
        sys.exit(1)


if __name__ == '__main__':
    main()
