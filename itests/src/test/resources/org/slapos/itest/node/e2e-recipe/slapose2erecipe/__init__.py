"""Recipes for the node's end-to-end test.

default (File): copies `source` to `path` (relative to the buildout directory) with `mode` (octal,
default 644); with `fail = true` the part raises a UserError (a broken instance).
publish (Publish): posts `url` as the partition's connection parameter to the master named by the
[slap-connection] section, as the SLAP library's setConnectionDict does."""
import os
import shutil
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

import zc.buildout


class File(object):
    def __init__(self, buildout, name, options):
        self.name = name
        self.options = options
        self.directory = buildout['buildout']['directory']
        for required in ('path', 'source'):
            if required not in options:
                raise zc.buildout.UserError('slapose2erecipe: option %r is required in [%s]' % (required, name))

    def install(self):
        if self.options.get('fail') == 'true':
            raise zc.buildout.UserError('slapose2erecipe: part %s was asked to fail' % self.name)
        path = os.path.join(self.directory, self.options['path'])
        parent = os.path.dirname(path)
        if not os.path.isdir(parent):
            os.makedirs(parent)
        shutil.copyfile(self.options['source'], path)
        os.chmod(path, int(self.options.get('mode', '644'), 8))
        return [path]

    update = install


class Publish(object):
    def __init__(self, buildout, name, options):
        self.options = options
        self.connection = buildout['slap-connection']

    def install(self):
        pairs = ''.join('<string>%s</string><string>%s</string>' % (escape(k), escape(v))
                        for k, v in sorted({'url': self.options['url']}.items()))
        body = urllib.parse.urlencode({
            'computer_id': self.connection['computer-id'],
            'computer_partition_id': self.connection['partition-id'],
            'connection_xml': '<marshal><dictionary id="i2">%s</dictionary></marshal>' % pairs,
            'slave_reference': 'None',
        }).encode()
        url = self.connection['server-url'].rstrip('/') + '/setComputerPartitionConnectionXml'
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30) as answer:
            if answer.status != 200:
                raise zc.buildout.UserError('publishing failed: %s' % answer.status)
        return []

    update = install
