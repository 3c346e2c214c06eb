package com.pipelinepulse.zoho.signin;

import com.pipelinepulse.crypto.Sha256;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one-time sign-in state in {@code zoho_sign_in_state}, shared by every instance through PostgreSQL.
 * Only SHA-256 hashes of the state and of the browser-binding secret are stored; expiry is judged by the
 * database clock so that instances with skewed clocks agree.
 */
@Component
class SignInStateStore {

    static final Duration LIFETIME = Duration.ofMinutes(10);

    /** A sign-in that was started and is now being completed. */
    record PendingSignIn(String codeVerifier, String returnTo) {
        @Override
        public String toString() {
            return "PendingSignIn[returnTo=" + returnTo + "]";
        }
    }

    /** Why a state was not accepted. */
    enum Refusal { UNKNOWN, EXPIRED, OTHER_BROWSER }

    /** Either the pending sign-in or why there is none. */
    record Consumed(PendingSignIn pending, Refusal refusal) {
    }

    private final JdbcClient jdbc;

    SignInStateStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    void save(String state, String binding, String codeVerifier, String returnTo) {
        // Housekeeping on the way: long-expired states are useless; an index keeps this cheap.
        jdbc.sql("delete from zoho_sign_in_state where expires_at < now() - interval '1 hour'").update();
        jdbc.sql("""
                insert into zoho_sign_in_state (state_hash, binding_hash, code_verifier, return_to, expires_at)
                values (?, ?, ?, ?, now() + make_interval(secs => ?))""")
                .params(sha256(state), sha256(binding), codeVerifier, returnTo, (double) LIFETIME.toSeconds())
                .update();
    }

    /**
     * Takes the state for good when the browser presents the binding secret it was issued with. A state shown by
     * another browser (or without the cookie) is left in place, so that a third party who learnt a state value
     * cannot burn the rightful user's sign-in; an expired one is deleted.
     */
    @Transactional
    Consumed consume(String state, String binding) {
        byte[] stateHash = sha256(state);
        if (binding != null) {
            Optional<Row> taken = jdbc.sql("""
                    delete from zoho_sign_in_state where state_hash = ? and binding_hash = ?
                    returning code_verifier, return_to, expires_at > now() as live""")
                    .params(stateHash, sha256(binding))
                    .query((rs, n) -> new Row(rs.getString("code_verifier"), rs.getString("return_to"),
                            rs.getBoolean("live")))
                    .optional();
            if (taken.isPresent()) {
                return taken.get().live()
                        ? new Consumed(new PendingSignIn(taken.get().codeVerifier(), taken.get().returnTo()), null)
                        : new Consumed(null, Refusal.EXPIRED);
            }
        }
        boolean exists = jdbc.sql("select count(*) from zoho_sign_in_state where state_hash = ?").param(stateHash)
                .query(Integer.class).single() > 0;
        return new Consumed(null, exists ? Refusal.OTHER_BROWSER : Refusal.UNKNOWN);
    }

    private record Row(String codeVerifier, String returnTo, boolean live) {
        @Override
        public String toString() {
            return "Row[returnTo=" + returnTo + ", live=" + live + "]";
        }
    }

    static byte[] sha256(String value) {
        return Sha256.of(value);
    }
}
