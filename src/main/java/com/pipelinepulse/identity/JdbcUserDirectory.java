package com.pipelinepulse.identity;

import com.pipelinepulse.audit.SecurityEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** {@link UserDirectory} on the {@code app_user} table. */
@Service
class JdbcUserDirectory implements UserDirectory {

    private static final Logger log = LoggerFactory.getLogger(JdbcUserDirectory.class);

    /** Serialises every change of role or status, so that the last-admin check cannot race. */
    static final String ADMIN_CHANGES_LOCK = "pipelinepulse.app_user.admin_changes";

    private static final String COLUMNS = "id, zoho_user_id, email, display_name, region, role, status, created_at, "
            + "last_sign_in_at";

    private final JdbcClient jdbc;
    private final IdentityProperties properties;
    private final ApplicationEventPublisher events;

    JdbcUserDirectory(JdbcClient jdbc, IdentityProperties properties, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.events = events;
    }

    @Override
    @Transactional
    public UserAccount recordSignIn(ZohoProfile profile) {
        if (profile.zohoUserId() == null || profile.zohoUserId().isBlank() || profile.email() == null
                || profile.email().isBlank()) {
            throw new IllegalArgumentException("a Zoho profile needs a user id and an email");
        }
        String email = profile.email().trim();
        String displayName = profile.displayName() == null || profile.displayName().isBlank()
                ? email : profile.displayName();
        boolean known = jdbc.sql("select count(*) from app_user where zoho_user_id = :zuid")
                .param("zuid", profile.zohoUserId()).query(Long.class).single() > 0;
        // An admin email makes only its first Zoho user an admin: a later, new Zoho id with the same email (a
        // re-created or look-alike account) starts as viewer. The grant joins this transaction, so a sign-in that
        // fails later leaves the email unclaimed.
        Role firstRole = !known && properties.isAdminEmail(email) && claimAdminGrant(email) ? Role.ADMIN : Role.VIEWER;
        String firstRegion = properties.regions().regionFor(profile.country(), profile.locale());
        // Role and region are decided only on the first sign-in; afterwards admins own them.
        UserRecord user = jdbc.sql("""
                insert into app_user (zoho_user_id, email, display_name, region, role, last_sign_in_at)
                values (:zuid, :email, :name, :region, :role, now())
                on conflict (zoho_user_id) do update
                   set email = excluded.email, display_name = excluded.display_name,
                       last_sign_in_at = excluded.last_sign_in_at, updated_at = now()
                returning %s""".formatted(COLUMNS))
                .param("zuid", profile.zohoUserId())
                .param("email", email)
                .param("name", truncate(displayName, 200))
                .param("region", firstRegion)
                .param("role", firstRole.id())
                .query(JdbcUserDirectory::map).single();
        if (firstRole == Role.ADMIN) {
            jdbc.sql("update admin_email_grant set user_id = :id where email = :email")
                    .param("id", user.account().id()).param("email", email.toLowerCase(Locale.ROOT)).update();
            log.info("User {} is admin: the first Zoho user of an email in the admin list", user.account().id());
        }
        log.debug("Recorded sign-in of user {}", user.account().id());
        return user.account();
    }

    /** True when this call is the first to claim admin for the email (waits for a concurrent claim to settle). */
    private boolean claimAdminGrant(String email) {
        return jdbc.sql("insert into admin_email_grant (email) values (:email) on conflict (email) do nothing")
                .param("email", email.toLowerCase(Locale.ROOT)).update() == 1;
    }

    @Override
    public Optional<UserAccount> find(UUID userId) {
        return findRecord(userId).map(UserRecord::account);
    }

    Optional<UserRecord> findRecord(UUID userId) {
        return jdbc.sql("select " + COLUMNS + " from app_user where id = :id").param("id", userId)
                .query(JdbcUserDirectory::map).optional();
    }

    List<UserRecord> list() {
        return jdbc.sql("select " + COLUMNS + " from app_user order by lower(email), id")
                .query(JdbcUserDirectory::map).list();
    }

    /**
     * Changes role, region and/or status (null = leave as is) and publishes one event per changed attribute.
     * Input must already be validated. A change that lowers the role, disables the user or moves a viewer to another
     * region publishes {@link UserAccessReduced} in this transaction (the session module ends the user's sessions
     * with it). A change
     * that would leave no active admin is refused ({@link LastAdminException}) and changes nothing: every change of
     * role or status first takes one transaction-scoped advisory lock, so two admins demoting each other at once
     * are serialised and the second sees the first's result.
     */
    @Transactional
    Optional<UserRecord> update(UUID userId, Role role, String region, Boolean active, UUID actorId) {
        if (role != null || active != null) {
            jdbc.sql("select pg_advisory_xact_lock(hashtext(:key))").param("key", ADMIN_CHANGES_LOCK)
                    .query((rs, n) -> 1).single();
        }
        Optional<UserRecord> before = jdbc.sql("select " + COLUMNS + " from app_user where id = :id for update")
                .param("id", userId).query(JdbcUserDirectory::map).optional();
        if (before.isEmpty()) {
            return before;
        }
        UserAccount old = before.get().account();
        Role newRole = role == null ? old.role() : role;
        String newRegion = region == null ? old.region() : region;
        boolean newActive = active == null ? old.active() : active;
        boolean wasActiveAdmin = old.active() && old.role() == Role.ADMIN;
        if (wasActiveAdmin && !(newActive && newRole == Role.ADMIN) && otherActiveAdmins(userId) == 0) {
            throw new LastAdminException();
        }
        UserRecord after = jdbc.sql("""
                update app_user set role = :role, region = :region, status = :status, updated_at = now()
                 where id = :id
                returning %s""".formatted(COLUMNS))
                .param("role", newRole.id()).param("region", newRegion)
                .param("status", newActive ? "ACTIVE" : "DISABLED").param("id", userId)
                .query(JdbcUserDirectory::map).single();
        if (newRole != old.role()) {
            events.publishEvent(SecurityEvent.success(SecurityEvent.Types.ROLE_CHANGED, userId, old.email(),
                    changeDetails(old.role().id(), newRole.id(), actorId)));
        }
        if (!newRegion.equals(old.region())) {
            events.publishEvent(SecurityEvent.success(SecurityEvent.Types.REGION_CHANGED, userId, old.email(),
                    changeDetails(old.region(), newRegion, actorId)));
        }
        if (newActive != old.active()) {
            events.publishEvent(SecurityEvent.success(SecurityEvent.Types.USER_STATUS_CHANGED, userId, old.email(),
                    changeDetails(status(old.active()), status(newActive), actorId)));
        }
        if (old.active() && !newActive) {
            events.publishEvent(new UserAccessReduced(userId, actorId, UserAccessReduced.DISABLED));
        } else if (newRole.isBelow(old.role())) {
            events.publishEvent(new UserAccessReduced(userId, actorId, UserAccessReduced.ROLE_LOWERED));
        } else if (newRole == Role.VIEWER && !newRegion.equals(old.region())) {
            // A viewer reads only the region of their access token: moved elsewhere, their current tokens would show
            // the old region's deals until they expire.
            events.publishEvent(new UserAccessReduced(userId, actorId, UserAccessReduced.REGION_CHANGED));
        }
        return Optional.of(after);
    }

    private long otherActiveAdmins(UUID userId) {
        return jdbc.sql("select count(*) from app_user where role = 'admin' and status = 'ACTIVE' and id <> :id")
                .param("id", userId).query(Long.class).single();
    }

    private static String status(boolean active) {
        return active ? "ACTIVE" : "DISABLED";
    }

    /** Refused: the change would leave no active admin. */
    static final class LastAdminException extends RuntimeException {
        LastAdminException() {
            super("the last active admin cannot be demoted or disabled", null, false, false);
        }
    }

    private static Map<String, Object> changeDetails(String from, String to, UUID actorId) {
        Map<String, Object> details = new HashMap<>();
        details.put("from", from);
        details.put("to", to);
        details.put("by", actorId == null ? "system" : actorId.toString());
        return details;
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static UserRecord map(ResultSet rs, int row) throws SQLException {
        UserAccount account = new UserAccount(rs.getObject("id", UUID.class), rs.getString("zoho_user_id"),
                rs.getString("email"), rs.getString("display_name"), rs.getString("region"),
                Role.fromId(rs.getString("role")), "ACTIVE".equals(rs.getString("status")));
        return new UserRecord(account, rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("last_sign_in_at", OffsetDateTime.class));
    }

    /** A user with the bookkeeping columns admins see. */
    record UserRecord(UserAccount account, OffsetDateTime createdAt, OffsetDateTime lastSignInAt) {
    }
}
