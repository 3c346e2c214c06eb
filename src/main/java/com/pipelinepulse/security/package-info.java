/** Spring Security filter chains, authentication, roles, CORS, security headers and client-IP resolution. */
@org.springframework.modulith.ApplicationModule(displayName = "Security")
package com.pipelinepulse.security;
