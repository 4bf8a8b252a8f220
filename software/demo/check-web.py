#!/usr/bin/python3
"""The demo's promise: exits 0 when the instance's URL answers 200 with its page ("Hello from SlapOS"
and the partition id), else prints one line saying why and exits 1. The node runs promises right
after starting the services, so the page gets a short window to come up.
Usage: check-web.py CONFIGURATION.json"""
import json
import sys
import time
import urllib.error
import urllib.request

RETRY_SECONDS = 10
REQUEST_TIMEOUT_SECONDS = 2


def failure(url, partition_id):
    """None when the page is there, else the reason."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=REQUEST_TIMEOUT_SECONDS) as answer:
            body = answer.read(1024 * 1024).decode('utf-8', 'replace')
    except urllib.error.HTTPError as error:
        return 'answered HTTP %d' % error.code
    except urllib.error.URLError as error:
        return str(error.reason)
    except OSError as error:
        return str(error)
    if 'Hello from SlapOS' not in body or partition_id not in body:
        return 'answered 200 without the demo page of %s' % partition_id
    return None


def main(argv):
    if len(argv) != 2:
        print('usage: %s CONFIGURATION.json' % argv[0])
        return 2
    try:
        with open(argv[1], encoding='utf-8') as source:
            settings = json.load(source)
    except (OSError, ValueError) as error:
        print('cannot read %s: %s' % (argv[1], error))
        return 1
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        reason = failure(settings['url'], settings['partition-id'])
        if reason is None:
            return 0
        if time.monotonic() >= deadline:
            print('%s does not serve the demo page: %s (for %d s)' % (settings['url'], reason, RETRY_SECONDS))
            return 1
        time.sleep(0.2)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
