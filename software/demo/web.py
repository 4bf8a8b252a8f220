#!/usr/bin/python3
"""The demo's web page server: serves one HTML page (the title, "Hello from SlapOS", the partition)
on the address and port of the JSON configuration the instance's `configuration` part writes.
Usage: web.py CONFIGURATION.json  (supervised from the partition's etc/service)."""
import html
import http.server
import json
import sys


def page(settings):
    title = html.escape(settings['title'])
    return ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>%s</title></head>\n'
            '<body>\n<h1>%s</h1>\n<p>Hello from SlapOS</p>\n'
            '<p>Partition <code>%s</code>, serving on <a href="%s">%s</a></p>\n</body>\n</html>\n'
            % (title, title, html.escape(settings['partition-id']), html.escape(settings['url']),
               html.escape(settings['url']))).encode('utf-8')


def handler(body):
    class DemoPage(http.server.BaseHTTPRequestHandler):
        server_version = 'SlapOSDemo/1.0'

        def do_GET(self):
            self.answer(True)

        def do_HEAD(self):
            self.answer(False)

        def answer(self, with_body):
            if self.path.split('?', 1)[0] != '/':
                self.send_error(404, 'Not Found')
                return
            self.send_response(200)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

    return DemoPage


def main(argv):
    if len(argv) != 2:
        print('usage: %s CONFIGURATION.json' % argv[0], file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as source:
        settings = json.load(source)
    address = (settings['ipv4'], int(settings['port']))
    try:
        server = http.server.ThreadingHTTPServer(address, handler(page(settings)))
    except OSError as error:
        print('demo-web: cannot listen on %s:%d: %s' % (address[0], address[1], error), file=sys.stderr)
        return 1
    print('demo-web: serving %s' % settings['url'], file=sys.stderr, flush=True)
    server.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
