/**
 * Zoho: sign-in with Zoho, the accounts client, the data-centre table, the token manager and the CRM client. This
 * root package is the module's API (connections, the CRM client, the data-centre table, settings); the rooms are
 * {@code signin}, {@code tokens}, {@code accounts} and {@code crm}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Zoho")
package com.pipelinepulse.zoho;
