/** Zoho CRM reads other than the public {@code ZohoCrmClient}: the current-user read that sign-in makes. */
package com.pipelinepulse.zoho.crm;
