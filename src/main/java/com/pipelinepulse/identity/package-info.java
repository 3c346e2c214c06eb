/** Our users: Zoho identity, email, display name, region, role and status. */
@org.springframework.modulith.ApplicationModule(displayName = "Identity")
package com.pipelinepulse.identity;
