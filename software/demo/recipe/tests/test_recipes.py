"""Unit tests of slapos_demo_recipe. Run: PYTHONPATH=<zc.buildout>:<recipe> python3 -m unittest discover -s tests
(DemoSoftwareReleaseProcessTest runs them with the zc.buildout of bin/setup-buildout)."""
import http.server
import json
import logging
import os
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

import zc.buildout

import slapos_demo_recipe as recipes

LOG = logging.getLogger('test')


class FakeOptions(dict):
    """What the recipes use of buildout's Options: a mapping of strings."""


class UnmarshalTest(unittest.TestCase):
    def test_strings_are_unescaped_twice_and_objects_give_their_state(self):
        body = (b'<marshal><object id="i2" module="slapos.slap.slap" class="ComputerPartition">'
                b'<tuple><string>c</string><string>slappart0</string><none/></tuple><dictionary id="i3">'
                b'<string>_parameter_dict</string><dictionary id="i4"><string>title</string>'
                b'<string>x&amp;lt;y&amp;amp;z</string><string>ip_list</string><list id="i5"><tuple>'
                b'<string>lo</string><string>127.0.0.1</string></tuple></list><string>n</string><int>3</int>'
                b'<string>again</string><reference id="i5"/></dictionary></dictionary></object></marshal>')
        state = recipes.unmarshal(body)
        parameters = state['_parameter_dict']
        self.assertEqual('x<y&z', parameters['title'])
        self.assertEqual([('lo', '127.0.0.1')], parameters['ip_list'])
        self.assertEqual(3, parameters['n'])
        self.assertEqual(parameters['ip_list'], parameters['again'])

    def test_a_doctype_is_refused(self):
        with self.assertRaisesRegex(zc.buildout.UserError, 'DOCTYPE'):
            recipes.unmarshal(b'<!DOCTYPE m [<!ENTITY e "x">]><marshal><string>&e;</string></marshal>')

    def test_malformed_xml_is_one_error(self):
        with self.assertRaisesRegex(zc.buildout.UserError, 'malformed XML'):
            recipes.unmarshal(b'<marshal><string>')


class ParametersTest(unittest.TestCase):
    def test_json_in_xml_is_decoded_to_strings(self):
        partition = {'_parameter_dict': {'_': '{"port": 8080, "title": "t"}', 'ip_list': []}}
        self.assertEqual({'port': '8080', 'title': 't'}, recipes.instance_parameters(partition))

    def test_xml_parameters_keep_their_strings(self):
        partition = {'_parameter_dict': {'title': 't', 'ip_list': [('lo', '127.0.0.1')]}}
        self.assertEqual({'title': 't'}, recipes.instance_parameters(partition))

    def test_title_is_one_printable_line(self):
        self.assertEqual('a b c', recipes._clean_title('a\n b\t\x00c'))
        self.assertEqual('SlapOS demo', recipes._clean_title(' \n'))
        self.assertEqual(recipes.MAX_TITLE_LENGTH, len(recipes._clean_title('x' * 500)))


class AddressAndPortTest(unittest.TestCase):
    def setUp(self):
        self.directory = self.enterContext(tempfile.TemporaryDirectory())
        self.port_file = os.path.join(self.directory, 'var', 'demo-web.port')

    def test_the_first_local_ipv4_is_taken_else_loopback(self):
        self.assertEqual('127.0.0.2', recipes.choose_ipv4([('lo', 'fd00::1'), ('lo', '127.0.0.2')], LOG))
        with self.assertLogs('test', 'WARNING') as logged:
            self.assertEqual('127.0.0.1', recipes.choose_ipv4([('tap', '192.0.2.1')], LOG))
        self.assertIn('192.0.2.1 is not on this machine', logged.output[0])
        self.assertEqual('127.0.0.1', recipes.choose_ipv4([], LOG))

    def test_the_requested_port_wins_and_is_checked(self):
        self.assertEqual(8080, recipes.choose_port({'port': ' 8080 '}, '127.0.0.1', self.port_file, LOG))
        self.assertFalse(os.path.exists(self.port_file))
        for wrong in ('0', '65536', 'http'):
            with self.assertRaisesRegex(zc.buildout.UserError, 'instance parameter port must be a port number'):
                recipes.choose_port({'port': wrong}, '127.0.0.1', self.port_file, LOG)

    def test_a_chosen_port_is_free_remembered_and_kept(self):
        chosen = recipes.choose_port({}, '127.0.0.1', self.port_file, LOG)
        self.assertTrue(recipes.PORT_RANGE[0] <= chosen < recipes.PORT_RANGE[1])
        with open(self.port_file) as remembered:
            self.assertEqual('%d\n' % chosen, remembered.read())
        self.assertEqual(chosen, recipes.choose_port({}, '127.0.0.1', self.port_file, LOG))

    def test_a_broken_port_file_is_replaced(self):
        os.makedirs(os.path.dirname(self.port_file))
        with open(self.port_file, 'w') as broken:
            broken.write('nonsense')
        with self.assertLogs('test', 'WARNING'):
            chosen = recipes.choose_port({}, '127.0.0.1', self.port_file, LOG)
        with open(self.port_file) as remembered:
            self.assertEqual(chosen, int(remembered.read()))


class FilesTest(unittest.TestCase):
    def setUp(self):
        self.directory = self.enterContext(tempfile.TemporaryDirectory())

    def test_template_replaces_placeholders_and_refuses_unknown_ones(self):
        source = os.path.join(self.directory, 'in')
        with open(source, 'w') as out:
            out.write('a = @@first@@\nb = @@second-one@@\n')
        output = os.path.join(self.directory, 'sub', 'out')
        options = FakeOptions(input=source, output=output, mode='640', **{'replace-first': '1',
                                                                          'replace-second-one': '${x:y}'})
        self.assertEqual([output], recipes.Template(None, 'part', options).install())
        with open(output) as rendered:
            self.assertEqual('a = 1\nb = ${x:y}\n', rendered.read())
        self.assertEqual(0o640, os.stat(output).st_mode & 0o777)
        del options['replace-second-one']
        with self.assertRaisesRegex(zc.buildout.UserError, r'@@second-one@@ but no option replace-second-one'):
            recipes.Template(None, 'part', options).install()

    def test_wrapper_passes_each_line_as_one_argument(self):
        output = os.path.join(self.directory, 'etc', 'service', 'program')
        options = FakeOptions(output=output, command='\n/usr/bin/printf\n%s|\nwith space\n$HOME `id` \'q\'\n')
        recipes.Wrapper(None, 'part', options).install()
        self.assertEqual(0o755, os.stat(output).st_mode & 0o777)
        printed = subprocess.run([output], capture_output=True, text=True, check=True).stdout
        self.assertEqual("with space|$HOME `id` 'q'|", printed)


class PublishTest(unittest.TestCase):
    def test_publishes_the_keys_escaped_twice(self):
        posted = []

        class Master(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                posted.append((self.path, self.rfile.read(int(self.headers['Content-Length']))))
                self.send_response(200)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(('127.0.0.1', 0), Master)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        values = os.path.join(self.enterContext(tempfile.TemporaryDirectory()), 'demo-web.json')
        with open(values, 'w') as out:
            json.dump({'url': 'http://127.0.0.1:1/', 'title': 'a<b&c', 'port': '1', 'ipv4': '127.0.0.1'}, out)
        buildout = {'slap-connection': {'computer-id': 'COMP', 'partition-id': 'slappart3',
                                        'server-url': 'http://127.0.0.1:%d/' % server.server_port}}
        recipes.Publish(buildout, 'publish', FakeOptions(file=values, keys='url title')).install()
        path, body = posted[0]
        self.assertEqual('/setComputerPartitionConnectionXml', path)
        form = urllib.parse.parse_qs(body.decode())
        self.assertEqual(['COMP'], form['computer_id'])
        self.assertEqual(['slappart3'], form['computer_partition_id'])
        self.assertEqual(['None'], form['slave_reference'])
        self.assertEqual(['<marshal><dictionary id="i2"><string>title</string><string>a&amp;lt;b&amp;amp;c</string>'
                          '<string>url</string><string>http://127.0.0.1:1/</string></dictionary></marshal>'],
                         form['connection_xml'])
        self.assertEqual('a<b&c', recipes.unmarshal(form['connection_xml'][0].encode())['title'])

    def test_an_unreachable_master_is_one_line(self):
        values = os.path.join(self.enterContext(tempfile.TemporaryDirectory()), 'demo-web.json')
        with open(values, 'w') as out:
            json.dump({'url': 'u'}, out)
        buildout = {'slap-connection': {'computer-id': 'C', 'partition-id': 'p', 'server-url': 'http://127.0.0.1:9/'}}
        with self.assertRaisesRegex(zc.buildout.UserError, r'^cannot reach the master at http://127.0.0.1:9/'):
            recipes.Publish(buildout, 'publish', FakeOptions(file=values, keys='url')).install()


if __name__ == '__main__':
    unittest.main()
