package com.pipelinepulse.zoho;

/** Whether a user's stored Zoho tokens can be used. Stored by name in {@code zoho_connection.status}. */
public enum ZohoConnectionStatus {
    /** A refresh token is stored and was last known to work. */
    CONNECTED,
    /** Zoho refused the stored refresh token (revoked, expired grant, wrong client): the user must sign in again. */
    REAUTH_REQUIRED,
    /** We revoked the tokens ourselves (for example when the user or an admin unlinked Zoho). */
    REVOKED
}
