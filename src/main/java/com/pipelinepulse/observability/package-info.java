/** Request ids, log masking, metric names and health indicators. */
@org.springframework.modulith.ApplicationModule(displayName = "Observability")
package com.pipelinepulse.observability;
