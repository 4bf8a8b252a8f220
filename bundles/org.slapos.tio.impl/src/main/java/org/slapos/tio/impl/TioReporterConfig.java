package org.slapos.tio.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "SlapOS TIO reporter",
    description = "How the node builds its usage journal and asks the usage contributors for their movements.")
@interface TioReporterConfig {

  @AttributeDefinition(description = "Seconds the usage contributors have, together, to give their movements "
      + "for one report; what a contributor has not given by then is left out of that report.")
  long contributor_timeout_seconds() default 60;
}
