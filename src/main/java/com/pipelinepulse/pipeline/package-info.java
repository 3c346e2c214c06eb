/**
 * Pipeline data: deals synced from Zoho CRM into PostgreSQL, Zoho's currency snapshots, sync runs and the sync
 * cursor; the figures read from them (PIPELINE.md, docs/pipeline.md). Talks to Zoho only through the zoho
 * module's {@code ZohoCrmClient}, to users only through the identity module's public API.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Pipeline")
package com.pipelinepulse.pipeline;
