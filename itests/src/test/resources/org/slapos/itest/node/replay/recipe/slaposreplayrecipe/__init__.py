"""Does, in a partition's buildout, what the SLAP library of slapos.core 1.24 does when a release's
recipe builds its ComputerPartition object: create the empty request-transaction file
$SLAPGRID_INSTANCE_ROOT/<partition-id>/.slapos-request-transaction-<partition-id> (nothing requested
yet). slapgrid then sends the (empty) list with updateComputerPartitionRelatedInstanceList, as the
captured exchange 0018 shows. Outside a partition run (no SLAPGRID_INSTANCE_ROOT or no partition-id,
e.g. while the Software Release is built, which only installs this egg) it does nothing.

Option: partition-id (the partition's id, ${slap-connection:partition-id})."""
import os


class RequestTransaction(object):
    def __init__(self, buildout, name, options):
        self.partition_id = options.get('partition-id', '')

    def install(self):
        instance_root = os.environ.get('SLAPGRID_INSTANCE_ROOT', '')
        if instance_root and self.partition_id:
            path = os.path.join(instance_root, self.partition_id,
                                '.slapos-request-transaction-%s' % self.partition_id)
            if not os.path.exists(path):
                open(path, 'w').close()
        return []

    update = install
