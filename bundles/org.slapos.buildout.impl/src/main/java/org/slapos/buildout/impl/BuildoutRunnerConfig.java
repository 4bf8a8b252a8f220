package org.slapos.buildout.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SlapOS buildout runner",
    description = "How the node runs zc.buildout for Software Releases and partitions.")
@interface BuildoutRunnerConfig {

  @AttributeDefinition(description = "The buildout executable. The default is the launcher that "
      + "bin/setup-buildout writes; a relative path resolves against the slapos.home property "
      + "(the project directory, set by bin/slapos), else the working directory; an absolute path "
      + "selects another buildout, like the [slapos] buildout key of the original.")
  String buildout() default ".tools/bin/buildout";

  @AttributeDefinition(description = "Seconds a buildout run may take when the request gives no "
      + "timeout; then its whole process tree is killed.")
  long timeout_seconds() default 86400;

  @AttributeDefinition(description = "How many of the last output lines a result keeps (for the "
      + "error report sent to the master).")
  int log_tail_lines() default 200;

  @AttributeDefinition(description = "Octal umask buildout runs with (the original's SAFE_UMASK).")
  String umask() default "027";

  @AttributeDefinition(description = "PATH given to buildout; the node's own PATH is not inherited.")
  String path() default "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  @AttributeDefinition(description = "Names of variables passed from the node's environment to "
      + "buildout unchanged; everything else is dropped so that no secret leaks into recipes.")
  String[] pass_environment() default {"TZ", "SLAPGRID_INSTANCE_ROOT"};
}
