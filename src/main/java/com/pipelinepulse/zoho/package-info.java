/** Zoho OAuth sign-in, the accounts client, the data-centre table and the Zoho token manager. */
@org.springframework.modulith.ApplicationModule(displayName = "Zoho")
package com.pipelinepulse.zoho;
