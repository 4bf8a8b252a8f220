package org.slapos.promise.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SlapOS promise checker",
    description = "How the node runs the promises of its partitions.")
@interface PromiseCheckerConfig {

  @AttributeDefinition(description = "How many promises of a partition run at the same time. The "
      + "original runs them one after the other (1); each promise still has its own timeout.")
  int parallelism() default 4;

  @AttributeDefinition(description = "PATH given to promise scripts and to the release's Python; the "
      + "node's own environment is not inherited.")
  String path() default "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}
