package com.pipelinepulse.security;

import com.pipelinepulse.session.AccessTokenClaims;
import java.util.Locale;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** An authenticated request: the verified access token's claims, with authorities {@code ROLE_<ROLE>}. */
final class AccessTokenAuthentication extends AbstractAuthenticationToken {

    private final AccessTokenClaims claims;

    AccessTokenAuthentication(AccessTokenClaims claims) {
        super(AuthorityUtils.createAuthorityList(claims.roles().stream()
                .map(r -> "ROLE_" + r.toUpperCase(Locale.ROOT)).toArray(String[]::new)));
        this.claims = claims;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        // The token itself is never kept on the authentication.
        return "";
    }

    @Override
    public AccessTokenClaims getPrincipal() {
        return claims;
    }
}
