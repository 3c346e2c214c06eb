package com.pipelinepulse.identity;

import java.util.Optional;
import java.util.UUID;

/** Creates, finds and updates users. */
public interface UserDirectory {

    /**
     * Records a successful Zoho sign-in: creates the user on first sign-in (role {@code admin} when the email
     * is in the configured admin list, else {@code viewer}; region from the configured country/locale
     * mapping, else the default region) or refreshes email and name of an existing one. Joins the caller's
     * transaction.
     */
    UserAccount recordSignIn(ZohoProfile profile);

    Optional<UserAccount> find(UUID userId);
}
