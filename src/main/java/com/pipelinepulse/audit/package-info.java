/** The append-only security audit trail, written from {@link com.pipelinepulse.audit.SecurityEvent}s. */
@org.springframework.modulith.ApplicationModule(displayName = "Audit")
package com.pipelinepulse.audit;
