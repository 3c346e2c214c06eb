/** The Zoho Accounts client: code exchange, refresh, revoke and user info, and how its failures are typed. */
package com.pipelinepulse.zoho.accounts;
