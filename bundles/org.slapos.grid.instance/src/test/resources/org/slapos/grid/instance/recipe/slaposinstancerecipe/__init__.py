"""Writes <buildout directory>/<path>: `content` as given, or else a shell program printing `message`.

Options: path (required, relative to the buildout directory; parent directories are created),
content or message, fail (when "true" the part raises a UserError, for failing deployments)."""
import os

import zc.buildout


class File(object):
    def __init__(self, buildout, name, options):
        self.name = name
        self.options = options
        self.directory = buildout['buildout']['directory']
        if 'path' not in options:
            raise zc.buildout.UserError('slaposinstancerecipe: option "path" is required in [%s]' % name)

    def install(self):
        if self.options.get('fail') == 'true':
            raise zc.buildout.UserError('slaposinstancerecipe: part %s was asked to fail' % self.name)
        path = os.path.join(self.directory, self.options['path'])
        parent = os.path.dirname(path)
        if not os.path.isdir(parent):
            os.makedirs(parent)
        if 'content' in self.options:
            text = self.options['content'].strip() + '\n'
            mode = 0o644
        else:
            text = '#!/bin/sh\necho %s\n' % self.options.get('message', self.name).replace("'", '')
            mode = 0o755
        with open(path, 'w') as out:
            out.write(text)
        os.chmod(path, mode)
        return []

    update = install
