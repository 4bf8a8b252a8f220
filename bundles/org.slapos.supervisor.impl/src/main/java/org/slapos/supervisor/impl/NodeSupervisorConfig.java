package org.slapos.supervisor.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SlapOS node supervisord",
    description = "Where the real supervisord and supervisorctl are, and how long the node waits for them.")
@interface NodeSupervisorConfig {

  @AttributeDefinition(description = "The supervisord executable. The default is the launcher that "
      + "bin/setup-supervisor writes; a relative path resolves against the slapos.home property (the "
      + "project directory, set by bin/slapos), else the working directory.")
  String supervisord() default ".tools/bin/supervisord";

  @AttributeDefinition(description = "The supervisorctl executable run by slapos node supervisorctl "
      + "(and status, start, stop, restart, tail); relative paths resolve as for supervisord.")
  String supervisorctl() default ".tools/bin/supervisorctl";

  @AttributeDefinition(description = "Seconds one XML-RPC call may take. Stopping a group waits for its "
      + "programs, which get stopwaitsecs=60 each, so keep this above 60.")
  long rpc_timeout_seconds() default 120;

  @AttributeDefinition(description = "Seconds supervisord may take to daemonize and then answer RUNNING.")
  long launch_timeout_seconds() default 30;

  @AttributeDefinition(description = "How many times a removed group is removed from supervisord while "
      + "its processes still stop (the original: 10).")
  int remove_retries() default 10;

  @AttributeDefinition(description = "Milliseconds between those attempts (the original: 1000).")
  long remove_retry_interval_millis() default 1000;
}
