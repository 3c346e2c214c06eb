package com.pipelinepulse.zoho.crm;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.zoho.ZohoCrmClient;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp;
import com.pipelinepulse.zoho.accounts.ZohoHttp.Answer;
import java.net.URI;

/**
 * Reads the CRM's view of the signed-in user: {@code GET {api_domain}/crm/v8/users?type=CurrentUser}. Used by
 * sign-in only, with the access token the code exchange just returned: at that point no connection exists yet, so
 * {@link ZohoCrmClient} (which works on stored connections) cannot serve it. Both share the same transport and
 * the same answer parsing ({@link #parse}).
 */
public final class CrmCurrentUserClient {

    /** The fields sign-in uses. Any of them may be null except {@code zuid} and {@code email}. */
    public record CrmCurrentUser(String crmUserId, String zuid, String email, String fullName, String country,
            String locale) {
    }

    private final ZohoHttp http;

    public CrmCurrentUserClient(ZohoHttp http) {
        this.http = http;
    }

    public CrmCurrentUser currentUser(URI apiDomain, String accessToken) {
        Answer answer = http.get(URI.create(apiDomain + "/crm/v8/users?type=CurrentUser"), accessToken,
                "CRM current user");
        ZohoHttp.throwIfError(answer, "CRM current user");
        return parse(answer);
    }

    /**
     * The id of the CRM organisation the token's user belongs to: {@code GET {api_domain}/crm/v8/org}, answer
     * {@code {"org":[{"id":"...", ...}]}} (scope {@code ZohoCRM.org.READ}). Sign-in checks it against the allow-list.
     */
    public String organisationId(URI apiDomain, String accessToken) {
        Answer answer = http.get(URI.create(apiDomain + "/crm/v8/org"), accessToken, "CRM organisation");
        ZohoHttp.throwIfError(answer, "CRM organisation");
        JsonNode orgs = answer.body() == null ? null : answer.body().get("org");
        String id = orgs == null || !orgs.isArray() || orgs.isEmpty() ? null : text(orgs.get(0), "id");
        if (id == null) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, "CRM organisation: no organisation in the answer");
        }
        return id;
    }

    /** The first user of a successful {@code users?type=CurrentUser} answer. */
    public static CrmCurrentUser parse(Answer answer) {
        JsonNode users = answer.body() == null ? null : answer.body().get("users");
        if (users == null || !users.isArray() || users.isEmpty()) {
            throw new ZohoAccountsException(Kind.UNAVAILABLE, null, "CRM current user: no user in the answer");
        }
        JsonNode user = users.get(0);
        return new CrmCurrentUser(text(user, "id"), text(user, "zuid"), text(user, "email"), text(user, "full_name"),
                text(user, "country"), text(user, "locale"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() || value.asText().isBlank() ? null
                : value.asText();
    }
}
