package com.pipelinepulse.zoho.accounts;

/** Zoho Accounts' user info ({@code GET {accounts}/oauth/user/info}): who owns an access token. */
public record ZohoUserInfo(String zuid, String email, String displayName, String firstName, String lastName) {
}
