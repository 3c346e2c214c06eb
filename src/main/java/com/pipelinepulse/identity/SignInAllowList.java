package com.pipelinepulse.identity;

import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Who may sign in at all: members of the configured Zoho CRM organisations ({@code PP_ZOHO_ALLOWED_ORGS}) and/or
 * people whose email is in one of the configured domains ({@code PP_ALLOWED_EMAIL_DOMAINS}). Each list that is set
 * must admit the person (with both set, both must); a list that is not set admits everyone. Production refuses to
 * start with neither set (the config module's start-up rules).
 */
@Component
public class SignInAllowList {

    /** The person's CRM organisation is not in {@code PP_ZOHO_ALLOWED_ORGS}. */
    public static final String ORGANISATION_NOT_ALLOWED = "organisation_not_allowed";
    /** The person's email domain is not in {@code PP_ALLOWED_EMAIL_DOMAINS}. */
    public static final String EMAIL_DOMAIN_NOT_ALLOWED = "email_domain_not_allowed";

    private final IdentityProperties properties;

    SignInAllowList(IdentityProperties properties) {
        this.properties = properties;
    }

    /** Whether the person's Zoho CRM organisation id must be read: an organisation list is set. */
    public boolean checksOrganisation() {
        return !properties.allowedZohoOrgs().isEmpty();
    }

    /**
     * Why this person may not sign in ({@link #ORGANISATION_NOT_ALLOWED} or {@link #EMAIL_DOMAIN_NOT_ALLOWED}), or
     * empty when they may.
     *
     * @param organisationId the Zoho CRM organisation id; may be null when {@link #checksOrganisation()} is false
     * @param email          the email Zoho vouches for
     */
    public Optional<String> refusal(String organisationId, String email) {
        if (checksOrganisation() && (organisationId == null
                || !properties.allowedZohoOrgs().contains(organisationId.trim().toLowerCase(Locale.ROOT)))) {
            return Optional.of(ORGANISATION_NOT_ALLOWED);
        }
        if (!properties.allowedEmailDomains().isEmpty() && !properties.allowedEmailDomains().contains(domain(email))) {
            return Optional.of(EMAIL_DOMAIN_NOT_ALLOWED);
        }
        return Optional.empty();
    }

    private static String domain(String email) {
        if (email == null) {
            return "";
        }
        int at = email.lastIndexOf('@');
        return at < 0 ? "" : email.substring(at + 1).trim().toLowerCase(Locale.ROOT);
    }
}
