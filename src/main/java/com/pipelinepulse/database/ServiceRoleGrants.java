package com.pipelinepulse.database;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway {@code afterMigrate} callback: after every migration run, on Flyway's own connection (the owner role), grants
 * the service role what it needs on every object of the schema, tables added by this run's migrations included, with
 * {@code grant_service_role_privileges} (V12; the rule is in docs/deployment.md, "Database roles") and EXECUTE on
 * the routines it calls with {@code grant_service_role_routines} (V50). With one role for both, they do nothing.
 */
final class ServiceRoleGrants implements Callback {

    private static final Logger log = LoggerFactory.getLogger(ServiceRoleGrants.class);

    private final String serviceUser;

    /** @param serviceUser the role the pool connects as; null or blank when unknown (nothing is granted) */
    ServiceRoleGrants(String serviceUser) {
        this.serviceUser = serviceUser;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_MIGRATE && serviceUser != null && !serviceUser.isBlank();
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try (PreparedStatement grant = context.getConnection()
                .prepareStatement("select grant_service_role_privileges(?), grant_service_role_routines(?)")) {
            grant.setString(1, serviceUser);
            grant.setString(2, serviceUser);
            grant.execute();
        } catch (SQLException e) {
            // The message names roles and objects only (never a credential); without these grants the service
            // cannot work, so the start fails here rather than at the first request.
            throw new FlywayException("Granting the service role " + serviceUser + " its privileges failed: "
                    + e.getMessage(), e);
        }
        log.debug("Granted the service role {} its privileges", serviceUser);
    }

    @Override
    public String getCallbackName() {
        return "grantServiceRolePrivileges";
    }
}
