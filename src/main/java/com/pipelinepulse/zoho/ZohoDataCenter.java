package com.pipelinepulse.zoho;

import java.net.URI;

/**
 * One Zoho data centre: its location code as Zoho names it in the callback ({@code us}, {@code eu}, ...) and
 * the accounts server where its codes are exchanged and its tokens refreshed or revoked. CRM calls never go
 * here: they go to the {@code api_domain} of the token response.
 */
public record ZohoDataCenter(String location, URI accountsServer) {

    /** {@code {accounts server}{path}}, for example {@code /oauth/v2/token}. */
    public URI accountsUrl(String path) {
        return URI.create(accountsServer.toString() + path);
    }
}
