/** Per-IP and per-user token buckets on auth endpoints (PostgreSQL-backed) and failed-sign-in throttling. */
@org.springframework.modulith.ApplicationModule(displayName = "Rate limiting")
package com.pipelinepulse.ratelimit;
