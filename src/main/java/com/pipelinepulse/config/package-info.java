/** Typed settings, profiles and the start-up validator that refuses unsafe configuration. */
@org.springframework.modulith.ApplicationModule(displayName = "Configuration")
package com.pipelinepulse.config;
