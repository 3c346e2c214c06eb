/** RFC 9457 problem responses: the one exception handler and the writer that filters use. */
@org.springframework.modulith.ApplicationModule(displayName = "Web")
package com.pipelinepulse.web;
