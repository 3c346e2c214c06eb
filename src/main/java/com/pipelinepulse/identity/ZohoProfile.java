package com.pipelinepulse.identity;

/**
 * Who Zoho says signed in, as read from user info and the CRM current user. {@code country} and
 * {@code locale} may be null (Zoho omits them for some accounts); they only feed the region mapping.
 */
public record ZohoProfile(String zohoUserId, String email, String displayName, String country, String locale) {
}
