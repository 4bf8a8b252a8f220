"""Writes <bin-directory>/<part name>, a shell program printing `message`.

Options: message (required), mode (octal, default 755), hold-seconds (optional: start a child
process that lives that long and wait for it, so that a timeout has a process tree to kill).
It also writes <buildout directory>/environment.json with the environment buildout ran with."""
import json
import os
import subprocess

import zc.buildout


class Program(object):
    def __init__(self, buildout, name, options):
        self.name = name
        self.options = options
        self.bin_directory = buildout['buildout']['bin-directory']
        self.directory = buildout['buildout']['directory']
        if 'message' not in options:
            raise zc.buildout.UserError('slapostestrecipe: option "message" is required in [%s]' % name)
        try:
            self.mode = int(options.get('mode', '755'), 8)
        except ValueError:
            raise zc.buildout.UserError('slapostestrecipe: mode %r is not an octal number' % options['mode'])

    def install(self):
        with open(os.path.join(self.directory, 'environment.json'), 'w') as out:
            json.dump(dict(os.environ), out)
        with open(os.path.join(self.directory, 'umask.txt'), 'w') as out:
            current = os.umask(0)
            os.umask(current)
            out.write('%03o' % current)
        hold = self.options.get('hold-seconds')
        if hold:
            child = subprocess.Popen(['sleep', hold])
            with open(os.path.join(self.directory, 'child.pid'), 'w') as out:
                out.write(str(child.pid))
            child.wait()
        path = os.path.join(self.bin_directory, self.name)
        with open(path, 'w') as out:
            out.write('#!/bin/sh\necho %s\n' % self.options['message'].replace("'", ''))
        os.chmod(path, self.mode)
        return [path]

    update = install
