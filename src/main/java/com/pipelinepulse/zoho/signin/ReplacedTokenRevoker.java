package com.pipelinepulse.zoho.signin;

import com.pipelinepulse.zoho.ZohoDataCenter;
import com.pipelinepulse.zoho.accounts.ZohoAccounts;
import com.pipelinepulse.zoho.accounts.ZohoAccountsException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Revokes at Zoho refresh tokens we no longer keep: the one a new sign-in replaced (Zoho allows 20 per user
 * and client and silently drops the oldest beyond that), or a fresh one from a sign-in that failed after the
 * code exchange. Best effort, off the request thread, after the database change is committed: a failure is
 * logged (never the token) and not retried.
 */
@Component
class ReplacedTokenRevoker implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplacedTokenRevoker.class);

    private final ZohoAccounts accounts;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();

    ReplacedTokenRevoker(ZohoAccounts accounts) {
        this.accounts = accounts;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1_000), r -> {
            Thread thread = new Thread(r, "zoho-revoke-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, (task, pool) -> {
            pending.decrementAndGet();
            log.warn("Zoho token revocation queue is full: a token will not be revoked");
        });
    }

    /** @param why short reason for the log, e.g. {@code replaced_by_sign_in} */
    void revokeLater(ZohoDataCenter dataCenter, String refreshToken, String why) {
        pending.incrementAndGet();
        executor.execute(() -> {
            try {
                accounts.revoke(dataCenter, refreshToken);
                log.info("Revoked a Zoho refresh token at data centre {} ({})", dataCenter.location(), why);
            } catch (ZohoAccountsException e) {
                log.warn("Could not revoke a Zoho refresh token at data centre {} ({}): {} {}", dataCenter.location(),
                        why, e.kind(), e.zohoError());
            } catch (RuntimeException e) {
                log.warn("Could not revoke a Zoho refresh token at data centre {} ({}): {}", dataCenter.location(), why,
                        e.getClass().getSimpleName());
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** True when no revocation is queued or running (tests wait for this before counting Zoho requests). */
    boolean idle() {
        return pending.get() == 0;
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
