package com.pipelinepulse.zoho.signin;

import com.pipelinepulse.audit.SecurityEvent;
import com.pipelinepulse.identity.SignInAllowList;
import com.pipelinepulse.identity.UserAccount;
import com.pipelinepulse.identity.UserDirectory;
import com.pipelinepulse.identity.ZohoProfile;
import com.pipelinepulse.secrets.SecretName;
import com.pipelinepulse.secrets.Secrets;
import com.pipelinepulse.session.SessionOpener;
import com.pipelinepulse.web.ApiProblemException;
import com.pipelinepulse.web.ProblemType;
import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.ZohoDataCenters;
import com.pipelinepulse.zoho.ZohoProperties;
import com.pipelinepulse.zoho.accounts.ZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException.Kind;
import com.pipelinepulse.zoho.accounts.ZohoHttp;
import com.pipelinepulse.zoho.accounts.ZohoTokens;
import com.pipelinepulse.zoho.accounts.ZohoUserInfo;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient;
import com.pipelinepulse.zoho.crm.CrmCurrentUserClient.CrmCurrentUser;
import com.pipelinepulse.zoho.signin.SignInStateStore.Consumed;
import com.pipelinepulse.zoho.signin.SignInStateStore.PendingSignIn;
import com.pipelinepulse.zoho.tokens.JdbcZohoConnections;
import com.pipelinepulse.zoho.tokens.JdbcZohoConnections.NoRefreshTokenException;
import com.pipelinepulse.zoho.tokens.JdbcZohoConnections.StoredSignIn;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sign-in with Zoho, both legs. The start stores a one-time state (hashed) with a PKCE verifier and binds it to
 * the browser; the callback checks all of that, exchanges the code at the data centre the table names, reads who
 * signed in, checks that the allow-list admits them (organisation and/or email domain), and then, in one
 * transaction, records the user, stores the Zoho tokens encrypted and opens a session. No database transaction is
 * held open while Zoho is being called.
 */
@Service
class ZohoSignIn {

    private static final Logger log = LoggerFactory.getLogger(ZohoSignIn.class);

    /** 256 bits each: the state and the browser-binding secret (43 base64url characters). */
    private static final int RANDOM_BYTES = 32;
    private static final int MAX_STATE_LENGTH = 128;

    private final ZohoProperties zoho;
    private final SpaProperties spa;
    private final ZohoDataCenters dataCenters;
    private final Secrets secrets;
    private final SignInStateStore states;
    private final ZohoAccounts accounts;
    private final ZohoAuthorizationRequests authorizationRequests;
    private final CrmCurrentUserClient crm;
    private final UserDirectory users;
    private final JdbcZohoConnections connections;
    private final SessionOpener sessions;
    private final ReplacedTokenRevoker revoker;
    private final SignInAllowList allowList;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final SecureRandom random = new SecureRandom();

    ZohoSignIn(ZohoProperties zoho, SpaProperties spa, ZohoDataCenters dataCenters, Secrets secrets,
            SignInStateStore states, ZohoAccounts accounts, ZohoAuthorizationRequests authorizationRequests,
            CrmCurrentUserClient crm, UserDirectory users,
            JdbcZohoConnections connections, SessionOpener sessions, ReplacedTokenRevoker revoker,
            SignInAllowList allowList, ApplicationEventPublisher events,
            PlatformTransactionManager transactionManager) {
        this.zoho = zoho;
        this.spa = spa;
        this.dataCenters = dataCenters;
        this.secrets = secrets;
        this.states = states;
        this.accounts = accounts;
        this.authorizationRequests = authorizationRequests;
        this.crm = crm;
        this.users = users;
        this.connections = connections;
        this.sessions = sessions;
        this.revoker = revoker;
        this.allowList = allowList;
        this.events = events;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /** Where to send the browser, and the binding secret to put in its state cookie. */
    record Started(URI authorizationUrl, String bindingSecret) {
        @Override
        public String toString() {
            return "Started[...]";
        }
    }

    /**
     * Starts a sign-in. Nothing is stored when {@code returnTo} is refused.
     *
     * @throws ApiProblemException 400 for a {@code return_to} outside the SPA, 503 when the Zoho client is not
     *                             configured
     */
    Started start(String returnTo) {
        String target = ReturnToPolicy.accept(returnTo, spa.baseUrl()).orElseThrow(() -> new ApiProblemException(
                ProblemType.BAD_REQUEST, "return_to must be a path inside the app, for example /pipeline."));
        Optional<String> clientId = secrets.find(SecretName.ZOHO_CLIENT_ID);
        // Checked here, not only at the exchange: otherwise a person would go through Zoho's consent for nothing.
        if (clientId.isEmpty() || secrets.find(SecretName.ZOHO_CLIENT_SECRET).isEmpty()) {
            log.error("Sign-in with Zoho was requested but {} or {} is not configured",
                    SecretName.ZOHO_CLIENT_ID.environmentVariable(),
                    SecretName.ZOHO_CLIENT_SECRET.environmentVariable());
            throw new ApiProblemException(ProblemType.SERVICE_UNAVAILABLE, "Sign-in with Zoho is not configured.");
        }
        String state = randomToken();
        String binding = randomToken();
        OAuth2AuthorizationRequest request = authorizationRequests.build(state);
        states.save(state, binding, request.getAttribute(PkceParameterNames.CODE_VERIFIER), target);
        URI url = URI.create(request.getAuthorizationRequestUri());
        return new Started(url, binding);
    }

    /** The callback's query parameters, as Zoho sent them (each null when absent). */
    record Callback(String code, String state, String location, String accountsServer, String error,
            boolean repeatedParameter) {
        @Override
        public String toString() {
            return "Callback[location=" + location + ", error=" + error + "]";
        }
    }

    /**
     * Completes a sign-in and says where to send the browser: the SPA at the stored {@code return_to} on success,
     * {@code {spa}/signin-error?reason=<code>} otherwise. Publishes one {@code sign_in} security event either way.
     * The session cookie reaches {@code response} only when everything was committed.
     */
    URI complete(Callback callback, String bindingSecret, String userAgent, String clientIp,
            HttpServletResponse response) {
        try {
            Success success = attempt(callback, bindingSecret, userAgent, clientIp, response);
            log.info("Zoho sign-in completed for user {} at data centre {}", success.userId(), success.location());
            events.publishEvent(SecurityEvent.success(SecurityEvent.Types.SIGN_IN, success.userId(), success.email(),
                    Map.of("dc", success.location())));
            return success.redirect();
        } catch (SignInFailure failure) {
            log.info("Zoho sign-in refused: {}", failure.getMessage());
            return failed(failure);
        } catch (RuntimeException e) {
            log.error("Zoho sign-in failed unexpectedly", e);
            return failed(new SignInFailure(SignInError.SERVER_ERROR, e.getClass().getSimpleName()));
        }
    }

    private URI failed(SignInFailure failure) {
        Map<String, Object> details = new HashMap<>();
        details.put("reason", failure.error().code());
        if (failure.detail() != null) {
            details.put("detail", failure.detail());
        }
        events.publishEvent(SecurityEvent.failure(SecurityEvent.Types.SIGN_IN, failure.userId(), failure.subject(),
                details));
        return UriComponentsBuilder.fromUri(spa.baseUrl()).path("/signin-error")
                .queryParam("reason", failure.error().code()).build().toUri();
    }

    private record Success(URI redirect, UUID userId, String email, String location) {
    }

    private record Committed(UserAccount account, StoredSignIn stored) {
    }

    private Success attempt(Callback callback, String bindingSecret, String userAgent, String clientIp,
            HttpServletResponse response) {
        if (callback.repeatedParameter()) {
            throw new SignInFailure(SignInError.INVALID_CALLBACK, "repeated_parameter");
        }
        PendingSignIn pending = takeState(callback.state(), bindingSecret);
        if (callback.error() != null) {
            String zohoError = ZohoHttp.safe(callback.error());
            throw "access_denied".equals(callback.error())
                    ? new SignInFailure(SignInError.ACCESS_DENIED, null)
                    : new SignInFailure(SignInError.AUTHORIZATION_FAILED, "zoho_error=" + zohoError);
        }
        if (callback.code() == null || callback.code().isBlank()) {
            throw new SignInFailure(SignInError.INVALID_CALLBACK, "code_missing");
        }
        ZohoDataCenter dataCenter = dataCenter(callback);
        ZohoTokens tokens = exchange(dataCenter, callback.code(), pending.codeVerifier());
        boolean kept = false;
        try {
            ZohoProfile profile = profile(dataCenter, tokens);
            admit(profile, tokens);
            DeferredCookieResponse deferred = new DeferredCookieResponse(response);
            String scopes = tokens.scope() != null && !tokens.scope().isBlank() ? tokens.scope()
                    : String.join(",", zoho.scopes());
            Committed committed = transaction.execute(tx -> {
                UserAccount account = users.recordSignIn(profile);
                if (!account.active()) {
                    throw new SignInFailure(SignInError.ACCOUNT_DISABLED, null, account.id(), profile.email());
                }
                StoredSignIn stored;
                try {
                    stored = connections.storeSignIn(account.id(), profile.zohoUserId(), dataCenter, tokens, scopes);
                } catch (NoRefreshTokenException e) {
                    throw new SignInFailure(SignInError.NO_REFRESH_TOKEN, null, account.id(), profile.email());
                }
                sessions.open(account.id(), userAgent, clientIp, deferred);
                return new Committed(account, stored);
            });
            kept = true;
            deferred.release();
            if (committed.stored().replacedRefreshToken() != null) {
                revoker.revokeLater(committed.stored().replacedAt(), committed.stored().replacedRefreshToken(),
                        "replaced_by_sign_in");
            }
            URI redirect = URI.create(spa.baseUrl() + pending.returnTo());
            return new Success(redirect, committed.account().id(), committed.account().email(),
                    dataCenter.location());
        } finally {
            if (!kept && tokens.hasRefreshToken()) {
                // We will not keep it: do not leave a live grant behind at Zoho (20 per user and client).
                revoker.revokeLater(dataCenter, tokens.refreshToken(), "unused_after_failed_sign_in");
            }
        }
    }

    private PendingSignIn takeState(String state, String bindingSecret) {
        if (state == null || state.isBlank()) {
            throw new SignInFailure(SignInError.INVALID_STATE, "state_missing");
        }
        if (state.length() > MAX_STATE_LENGTH) {
            throw new SignInFailure(SignInError.INVALID_STATE, "state_unknown");
        }
        String binding = bindingSecret == null || bindingSecret.length() > MAX_STATE_LENGTH ? null : bindingSecret;
        Consumed consumed = states.consume(state, binding);
        if (consumed.pending() != null) {
            return consumed.pending();
        }
        throw switch (consumed.refusal()) {
            case EXPIRED -> new SignInFailure(SignInError.STATE_EXPIRED, null);
            case OTHER_BROWSER -> new SignInFailure(SignInError.FOREIGN_BROWSER,
                    binding == null ? "binding_cookie_missing" : "binding_cookie_mismatch");
            case UNKNOWN -> new SignInFailure(SignInError.INVALID_STATE, "state_unknown_or_used");
        };
    }

    /**
     * The data centre to exchange the code at. {@code accounts-server} is attacker-controllable: only an exact
     * pair of the table is accepted. Without both parameters (multi-DC not enabled for the client), the configured
     * sign-in server is used when it is itself a table entry.
     */
    private ZohoDataCenter dataCenter(Callback callback) {
        if (callback.location() == null && callback.accountsServer() == null) {
            return dataCenters.byAccountsServer(zoho.accountsUrl())
                    .orElseThrow(() -> new SignInFailure(SignInError.UNKNOWN_DATA_CENTER, "location_missing"));
        }
        return dataCenters.matching(callback.location(), callback.accountsServer())
                .orElseThrow(() -> new SignInFailure(SignInError.UNKNOWN_DATA_CENTER,
                        "location=" + ZohoHttp.safe(callback.location())));
    }

    private ZohoTokens exchange(ZohoDataCenter dataCenter, String code, String codeVerifier) {
        try {
            return accounts.exchangeCode(dataCenter, code, codeVerifier);
        } catch (ZohoAccountsException e) {
            throw new SignInFailure(e.kind() == Kind.REJECTED ? SignInError.CODE_EXCHANGE_FAILED
                    : SignInError.ZOHO_UNAVAILABLE, detail(e));
        }
    }

    private ZohoProfile profile(ZohoDataCenter dataCenter, ZohoTokens tokens) {
        ZohoUserInfo info;
        CrmCurrentUser crmUser;
        try {
            info = accounts.userInfo(dataCenter, tokens.accessToken());
            crmUser = crm.currentUser(tokens.apiDomain(), tokens.accessToken());
        } catch (ZohoAccountsException e) {
            throw new SignInFailure(e.kind() == Kind.REJECTED ? SignInError.PROFILE_UNAVAILABLE
                    : SignInError.ZOHO_UNAVAILABLE, detail(e));
        }
        if (crmUser.zuid() != null && !crmUser.zuid().equals(info.zuid())) {
            throw new SignInFailure(SignInError.PROFILE_UNAVAILABLE, "crm_user_is_someone_else");
        }
        return new ZohoProfile(info.zuid(), info.email(), displayName(info, crmUser), crmUser.country(),
                crmUser.locale());
    }

    /**
     * Refuses a person outside the allowed Zoho CRM organisations or email domains, before anything is stored (the
     * unused Zoho grant is revoked like that of any failed sign-in). The audit detail names the check that failed.
     */
    private void admit(ZohoProfile profile, ZohoTokens tokens) {
        String organisationId = null;
        if (allowList.checksOrganisation()) {
            try {
                organisationId = crm.organisationId(tokens.apiDomain(), tokens.accessToken());
            } catch (ZohoAccountsException e) {
                throw new SignInFailure(e.kind() == Kind.REJECTED ? SignInError.PROFILE_UNAVAILABLE
                        : SignInError.ZOHO_UNAVAILABLE, "organisation," + detail(e));
            }
        }
        String orgDetail = organisationId == null ? "" : ",org=" + ZohoHttp.safe(organisationId);
        allowList.refusal(organisationId, profile.email()).ifPresent(reason -> {
            throw new SignInFailure(SignInError.NOT_ALLOWED, reason + orgDetail, null, profile.email());
        });
    }

    private static String displayName(ZohoUserInfo info, CrmCurrentUser crmUser) {
        if (info.displayName() != null && !info.displayName().isBlank()) {
            return info.displayName().trim();
        }
        if (crmUser.fullName() != null) {
            return crmUser.fullName().trim();
        }
        String joined = ((info.firstName() == null ? "" : info.firstName()) + " "
                + (info.lastName() == null ? "" : info.lastName())).trim();
        return joined.isEmpty() ? info.email().substring(0, Math.max(0, info.email().indexOf('@'))) : joined;
    }

    private static String detail(ZohoAccountsException e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (e.zohoError() == null ? "" : ",zoho_error=" + e.zohoError());
    }

    private String randomToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
